import type { KlParams } from '../../../ksc/values.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';
import type { KscWorld } from '../world.ts';
import { publishOutbreakEvent } from './outbreak-event.ts';
import { findPolicy, ownPolicies, type PolicyRecord } from './policies.ts';
import { policyChanges, storePolicy, withAttributes, type PolicyChanges } from './policy-store.ts';

/**
 * Outbreak types, as the bits of `KLPOL_OUTBREAK_MASK` (KSC's `EVirusOutbreakType`): viruses found in files, in
 * mail, and attacks at the network perimeter (docs/decisions/0076).
 */
export const OUTBREAK_TYPES = { virus: 1, mail: 2, 'network-attack': 4 } as const;
export type OutbreakType = keyof typeof OUTBREAK_TYPES;

/** What a declared outbreak changed: policies made active, policies that stopped being active for them. */
export interface OutbreakChange {
  readonly activated: number[];
  readonly deactivated: number[];
}

/**
 * Per virtual server (server setting `outbreaks`): the mask of outbreaks in progress, and for every policy an
 * outbreak switched, the `KLPOL_ACTIVE` it had before the first of them, so ending them can put it back.
 */
interface OutbreakState {
  readonly mask: number;
  readonly saved: ReadonlyMap<number, boolean>;
}

async function readState(world: KscWorld, vserverId: number): Promise<OutbreakState> {
  const stored = await storedSetting(world, vserverId, 'outbreaks');
  const mask = typeof stored?.['mask'] === 'number' ? stored['mask'] : 0;
  const saved = new Map<number, boolean>();
  for (const entry of Array.isArray(stored?.['saved']) ? (stored['saved'] as KlParams[]) : [])
    saved.set(entry['KLPOL_ID'] as number, entry['KLPOL_ACTIVE'] === true);
  return { mask, saved };
}

async function writeState(world: KscWorld, vserverId: number, state: OutbreakState): Promise<void> {
  await storeSetting(world, vserverId, 'outbreaks', {
    mask: state.mask,
    saved: [...state.saved].map(([id, active]) => ({ KLPOL_ID: id, KLPOL_ACTIVE: active })),
  });
}

// Control calls of one world run one after another: each reads the state and policies, then writes both.
const queues = new WeakMap<KscWorld, Promise<unknown>>();
function serialised<T>(world: KscWorld, run: () => Promise<T>): Promise<T> {
  const next = (queues.get(world) ?? Promise.resolve()).then(run, run);
  queues.set(
    world,
    next.catch(() => undefined),
  );
  return next;
}

/** The outbreaks in progress on a server. */
export async function outbreaksInProgress(world: KscWorld, vserverId: number): Promise<OutbreakType[]> {
  const { mask } = await readState(world, vserverId);
  return (Object.keys(OUTBREAK_TYPES) as OutbreakType[]).filter((t) => (mask & OUTBREAK_TYPES[t]) !== 0);
}

/** Sets `KLPOL_ACTIVE`, remembering the value before the first outbreak touched the policy. */
async function switchPolicy(
  world: KscWorld,
  vserverId: number,
  policy: PolicyRecord,
  active: boolean,
  saved: Map<number, boolean>,
): Promise<void> {
  if (!saved.has(policy.id)) saved.set(policy.id, policy.attributes['KLPOL_ACTIVE'] === true);
  await storePolicy(world, vserverId, withAttributes(policy, { KLPOL_ACTIVE: active }));
}

/**
 * Declares an outbreak of `type`: every outbreak policy whose mask has its bit becomes active, whether it was or
 * not, and the policy of the same application active in that group until then stops being active (a group has
 * one active policy per application), and the server publishes its "Virus outbreak" event. Declaring an outbreak
 * already in progress changes nothing.
 */
export function declareOutbreak(
  world: KscWorld,
  vserverId: number,
  type: OutbreakType,
): Promise<OutbreakChange> {
  return serialised(world, async () => {
    const bit = OUTBREAK_TYPES[type];
    const state = await readState(world, vserverId);
    const change: OutbreakChange = { activated: [], deactivated: [] };
    if ((state.mask & bit) !== 0) return change;
    const saved = new Map(state.saved);
    const stored = await storedSetting(world, vserverId, 'outbreak-policies');
    const entries = Array.isArray(stored?.['KLPOL_POL_OUTBREAK'])
      ? (stored['KLPOL_POL_OUTBREAK'] as KlParams[])
      : [];
    for (const entry of entries) {
      if (((entry['KLPOL_OUTBREAK_MASK'] as number) & bit) === 0) continue;
      // Read again for each entry: an earlier one may have switched a policy of the same group.
      const changes = await policyChanges(world, vserverId);
      const policy = findPolicy(world, vserverId, entry['KLPOL_ID'] as number, changes);
      if (policy === undefined) continue;
      for (const rival of activeRivals(world, policy, changes)) {
        await switchPolicy(world, vserverId, rival, false, saved);
        change.deactivated.push(rival.id);
      }
      if (policy.attributes['KLPOL_ACTIVE'] !== true) {
        await switchPolicy(world, vserverId, policy, true, saved);
        change.activated.push(policy.id);
      }
    }
    await writeState(world, vserverId, { mask: state.mask | bit, saved });
    // KSC publishes the event and applies the outbreak policies together (Policy.SetOutbreakPolicies reference).
    await publishOutbreakEvent(world, vserverId, type);
    return change;
  });
}

/** The other active policies of the same application in the policy's own group. */
function activeRivals(world: KscWorld, policy: PolicyRecord, changes: PolicyChanges): PolicyRecord[] {
  const group = world.groups.get(policy.groupId);
  if (group === undefined) return [];
  return ownPolicies(world, group, changes).filter(
    (p) => p.id !== policy.id && p.product === policy.product && p.attributes['KLPOL_ACTIVE'] === true,
  );
}

/**
 * Ends an outbreak in progress (`undefined` when it was not). KSC leaves the policies it activated as they are
 * ("you can return to the previous policy only manually"); with `revert`, once no outbreak is left, every policy
 * an outbreak switched gets back the `KLPOL_ACTIVE` it had before, as that manual step would. When the last
 * outbreak ends the remembered values are forgotten either way.
 */
export function endOutbreak(
  world: KscWorld,
  vserverId: number,
  type: OutbreakType,
  revert: boolean,
): Promise<{ reverted: number[] } | undefined> {
  return serialised(world, async () => {
    const bit = OUTBREAK_TYPES[type];
    const state = await readState(world, vserverId);
    if ((state.mask & bit) === 0) return undefined;
    const mask = state.mask & ~bit;
    const reverted: number[] = [];
    if (mask !== 0) {
      await writeState(world, vserverId, { mask, saved: state.saved });
      return { reverted };
    }
    if (revert) {
      const changes = await policyChanges(world, vserverId);
      for (const [id, active] of state.saved) {
        const policy = findPolicy(world, vserverId, id, changes);
        if (policy === undefined || (policy.attributes['KLPOL_ACTIVE'] === true) === active) continue;
        await storePolicy(world, vserverId, withAttributes(policy, { KLPOL_ACTIVE: active }));
        reverted.push(id);
      }
    }
    await writeState(world, vserverId, { mask: 0, saved: new Map() });
    return { reverted: reverted.sort((a, b) => a - b) };
  });
}
