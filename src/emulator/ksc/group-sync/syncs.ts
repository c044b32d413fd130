import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { AgentScheduler } from '../agents/scheduler.ts';
import { categoriesModification } from '../categories/modification.ts';
import { findPolicy, groupPolicies, type PolicyRecord } from '../inventory/policies.ts';
import { policyChanges, type PolicyChanges } from '../inventory/policy-store.ts';
import type { HostRecord } from '../world/model.ts';
import { HOST_STATE } from '../world/status.ts';
import type { KscWorld } from '../world.ts';
import { parseSyncId } from './ids.ts';

/**
 * A group synchronization as the emulator derives it (docs/decisions/0079): the object (a policy, or a server's
 * custom categories) changed at `modifiedAt`; each host of the scope asks the server for its syncs at every
 * Network Agent sync on the emulator clock, and the first such request after the change delivers it. Delivery
 * takes no time and never fails, so a host is either scheduled (0) or finished (2).
 */
export interface GroupSync {
  readonly id: number;
  /** The hosts it is delivered to, in the world's order. */
  readonly scope: readonly HostRecord[];
  /** When the object last changed, epoch ms. */
  readonly modifiedAt: number;
  /** The version delivered since then. */
  readonly version: number;
}

/** `hostStatus` of the reference's "List of host attributes when syncing a group". */
export const HOST_SYNC_STATUS = Object.freeze({ SCHEDULED: 0, RUNNING: 1, FINISHED: 2, FAILED: 3 });

const hasAgent = (h: HostRecord): boolean => typeof h.attributes['KLHST_WKS_NAG_VERSION'] === 'string';

const timeOf = (value: KlValue | undefined): number | undefined =>
  value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : undefined;

const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

/**
 * A policy's hosts: those with a Network Agent and the policy's application, in a group of the policy's subtree
 * whose policy for that application is this one (a subgroup with its own policy takes it instead).
 */
function policyScope(world: KscWorld, vserverId: number, policy: PolicyRecord, changes: PolicyChanges) {
  const groups = world.subtree(policy.groupId);
  const effective = new Map<number, boolean>();
  const appliesIn = (groupId: number): boolean => {
    let applies = effective.get(groupId);
    if (applies === undefined) {
      const group = world.groups.get(groupId);
      applies =
        group !== undefined &&
        groupPolicies(world, group, changes).some((p) => Number(p['KLPOL_ID']) === policy.id);
      effective.set(groupId, applies);
    }
    return applies;
  };
  return world
    .hostsOf(vserverId)
    .filter(
      (h) =>
        groups.has(h.groupId) &&
        hasAgent(h) &&
        h.products.some((p) => p.name === policy.product) &&
        appliesIn(h.groupId),
    );
}

/** The sync `syncId` of server `vserverId`, or `undefined` when the server has none with that id. */
export async function findGroupSync(
  world: KscWorld,
  vserverId: number,
  syncId: number,
): Promise<GroupSync | undefined> {
  const ref = parseSyncId(syncId);
  if (ref === undefined) return undefined;
  if (ref.kind === 'policy') {
    const changes = await policyChanges(world, vserverId);
    const policy = findPolicy(world, vserverId, ref.policyId, changes);
    if (policy === undefined) return undefined;
    const modified = timeOf(policy.attributes['KLPOL_MODIFIED']) ?? 0;
    return {
      id: syncId,
      scope: policyScope(world, vserverId, policy, changes),
      modifiedAt: modified,
      // Policies keep no modification counter: the version is the modification time in seconds.
      version: Math.floor(modified / 1000),
    };
  }
  if (ref.vserverId !== vserverId) return undefined;
  const root = world.rootGroup(vserverId);
  if (root === undefined) return undefined;
  const groups = world.subtree(root.id);
  const modification = await categoriesModification(world, vserverId);
  return {
    id: syncId,
    scope: world.hostsOf(vserverId).filter((h) => groups.has(h.groupId) && hasAgent(h)),
    // Before the first change the (empty) categories exist since the server was installed.
    modifiedAt: modification.modifiedAt ?? timeOf(root.attributes['creationDate']) ?? 0,
    version: modification.counter,
  };
}

/** A host's state in a sync at `now`. */
export interface HostSyncState {
  readonly status: number;
  /** The host's last request for its syncs (its last Network Agent sync), if it ever made one. */
  readonly lastRequest: number | undefined;
  /** When the current version reached the host, if it did. */
  readonly deliveredAt: number | undefined;
}

/**
 * A host asks for its syncs at every Network Agent sync while its agent is alive (the scheduler's phase); an agent
 * that is not alive last asked when it last connected.
 */
function lastRequest(host: HostRecord, agents: AgentScheduler, now: number): number | undefined {
  const alive = (Number(host.attributes['KLHST_WKS_STATUS']) & HOST_STATE.AGENT_ALIVE) !== 0;
  const last = alive
    ? agents.nextSync(host.id, now - agents.options.syncIntervalMs)
    : timeOf(host.attributes['KLHST_WKS_LAST_NAGENT_CONNECTED']);
  // Whole seconds, as KSC dates the change: a request in the second of the change does not count as after it.
  return last === undefined ? undefined : Math.floor(last / 1000) * 1000;
}

export function hostSyncState(
  sync: GroupSync,
  host: HostRecord,
  agents: AgentScheduler,
  now: number,
): HostSyncState {
  const last = lastRequest(host, agents, now);
  if (last === undefined || last <= sync.modifiedAt)
    return { status: HOST_SYNC_STATUS.SCHEDULED, lastRequest: last, deliveredAt: undefined };
  // The first sync in a later second than the change (changes and requests are dated in whole seconds).
  const deliveredAt = Math.min(agents.nextSync(host.id, sync.modifiedAt + 999), last);
  return { status: HOST_SYNC_STATUS.FINISHED, lastRequest: last, deliveredAt };
}

/** A host's row of `GetSyncHostsInfo`: every attribute of the reference's list that has a value. */
export function hostSyncRow(sync: GroupSync, host: HostRecord, state: HostSyncState): KlParams {
  const a = host.attributes;
  const row: Record<string, KlValue> = {
    hostStatus: state.status,
    hostName: host.id,
    error_code: 0,
  };
  const copy: Array<[string, string]> = [
    ['winhostName', 'KLHST_WKS_WINHOSTNAME'],
    ['domainName', 'KLHST_WKS_WINDOMAIN'],
    ['hostDisplayName', 'KLHST_WKS_DN'],
    ['dnsName', 'KLHST_WKS_DNSNAME'],
    ['dnsDomain', 'KLHST_WKS_DNSDOMAIN'],
  ];
  for (const [name, attribute] of copy) {
    const value = a[attribute];
    if (value !== undefined) row[name] = value;
  }
  if (state.deliveredAt !== undefined) {
    row['last_sync'] = wholeSeconds(state.deliveredAt);
    row['version'] = sync.version;
  }
  if (state.lastRequest !== undefined) row['last_sync_req'] = wholeSeconds(state.lastRequest);
  return row;
}

/** The attributes a host row may carry: what `arrFieldsToOrder` may name. */
export const HOST_SYNC_ATTRIBUTES: ReadonlySet<string> = new Set([
  'hostStatus',
  'hostName',
  'winhostName',
  'domainName',
  'hostDisplayName',
  'last_sync',
  'eventDesc',
  'version',
  'last_sync_req',
  'error_code',
  'dnsName',
  'dnsDomain',
]);
