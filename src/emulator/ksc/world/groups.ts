import type { KlValue } from '../../../ksc/values.ts';
import type { GroupRecord } from './model.ts';
import type { Random } from '../../core/random.ts';

/**
 * The administration-group tree of one (virtual) server.
 *
 * Every server has three roots — "Managed devices", "Unassigned devices" and the "Administration Servers" super
 * group, all with `parentId` null — and "WORKGROUP" under "Unassigned devices", as in the real FindGroups sample
 * (ids 0, 1, 4). The main server keeps the real ids (0, 1, 2, 4; 3 stays unused); a virtual server's groups take
 * the next free ids, so ids are unique across servers. The user tree under "Managed devices" is a headquarters,
 * a datacenter, a quarantine segment and as many branch offices as the host count needs for about 250 hosts per
 * leaf group (1 to 99 branches, so at most a few hundred groups).
 *
 * Host counters (`hostsNum`, `KLGRP_CHLDHST_CNT`…) are not stored: the server computes them.
 */

/** What kind of devices a leaf group collects; decides the roles and platforms placed in it. */
export type LeafKind =
  'workstations' | 'servers' | 'windows-servers' | 'linux-servers' | 'finance' | 'development' | 'quarantine';

/** A group that hosts are placed in, with what the host generator needs to know about it. */
export interface LeafGroup {
  readonly group: GroupRecord;
  readonly kind: LeafKind;
  /** Short site tag used in host names (`HQ`, `BR07`, `DC`, `QS`). */
  readonly site: string;
  /** The branch number for branch-office leaves, else 0. */
  readonly branch: number;
}

/** Ids of a server's well-known groups. */
export interface ServerRoots {
  readonly vserverId: number;
  /** "Managed devices" (`GroupIdGroups`). */
  readonly managed: number;
  /** "Unassigned devices" (`GroupIdUnassigned`). */
  readonly unassigned: number;
  /** "Administration Servers" (`GroupIdSuper`). */
  readonly superGroup: number;
  /** "WORKGROUP" under "Unassigned devices". */
  readonly workgroup: number;
}

/** One server's groups. */
export interface ServerGroupTree {
  readonly roots: ServerRoots;
  /** All groups of the server, parents before children. */
  readonly groups: readonly GroupRecord[];
  /** The user groups hosts go into, in creation order. */
  readonly leaves: readonly LeafGroup[];
}

export const MANAGED_DEVICES = 'Managed devices';
export const UNASSIGNED_DEVICES = 'Unassigned devices';
export const ADMINISTRATION_SERVERS = 'Administration Servers';
export const WORKGROUP = 'WORKGROUP';

const DAY_MS = 86_400_000;
const HOSTS_PER_LEAF = 250;
const MAX_BRANCHES = 99;

/** Branch offices for a server with `hosts` hosts: about one leaf group per 250 hosts overall. */
export function branchCountFor(hosts: number): number {
  const fixedLeaves = 7; // four at headquarters, two in the datacenter, the quarantine segment
  const wanted = Math.round((hosts / HOSTS_PER_LEAF - fixedLeaves) / 2);
  return Math.min(MAX_BRANCHES, Math.max(1, wanted));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Inputs of {@link buildGroupTree}. */
export interface GroupTreeOptions {
  readonly vserverId: number;
  /** Use the main server's fixed ids (0, 1, 2, 4, then 5…); otherwise ids start at `firstId`. */
  readonly main: boolean;
  readonly firstId: number;
  readonly hostCount: number;
  /** When the server was installed, epoch ms: the roots' creation date. */
  readonly installedAt: number;
  readonly now: number;
  readonly rng: Random;
}

/** Builds the group tree of one server. */
export function buildGroupTree(options: GroupTreeOptions): ServerGroupTree & { readonly nextId: number } {
  const { vserverId, rng, installedAt, now } = options;
  const groups: GroupRecord[] = [];
  const leaves: LeafGroup[] = [];
  const fullNames = new Map<number, string>();
  const levels = new Map<number, number>();
  const fromUnassigned = new Set<number>();
  let nextId = options.main ? 5 : options.firstId;

  const add = (id: number, name: string, parentId: number | null, createdAt: number): GroupRecord => {
    const parentName = parentId === null ? undefined : fullNames.get(parentId);
    const fullName = parentName === undefined ? name : `${parentName}/${name}`;
    const level = parentId === null ? 0 : (levels.get(parentId) ?? 0) + 1;
    const underUnassigned =
      (parentId === null && name === UNASSIGNED_DEVICES) ||
      (parentId !== null && fromUnassigned.has(parentId));
    fullNames.set(id, fullName);
    levels.set(id, level);
    if (underUnassigned) fromUnassigned.add(id);
    const created = wholeSeconds(createdAt);
    const updated = wholeSeconds(Math.min(now - DAY_MS, created + rng.between(0, now - created)));
    const attributes: Record<string, KlValue> = { id, name };
    if (parentId !== null) attributes['parentId'] = parentId;
    attributes['grp_full_name'] = fullName;
    attributes['level'] = level;
    attributes['creationDate'] = new Date(created);
    attributes['lastUpdate'] = new Date(Math.max(created, updated));
    // "Remove devices inactive for N days" is off (0) everywhere, so no generated host is overdue for removal.
    attributes['autoRemovePeriod'] = 0;
    attributes['notifyPeriod'] = name === ADMINISTRATION_SERVERS ? 0 : 7;
    attributes['grp_from_unassigned'] = underUnassigned;
    attributes['grp_enable_fscan'] = true;
    attributes['KLVSRV_ID'] = vserverId;
    const record: GroupRecord = { id, vserverId, parentId, name, attributes };
    groups.push(record);
    return record;
  };
  const take = (): number => nextId++;

  const managedId = options.main ? 0 : take();
  const unassignedId = options.main ? 1 : take();
  const superId = options.main ? 2 : take();
  const workgroupId = options.main ? 4 : take();
  add(managedId, MANAGED_DEVICES, null, installedAt);
  add(unassignedId, UNASSIGNED_DEVICES, null, installedAt);
  add(superId, ADMINISTRATION_SERVERS, null, installedAt);
  add(workgroupId, WORKGROUP, unassignedId, installedAt + rng.between(600_000, 3 * 3_600_000));

  // Administrators build the tree during roll-out, within the first months after installation.
  const rollout = (): number => installedAt + rng.between(DAY_MS, 120 * DAY_MS);
  const leaf = (parent: GroupRecord, name: string, kind: LeafKind, site: string, branch: number): void => {
    const createdAt = (parent.attributes['creationDate'] as Date).getTime() + rng.between(60_000, 2 * DAY_MS);
    leaves.push({ group: add(take(), name, parent.id, createdAt), kind, site, branch });
  };

  const hq = add(take(), 'Headquarters', managedId, rollout());
  leaf(hq, 'Workstations', 'workstations', 'HQ', 0);
  leaf(hq, 'Servers', 'servers', 'HQ', 0);
  leaf(hq, 'Finance', 'finance', 'HQ', 0);
  leaf(hq, 'Development', 'development', 'HQ', 0);

  const branches = branchCountFor(options.hostCount);
  for (let n = 1; n <= branches; n++) {
    const branch = add(take(), `Branch Office ${pad2(n)}`, managedId, rollout());
    leaf(branch, 'Workstations', 'workstations', `BR${pad2(n)}`, n);
    leaf(branch, 'Servers', 'servers', `BR${pad2(n)}`, n);
  }

  const datacenter = add(take(), 'Datacenter', managedId, rollout());
  leaf(datacenter, 'Windows Servers', 'windows-servers', 'DC', 0);
  leaf(datacenter, 'Linux Servers', 'linux-servers', 'DC', 0);

  const quarantine = add(take(), 'Quarantine segment', managedId, rollout());
  leaves.push({ group: quarantine, kind: 'quarantine', site: 'QS', branch: 0 });

  return {
    roots: {
      vserverId,
      managed: managedId,
      unassigned: unassignedId,
      superGroup: superId,
      workgroup: workgroupId,
    },
    groups,
    leaves,
    nextId,
  };
}
