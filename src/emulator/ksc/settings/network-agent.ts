import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord } from '../world/model.ts';
import { PLATFORM_TYPE } from '../world/platforms.ts';

/**
 * Network Agent (product 1103, version 1.0.0.0) local settings sections, named as the reference's "Kaspersky
 * Network Agent settings contents" lists them, so that dumping a host's settings is not empty. Only
 * `KLNAG_SVCPRT`'s content is documented in what was retrieved (docs/decisions/0060); the others hold the
 * switches their names describe, in the reference's naming style, with the defaults of a fresh agent.
 */
export const NETWORK_AGENT_SECTIONS = Object.freeze({
  SERVICE_PROTECTION: 'KLNAG_SVCPRT',
  REBOOT: 'KLNAG_SECTION_REBOOT_SETTINGS',
  NETWORK_SCAN: 'KLNAG_SECTION_NETSCAN',
  WINDOWS_UPDATE: 'KLNAG_SECTION_WUA',
  PATCHES: 'KLNAG_PTCH_SETTINGS_SECTION',
  KSN_PROXY: 'KSNPROXY_SETTINGS',
  SHOW_ACTIVE_POLICY: 'KLNAG_SAPH',
});

const WINDOWS_ONLY: ReadonlySet<string> = new Set([
  NETWORK_AGENT_SECTIONS.WINDOWS_UPDATE,
  NETWORK_AGENT_SECTIONS.PATCHES,
]);

/** Whether a Network Agent section exists on this host (Windows Update sections only on Windows). */
export function networkAgentHasSection(host: HostRecord, section: string): boolean {
  if (!WINDOWS_ONLY.has(section)) return true;
  return host.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.WINDOWS_NT;
}

/** Default content of a Network Agent section. */
export function networkAgentSection(section: string): KlParams {
  switch (section) {
    case NETWORK_AGENT_SECTIONS.SERVICE_PROTECTION:
      return { KLNAG_SVCPRT_PROTECT_NAGENT_SVC: false };
    case NETWORK_AGENT_SECTIONS.REBOOT:
      return { KLNAG_REBOOT_ASK_USER: true, KLNAG_REBOOT_FORCE_AFTER_MIN: 30, KLNAG_REBOOT_ASK_EVERY_MIN: 5 };
    case NETWORK_AGENT_SECTIONS.NETWORK_SCAN:
      return { KLNAG_NETSCAN_ENABLE_POLL: true, KLNAG_NETSCAN_ENABLE_ZEROCONF: false };
    case NETWORK_AGENT_SECTIONS.WINDOWS_UPDATE:
      return { KLNAG_WUA_ALLOW_UPDATES_ONLY_FROM_SRV: false, KLNAG_WUA_SEARCH_MODE: 0 };
    case NETWORK_AGENT_SECTIONS.PATCHES:
      return { KLNAG_PTCH_INSTALL_APPROVED_ONLY: true };
    case NETWORK_AGENT_SECTIONS.KSN_PROXY:
      return { KSNPROXY_ENABLE: true, KSNPROXY_PORT: 13111, KSNPROXY_UDP_PORT: 15111 };
    case NETWORK_AGENT_SECTIONS.SHOW_ACTIVE_POLICY:
      return { KLNAG_SAPH_SHOW: false };
    default:
      return {};
  }
}
