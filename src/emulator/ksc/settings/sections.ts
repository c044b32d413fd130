import type { KlParams } from '../../../ksc/values.ts';
import { hostAccounts } from '../users/accounts.ts';
import type { HostRecord } from '../world/model.ts';
import { ENDPOINT_AGENT, KES_WINDOWS, NETWORK_AGENT } from '../world/products.ts';
import type { KscWorld } from '../world.ts';
import { defaultIsolationSettings } from './isolation.ts';
import { defaultNetworkSettings } from './network.ts';
import { NETWORK_AGENT_SECTIONS, networkAgentHasSection, networkAgentSection } from './network-agent.ts';
import { isolationOf } from './store.ts';

/** Storage types of the host settings storage: product settings, and data the products report. */
export const STORAGE = Object.freeze({ SETTINGS: 'SS_SETTINGS', PRODINFO: 'SS_PRODINFO' });

/** Section names the emulator defines (no public source names them; docs/decisions/0009). */
export const SECTION = Object.freeze({
  /** KES: `portsMonitoring`, `trafficDecoding`, `customRootCA` (Get Open Ports). */
  NETWORK: 'NetworkSettings',
  /** Kaspersky Endpoint Agent: `Enable`, `Exclusions`, `IsolationTimeout`, … (Isolate Hosts). */
  ISOLATION: 'NetworkIsolation',
  /** Network Agent: `KLNAG_ACCNTS_ACCOUNTS` (Get User By IP). */
  ACCOUNTS: 'KLNAG_ACCNTS',
  /** Kaspersky Endpoint Agent: whether the host is isolated now, and until when. */
  ISOLATION_STATE: 'NetworkIsolationState',
});

/** A section every host with the product has until it is removed; its content is derived, not stored. */
interface DefaultSection {
  readonly type: string;
  readonly product: string;
  readonly section: string;
  /** Data the product reports: clients read it, they cannot write it. */
  readonly readOnly: boolean;
  build(host: HostRecord, world: KscWorld): KlParams | Promise<KlParams>;
  /** Whether the host has the section at all; absent: every host with the product has it. */
  appliesTo?(host: HostRecord): boolean;
}

function accountsSection(host: HostRecord): KlParams {
  const accounts: Record<string, KlParams> = {};
  for (const account of hostAccounts(host)) {
    accounts[account.key] = {
      KLNAG_ACCNTS_DN: account.dn,
      KLNAG_ACCNTS_IFUSER: account.isUser,
      KLNAG_ACCNTS_SAM: account.sam,
      KLNAG_ACCNTS_SID: account.sid,
    };
  }
  return { KLNAG_ACCNTS_ACCOUNTS: accounts };
}

async function isolationStateSection(host: HostRecord, world: KscWorld): Promise<KlParams> {
  const state = await isolationOf(world, host.id);
  if (state === undefined) return { IsolationActive: false };
  return {
    IsolationActive: true,
    IsolationStart: new Date(state.since),
    IsolationEnd: new Date(state.until),
  };
}

const DEFAULTS: readonly DefaultSection[] = [
  {
    type: STORAGE.SETTINGS,
    product: KES_WINDOWS.code,
    section: SECTION.NETWORK,
    readOnly: false,
    build: (host, world) => defaultNetworkSettings(host, world.seedValue),
  },
  {
    type: STORAGE.SETTINGS,
    product: ENDPOINT_AGENT.code,
    section: SECTION.ISOLATION,
    readOnly: false,
    build: () => defaultIsolationSettings(),
  },
  ...Object.values(NETWORK_AGENT_SECTIONS).map((section): DefaultSection => ({
    type: STORAGE.SETTINGS,
    product: NETWORK_AGENT.code,
    section,
    readOnly: false,
    build: () => networkAgentSection(section),
    appliesTo: (host) => networkAgentHasSection(host, section),
  })),
  {
    type: STORAGE.PRODINFO,
    product: NETWORK_AGENT.code,
    section: SECTION.ACCOUNTS,
    readOnly: true,
    build: (host) => accountsSection(host),
  },
  {
    type: STORAGE.PRODINFO,
    product: ENDPOINT_AGENT.code,
    section: SECTION.ISOLATION_STATE,
    readOnly: true,
    build: isolationStateSection,
  },
];

export function isStorageType(type: string): boolean {
  return type === STORAGE.SETTINGS || type === STORAGE.PRODINFO;
}

function hasSection(host: HostRecord, d: DefaultSection): boolean {
  return d.appliesTo === undefined || d.appliesTo(host);
}

/** The default sections a product has in a storage type on this host. */
export function defaultSections(host: HostRecord, type: string, product: string): readonly DefaultSection[] {
  return DEFAULTS.filter((d) => d.type === type && d.product === product && hasSection(host, d));
}

export function defaultSection(
  host: HostRecord,
  type: string,
  product: string,
  section: string,
): DefaultSection | undefined {
  return DEFAULTS.find(
    (d) => d.type === type && d.product === product && d.section === section && hasSection(host, d),
  );
}

/** Whether a section's content drives the host's network isolation. */
export function isIsolationSection(type: string, product: string, section: string): boolean {
  return type === STORAGE.SETTINGS && product === ENDPOINT_AGENT.code && section === SECTION.ISOLATION;
}
