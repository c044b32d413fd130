import type { KlParams } from '../../ksc/values.ts';
import { faults } from './faults.ts';
import type { HostRecord } from './world/model.ts';
import type { KscWorld } from './world.ts';

/**
 * The host attributes `HostGroup.UpdateHost` may change: the names and the comment an administrator edits in
 * the console. Everything else is reported by the agent or computed by the server (status, counters, group —
 * `MoveHostsToGroup` moves hosts), so naming it is `Bad parameter "pInfo"`, not a silent no-op.
 */
const WRITABLE_TEXT = new Set([
  'KLHST_WKS_DN',
  'KLHST_WKS_COMMENT',
  'KLHST_WKS_WINHOSTNAME',
  'KLHST_WKS_WINDOMAIN',
  'KLHST_WKS_DNSDOMAIN',
  'KLHST_WKS_DNSNAME',
  'KLHST_WKS_FQDN',
]);

/** The host with `pInfo` applied; an unknown, read-only or non-string attribute is a bad parameter. */
export function updatedHost(host: HostRecord, pInfo: KlParams): HostRecord {
  for (const [name, value] of Object.entries(pInfo)) {
    if (!WRITABLE_TEXT.has(name) || typeof value !== 'string') throw faults.badParameter('pInfo');
  }
  // A display name is what every list shows and searches by: KSC refuses an empty one.
  if (pInfo['KLHST_WKS_DN'] === '') throw faults.badParameter('pInfo');
  return { ...host, attributes: { ...host.attributes, ...pInfo } };
}

/** Resets `KLHST_WKS_VIRUS_COUNT` of the hosts that have found any ("Resets counters of viruses found on hosts"). */
export async function zeroVirusCounts(world: KscWorld, hosts: readonly HostRecord[]): Promise<number> {
  const changed = hosts
    .filter((h) => {
      const count = h.attributes['KLHST_WKS_VIRUS_COUNT'];
      return count !== undefined && count !== 0 && count !== 0n;
    })
    .map((h) => ({ ...h, attributes: { ...h.attributes, KLHST_WKS_VIRUS_COUNT: 0n } }));
  if (changed.length > 0) await world.saveHosts(changed);
  return changed.length;
}
