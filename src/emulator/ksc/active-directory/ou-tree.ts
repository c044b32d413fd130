import { createHash } from 'node:crypto';
import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { storedSetting, updateSetting } from '../server-settings/store.ts';
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

/** The scanned tree of the caller's server. */
export function adTreeOf(ctx: MethodContext): AdTree {
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

/** OUs whose scanning a client turned off (`adhst_enable_ad_scan` false); every OU is scanned by default. */
export async function scanDisabled(ctx: MethodContext): Promise<Set<number>> {
  return readScanDisabled(await storedSetting(ctx.world, ctx.vserverId, 'ad-organization-units'));
}

function readScanDisabled(stored: KlParams | undefined): Set<number> {
  return new Set(((stored?.['scanDisabled'] as number[] | undefined) ?? []).map(Number));
}

/** Changes the OUs with scanning turned off, read and written in one transaction (no lost change). */
export async function changeScanDisabled(
  ctx: MethodContext,
  edit: (disabled: Set<number>) => void,
): Promise<void> {
  await updateSetting(ctx.world, ctx.vserverId, 'ad-organization-units', (stored) => {
    const disabled = readScanDisabled(stored);
    edit(disabled);
    return { value: { scanDisabled: [...disabled].sort((x, y) => x - y) }, result: undefined };
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
