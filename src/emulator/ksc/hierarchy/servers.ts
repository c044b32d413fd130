import type { KlParams } from '../../../ksc/values.ts';
import { Random } from '../../core/random.ts';
import type { KscWorld } from '../world.ts';
import { ADMINISTRATION_SERVERS } from '../world/groups.ts';
import type { GroupRecord } from '../world/model.ts';

/**
 * The server hierarchy of the emulated KSC: the secondary Administration Servers registered under the main server
 * and the main server's virtual servers. Both are derived from the world on every call, never stored: the
 * secondaries from the world's seed (docs/decisions/0061), the virtual servers from the world's `vservers`.
 */

/** Build of the emulated server; secondaries run the same one (KSC requires a secondary to be no newer). */
export const SERVER_VERSION = '14.2.0.26967';

/** The secondaries every world holds: a branch office's server and a DMZ server that connects passively. */
const SECONDARIES = [
  { name: 'ksc-branch-east', passive: false, connected: true },
  { name: 'ksc-dmz', passive: true, connected: false },
] as const;

/** How often a connected secondary reports to its primary. */
export const SYNC_PERIOD_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `KLSRVH_SRV_STATUS`: 1 while the secondary keeps its connection to this server, 0 otherwise. */
export const SRV_STATUS = Object.freeze({ DISCONNECTED: 0, CONNECTED: 1 });

function superGroup(world: KscWorld, vserverId: number): GroupRecord | undefined {
  return world.groupsOf(vserverId).find((g) => g.parentId === null && g.name === ADMINISTRATION_SERVERS);
}

/** Hex digits drawn from `rng`: fingerprints and instance ids that are stable for a seed. */
function hex(rng: Random, length: number): string {
  let text = '';
  while (text.length < length) text += rng.nextUint32().toString(16).padStart(8, '0');
  return text.slice(0, length);
}

/** The secondary servers of the main server (`KLSRVH_SRV_*` attributes), in id order. */
export function secondaryServers(world: KscWorld, now: number): KlParams[] {
  const group = superGroup(world, 0);
  if (group === undefined) return [];
  const rng = Random.derive(world.seedValue, 'server-hierarchy');
  return SECONDARIES.map((spec, index) => {
    const instanceId = rng.guid();
    // A connected secondary reports at every sync of its connection; a disconnected one stopped some days ago.
    // Both are anchored to the last sync point, so the value does not creep between two calls.
    const lastSync = Math.floor(now / SYNC_PERIOD_MS) * SYNC_PERIOD_MS;
    const silentDays = spec.connected ? 0 : rng.int(3, 9);
    return {
      KLSRVH_SRV_ID: index + 1,
      KLSRVH_SRV_INST_ID: instanceId,
      KLSRVH_SRV_ADDR: `${spec.name}.corp.example:13000`,
      KLSRVH_SRV_DN: spec.name,
      KLSRVH_SRV_GROUPID: group.id,
      KLSRVH_SRV_VERSION: SERVER_VERSION,
      KLSRVH_SRV_STATUS: spec.connected ? SRV_STATUS.CONNECTED : SRV_STATUS.DISCONNECTED,
      KLSRVH_SRV_LAST_CONNECTED: new Date(lastSync - silentDays * DAY_MS),
      KLSRVH_SRV_PASSIVE: spec.passive,
      // A passive secondary is reached by the primary; an active one dials the primary's address.
      KLSRVH_SRV_MASTER_ADDR: spec.passive ? '' : 'ksc-primary.corp.example:13000',
      KLSRVH_SRV_PUBLIC_KEY_HASH: hex(rng, 32),
    };
  });
}

/** The virtual servers of the main server (`KLVSRV_*` attributes), in id order; none seen from a virtual server. */
export function virtualServers(world: KscWorld, fromVserver: number): KlParams[] {
  if (fromVserver !== 0) return [];
  const group = superGroup(world, 0);
  const servers: KlParams[] = [];
  for (const vserver of [...world.vservers.values()].sort((a, b) => a.id - b.id)) {
    if (vserver.id === 0) continue;
    const root = world.rootGroup(vserver.id);
    const rng = Random.derive(world.seedValue, `vserver:${vserver.id}`);
    const created = root?.attributes['creationDate'];
    servers.push({
      KLVSRV_ID: vserver.id,
      KLVSRV_GRP: group?.id ?? 2,
      KLVSRV_DN: vserver.displayName,
      KLVSRV_UID: rng.guid(),
      KLVSRV_ENABLED: true,
      KLVSRV_GROUPS: root?.id ?? 0,
      KLVSRV_UNASSIGNED: world.unassignedGroup(vserver.id)?.id ?? 0,
      KLVSRV_SUPER: superGroup(world, vserver.id)?.id ?? 0,
      KLVSRV_CREATED: created instanceof Date ? created : new Date(0),
    });
  }
  return servers;
}
