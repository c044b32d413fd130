import type { KlParams } from '../../../ksc/values.ts';
import type { GroupRecord } from '../world/model.ts';
import { MANAGED_DEVICES } from '../world/groups.ts';
import { Random } from '../../core/random.ts';
import type { KscWorld } from '../world.ts';
import type { PolicyChanges } from './policy-store.ts';
import { policySyncId } from '../group-sync/ids.ts';

const NO_CHANGES: PolicyChanges = new Map();

/**
 * Policies of a server, derived from its group tree: "Managed devices" holds the policies every real KSC gets at
 * roll-out (Network Agent, KES for Windows, KES for Linux, Kaspersky Endpoint Agent); a few well-known subgroups
 * hold their own stricter KES or KESL policy, and every group below inherits what it does not override. A
 * policy's id is `groupId * 8 + slot + 1`, so ids do not move when groups are added elsewhere, and the first two
 * policies of the main server are 1 (KES) and 2 (Network Agent) as in XSOAR's recorded list.
 */

interface PolicyPlan {
  readonly slot: number;
  readonly product: string;
  readonly version: string;
  readonly name: string;
  readonly forceToChildren?: boolean;
  readonly profiles?: number;
  /** The policy's Application Control section: the custom categories (by id) its rules name. */
  readonly applicationControl?: ApplicationControlSection;
}

/**
 * What the emulator keeps of a KES policy's Application Control section: the ids of the custom categories
 * (FileCategorizer2) its rules reference. The world seeds no categories, so the ids are those a server gives its
 * third and fourth categories (ids count from 1 and are never reused): a server's first two categories stay
 * unreferenced, and the rules reference nothing until the later ones exist (decisions/0080).
 */
export interface ApplicationControlSection {
  readonly categoryIds: readonly number[];
}

const ROOT_PLANS: readonly PolicyPlan[] = [
  {
    slot: 0,
    product: 'KES',
    version: '11.0.0.0',
    name: 'Kaspersky Endpoint Security for Windows (12.3.0)',
    profiles: 1,
  },
  { slot: 1, product: '1103', version: '1.0.0.0', name: 'Kaspersky Security Center Network Agent' },
  { slot: 2, product: 'KESL', version: '12.0.0.0', name: 'Kaspersky Endpoint Security for Linux (12.0.0)' },
  { slot: 3, product: 'EDRAgent', version: '3.0.0.0', name: 'Kaspersky Endpoint Agent (3.16)' },
];

/** Subgroups (by name, anywhere under "Managed devices") with a policy of their own. */
const SUBGROUP_PLANS: Readonly<Record<string, readonly PolicyPlan[]>> = {
  'Quarantine segment': [
    {
      slot: 0,
      product: 'KES',
      version: '11.0.0.0',
      name: 'KES for Windows - Quarantine segment (lockdown)',
      forceToChildren: true,
      applicationControl: { categoryIds: [3] },
    },
  ],
  Finance: [
    {
      slot: 0,
      product: 'KES',
      version: '11.0.0.0',
      name: 'KES for Windows - Finance (Application Control: allowlist)',
      applicationControl: { categoryIds: [3, 4] },
    },
  ],
  'Windows Servers': [{ slot: 0, product: 'KES', version: '11.0.0.0', name: 'KES for Windows - Servers' }],
  'Linux Servers': [{ slot: 0, product: 'KESL', version: '12.0.0.0', name: 'KESL - Linux servers' }],
};

const SLOTS = 8;
const DAY_MS = 86_400_000;

export interface PolicyRecord {
  readonly id: number;
  readonly groupId: number;
  readonly product: string;
  /** The policy's attributes as `GetPolicyData` returns them (spec §9.1 keys). */
  readonly attributes: KlParams;
}

/** The "Managed devices" root above a group, or `null` for groups outside it (Unassigned devices…). */
function managedRoot(world: KscWorld, group: GroupRecord): GroupRecord | null {
  let current: GroupRecord | undefined = group;
  while (current !== undefined && current.parentId !== null) current = world.groups.get(current.parentId);
  return current !== undefined && current.name === MANAGED_DEVICES ? current : null;
}

function plansOf(world: KscWorld, group: GroupRecord): readonly PolicyPlan[] {
  if (managedRoot(world, group) === null) return [];
  if (group.parentId === null) return ROOT_PLANS;
  return SUBGROUP_PLANS[group.name] ?? [];
}

function timeOf(group: GroupRecord, attribute: string): number {
  const value = group.attributes[attribute];
  return value instanceof Date ? value.getTime() : 0;
}

function policyOf(world: KscWorld, group: GroupRecord, plan: PolicyPlan): PolicyRecord {
  const id = group.id * SLOTS + plan.slot + 1;
  const rng = Random.derive(world.seedValue, `policy:${id}`);
  const created = Math.floor((timeOf(group, 'creationDate') + (plan.slot + 1) * 5_000) / 1000) * 1000;
  const latest = Math.max(created, timeOf(group, 'lastUpdate'));
  const modified = Math.floor(Math.min(latest, created + rng.between(0, 90 * DAY_MS)) / 1000) * 1000;
  return {
    id,
    groupId: group.id,
    product: plan.product,
    attributes: {
      KLPOL_ACCEPT_PARENT: true,
      KLPOL_ACTIVE: true,
      KLPOL_CREATED: new Date(created),
      KLPOL_DN: plan.name,
      KLPOL_FORCED: false,
      KLPOL_FORCE_DISTRIB2CHILDREN: plan.forceToChildren === true,
      KLPOL_GROUP_ID: group.id,
      KLPOL_GROUP_NAME: group.name,
      KLPOL_GSYN_ID: policySyncId(id),
      KLPOL_HIDE_ON_SLAVES: false,
      KLPOL_ID: id,
      KLPOL_INHERITED: false,
      KLPOL_MODIFIED: new Date(modified),
      KLPOL_PRODUCT: plan.product,
      KLPOL_PROFILES_NUM: plan.profiles ?? 0,
      KLPOL_ROAMING: false,
      KLPOL_VERSION: plan.version,
    },
  };
}

/** The policies that live in a group (not the inherited ones): the seeded ones with `changes` applied, then the added. */
export function ownPolicies(
  world: KscWorld,
  group: GroupRecord,
  changes: PolicyChanges = NO_CHANGES,
): PolicyRecord[] {
  const out: PolicyRecord[] = [];
  for (const seeded of plansOf(world, group).map((plan) => policyOf(world, group, plan))) {
    const changed = changes.get(seeded.id);
    if (changed === undefined) out.push(seeded);
    else if (changed !== null && changed.groupId === group.id) out.push(changed);
  }
  for (const changed of changes.values()) {
    if (changed !== null && changed.groupId === group.id && !out.some((p) => p.id === changed.id))
      out.push(changed);
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Every policy of a server, by id (`GetPoliciesForGroup(-1)`). */
export function serverPolicies(
  world: KscWorld,
  vserverId: number,
  changes: PolicyChanges = NO_CHANGES,
): PolicyRecord[] {
  return world
    .groupsOf(vserverId)
    .flatMap((group) => ownPolicies(world, group, changes))
    .sort((a, b) => a.id - b.id);
}

/**
 * A group's policies: its own, then for each product it has none for, the nearest ancestor's, marked
 * `KLPOL_INHERITED` (keeping the id and group of the policy it comes from, so `GetPolicyData` finds it).
 */
export function groupPolicies(
  world: KscWorld,
  group: GroupRecord,
  changes: PolicyChanges = NO_CHANGES,
): KlParams[] {
  const out: KlParams[] = [];
  const covered = new Set<string>();
  for (const policy of ownPolicies(world, group, changes)) {
    covered.add(policy.product);
    out.push(policy.attributes);
  }
  let parentId = group.parentId;
  while (parentId !== null) {
    const parent = world.groups.get(parentId);
    if (parent === undefined) break;
    for (const policy of ownPolicies(world, parent, changes)) {
      if (covered.has(policy.product)) continue;
      covered.add(policy.product);
      out.push({ ...policy.attributes, KLPOL_INHERITED: true });
    }
    parentId = parent.parentId;
  }
  return out;
}

/** The policy with this id on the server, if any. */
export function findPolicy(
  world: KscWorld,
  vserverId: number,
  id: number,
  changes: PolicyChanges = NO_CHANGES,
): PolicyRecord | undefined {
  if (!Number.isInteger(id) || id <= 0) return undefined;
  const changed = changes.get(id);
  if (changed === null) return undefined;
  if (changed !== undefined)
    return world.groups.get(changed.groupId)?.vserverId === vserverId ? changed : undefined;
  const group = world.groups.get(Math.floor((id - 1) / SLOTS));
  if (group === undefined || group.vserverId !== vserverId) return undefined;
  return ownPolicies(world, group).find((policy) => policy.id === id);
}

/**
 * A policy's Application Control section, if it has one: seeded policies keep theirs by id (through moves and
 * attribute changes, which keep the id); policies added through the API have none.
 */
export function applicationControlOf(
  world: KscWorld,
  policyId: number,
): ApplicationControlSection | undefined {
  const group = world.groups.get(Math.floor((policyId - 1) / SLOTS));
  if (group === undefined) return undefined;
  const slot = (policyId - 1) % SLOTS;
  return plansOf(world, group).find((plan) => plan.slot === slot)?.applicationControl;
}
