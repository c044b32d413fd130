import { createHash } from 'node:crypto';
import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { storedSetting, updateSetting } from '../server-settings/store.ts';
import { faults } from '../faults.ts';
import { UNASSIGNED_DEVICES } from '../world/groups.ts';
import type { HostRecord } from '../world/model.ts';
import { domainFor } from '../world/names.ts';
import { COMPUTER_TYPE } from '../world/platforms.ts';

/**
 * The Active Directory the server scanned, derived from its hosts (decisions/0067): the domain is the server's
 * (`corp.example.com` for the main one), with the OUs `Domain Controllers`, `Servers` and `Workstations` under
 * its root. Every host of the domain (not of `WORKGROUP`) is a computer of `Servers` or `Workstations` by its
 * computer type. Ids: the root OU 1, its children 2–4, computers 1001 onwards in the server's host order.
 */

export const ROOT_OU_ID = 1;
const CHILD_OUS = ['Domain Controllers', 'Servers', 'Workstations'] as const;
const SERVERS_OU = 3;
const WORKSTATIONS_OU = 4;
const FIRST_COMPUTER_ID = 1001;

const SERVER_TYPES: ReadonlySet<unknown> = new Set([
  COMPUTER_TYPE.WINDOWS_SERVER,
  COMPUTER_TYPE.LINUX_SERVER,
]);

export interface OrganizationUnit {
  readonly id: number;
  readonly parentId: number;
  readonly name: string;
  readonly binId: Uint8Array;
}

export interface AdComputer {
  readonly id: number;
  readonly parentId: number;
  readonly host: HostRecord;
}

export interface AdTree {
  readonly units: readonly OrganizationUnit[];
  readonly computers: readonly AdComputer[];
}

function binId(domain: string, name: string): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(`ou\u0000${domain}\u0000${name}`).digest().subarray(0, 16),
  );
}

const cache = new WeakMap<readonly HostRecord[], AdTree>();

/** The tree the server scanned, before the OUs clients added or removed (`AddOU`, `RemoveOU`). */
function scannedTree(ctx: MethodContext): AdTree {
  const hosts = ctx.world.hostsOf(ctx.vserverId);
  const cached = cache.get(hosts);
  if (cached !== undefined) return cached;
  const vserver = ctx.world.vservers.get(ctx.vserverId);
  const domain = domainFor(ctx.vserverId, vserver?.name ?? '').dns;
  const units: OrganizationUnit[] = [
    { id: ROOT_OU_ID, parentId: 0, name: domain, binId: binId(domain, '') },
    ...CHILD_OUS.map((name, i) => ({
      id: ROOT_OU_ID + 1 + i,
      parentId: ROOT_OU_ID,
      name,
      binId: binId(domain, name),
    })),
  ];
  const computers: AdComputer[] = [];
  for (const host of hosts) {
    if (host.attributes['KLHST_WKS_DNSDOMAIN'] !== domain) continue;
    const parentId = SERVER_TYPES.has(host.attributes['KLHST_WKS_CTYPE']) ? SERVERS_OU : WORKSTATIONS_OU;
    computers.push({ id: FIRST_COMPUTER_ID + computers.length, parentId, host });
  }
  const tree = { units, computers };
  cache.set(hosts, tree);
  return tree;
}

/** Whether a host is in "Unassigned devices" (its group's root). */
export function isUnassigned(ctx: MethodContext, host: HostRecord): boolean {
  let group = ctx.world.groups.get(host.groupId);
  while (group !== undefined && group.parentId !== null) group = ctx.world.groups.get(group.parentId);
  return group?.name === UNASSIGNED_DEVICES;
}

/** Ids of OUs clients add: above any computer id (1001 + the server's hosts), so the two never meet. */
const FIRST_ADDED_OU_ID = 10_000_001;

/** An OU a client added with `AddOU`. */
interface AddedUnit {
  readonly id: number;
  readonly parentId: number;
  readonly guid: string;
}

/** What clients changed in the tree, stored as the `ad-organization-units` setting. */
interface TreeChanges {
  /** OUs whose scanning a client turned off (`adhst_enable_ad_scan` false); every OU is scanned by default. */
  readonly scanDisabled: Set<number>;
  readonly added: AddedUnit[];
  /** Object GUIDs of scanned OUs a client removed (with their subunits). */
  readonly removed: Set<string>;
  readonly nextId: number;
}

function readChanges(stored: KlParams | undefined): TreeChanges {
  const added = ((stored?.['added'] as KlParams[] | undefined) ?? []).map((a) => ({
    id: Number(a['id']),
    parentId: Number(a['parentId']),
    guid: String(a['guid']),
  }));
  return {
    scanDisabled: new Set(((stored?.['scanDisabled'] as number[] | undefined) ?? []).map(Number)),
    added,
    removed: new Set((stored?.['removed'] as string[] | undefined) ?? []),
    nextId: Number(stored?.['nextId'] ?? FIRST_ADDED_OU_ID),
  };
}

function writeChanges(changes: TreeChanges): KlParams {
  return {
    scanDisabled: [...changes.scanDisabled].sort((x, y) => x - y),
    added: changes.added.map((a) => ({ id: a.id, parentId: a.parentId, guid: a.guid })),
    removed: [...changes.removed].sort(),
    nextId: changes.nextId,
  };
}

/** An object GUID as 32 lower-case hex digits; braces and dashes are accepted (`{…}`, `8-4-4-4-12`). */
export function canonicalGuid(text: string): string | undefined {
  const hex = text
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .replaceAll('-', '')
    .toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
}

function guidOf(unit: OrganizationUnit): string {
  return Buffer.from(unit.binId).toString('hex');
}

/** The GUID as `8-4-4-4-12` hex, the name an added OU has until the server scans it. */
function guidText(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The scanned tree with the clients' changes: removed OUs and their subunits (and computers) dropped, added OUs
 * placed under their parents. Children still follow their parents in `units`.
 */
function mergedTree(scanned: AdTree, changes: TreeChanges): AdTree {
  const gone = new Set<number>();
  for (const u of scanned.units) if (changes.removed.has(guidOf(u)) || gone.has(u.parentId)) gone.add(u.id);
  const units: OrganizationUnit[] = scanned.units.filter((u) => !gone.has(u.id));
  const present = new Set(units.map((u) => u.id));
  for (const a of changes.added) {
    if (a.parentId !== 0 && !present.has(a.parentId)) continue;
    units.push({
      id: a.id,
      parentId: a.parentId,
      name: guidText(a.guid),
      binId: new Uint8Array(Buffer.from(a.guid, 'hex')),
    });
    present.add(a.id);
  }
  return { units, computers: scanned.computers.filter((c) => present.has(c.parentId)) };
}

/** The AD tree of the caller's server as clients see it: the scanned one with their changes. */
export async function adTreeOf(ctx: MethodContext): Promise<{ tree: AdTree; scanDisabled: Set<number> }> {
  const changes = readChanges(await storedSetting(ctx.world, ctx.vserverId, 'ad-organization-units'));
  return { tree: mergedTree(scannedTree(ctx), changes), scanDisabled: changes.scanDisabled };
}

/**
 * Changes the stored OU changes, read and written in one transaction (no lost change). `edit` sees the tree as it
 * is and must not query the database (updateSetting's rule).
 */
function changeTree<T>(
  ctx: MethodContext,
  edit: (changes: TreeChanges, tree: AdTree) => TreeChanges & { result: T },
) {
  const scanned = scannedTree(ctx);
  return updateSetting(ctx.world, ctx.vserverId, 'ad-organization-units', (stored) => {
    const changes = readChanges(stored);
    const { result, ...next } = edit(changes, mergedTree(scanned, changes));
    return { value: writeChanges(next), result };
  });
}

/** Turns an OU's scanning on or off. */
export async function setScanEnabled(ctx: MethodContext, idOU: number, enabled: boolean): Promise<void> {
  await changeTree(ctx, (changes) => {
    if (enabled) changes.scanDisabled.delete(idOU);
    else changes.scanDisabled.add(idOU);
    return { ...changes, result: undefined };
  });
}

/** `AddOU`: an OU known by its object GUID only, under `parentGuid` (`undefined`: a root of the hierarchy). */
export async function addUnit(
  ctx: MethodContext,
  guid: string,
  parentGuid: string | undefined,
): Promise<void> {
  await changeTree(ctx, (changes, tree) => {
    if (tree.units.some((u) => guidOf(u) === guid))
      throw faults.notPermitted(`Organization unit '${guidText(guid)}' already exists`);
    let parentId = 0;
    if (parentGuid !== undefined) {
      const parent = tree.units.find((u) => guidOf(u) === parentGuid);
      if (parent === undefined)
        throw faults.notFound(`Organization unit '${guidText(parentGuid)}' not found`);
      parentId = parent.id;
    }
    return {
      ...changes,
      added: [...changes.added, { id: changes.nextId, parentId, guid }],
      nextId: changes.nextId + 1,
      result: undefined,
    };
  });
}

/** `RemoveOU`: the OU and its subunits leave the tree (a scanned one is remembered as removed). */
export async function removeUnit(ctx: MethodContext, guid: string): Promise<void> {
  const scannedGuids = new Set(scannedTree(ctx).units.map(guidOf));
  await changeTree(ctx, (changes, tree) => {
    const unit = tree.units.find((u) => guidOf(u) === guid);
    if (unit === undefined) throw faults.notFound(`Organization unit '${guidText(guid)}' not found`);
    const below = new Set([unit.id]);
    for (const u of tree.units) if (below.has(u.parentId)) below.add(u.id);
    const removed = new Set(changes.removed);
    if (scannedGuids.has(guid)) removed.add(guid);
    const scanDisabled = new Set([...changes.scanDisabled].filter((id) => !below.has(id)));
    return {
      ...changes,
      scanDisabled,
      removed,
      added: changes.added.filter((a) => !below.has(a.id)),
      result: undefined,
    };
  });
}

/** "List of attributes of organization units" of one OU. */
export function unitAttributes(
  tree: AdTree,
  unit: OrganizationUnit,
  disabled: ReadonlySet<number>,
): KlParams {
  const below = new Set([unit.id]);
  // Children always follow their parent in `units`, so one pass collects the subtree.
  for (const u of tree.units) if (below.has(u.parentId)) below.add(u.id);
  return {
    adhst_id: unit.id,
    adhst_idParent: unit.parentId,
    adhst_binOu: unit.binId,
    adhst_idComputer: unit.name,
    adhst_hostsNum: tree.computers.filter((c) => below.has(c.parentId)).length,
    adhst_childSubunitsNum: tree.units.filter((u) => u.parentId === unit.id).length,
    adhst_enable_ad_scan: !disabled.has(unit.id),
  };
}

/** A computer's record: its host's attributes and the AD ones. */
export function computerAttributes(computer: AdComputer): KlParams {
  return {
    ...computer.host.attributes,
    adhst_id: computer.id,
    adhst_idParent: computer.parentId,
    adhst_idComputer: String(computer.host.attributes['KLHST_WKS_WINHOSTNAME'] ?? computer.host.id),
    adhst_adgroups: [],
  };
}
