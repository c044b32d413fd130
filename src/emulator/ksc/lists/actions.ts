import type { AgentWork, WorkHandler } from '../agents/scheduler.ts';
import { need, type RightRequirement } from '../auth/rights.ts';
import { Random } from '../../core/random.ts';
import type { KscWorld } from '../world.ts';
import { recordListEvent } from './events.ts';
import { findItem, OBJECT_STATUS, removeItem, updateScan, type ListItem } from './items.ts';

/**
 * The actions `QBTNetworkListApi` queues for an item's host (`taskName`). Each takes effect at the host's next
 * sync. Rights beyond Basic functionality/Read follow seed 001: Scan Quarantined Files needs Write; Unquarantine
 * Files needs only Read; deleting a file is a change like a scan, so it needs Write too (decisions/0007).
 */
export const LIST_ACTIONS = {
  ScanQuarantine: { rights: [need('basic', 'read', 'write')], apply: scan },
  RestoreObj: { rights: [need('basic', 'read')], apply: restore },
  DeleteObj: { rights: [need('basic', 'read', 'write')], apply: remove },
} as const satisfies Record<
  string,
  {
    rights: readonly RightRequirement[];
    apply: (world: KscWorld, item: ListItem, at: number) => Promise<void>;
  }
>;
export type ListAction = keyof typeof LIST_ACTIONS;

export function isListAction(name: string): name is ListAction {
  return Object.hasOwn(LIST_ACTIONS, name);
}

/** Work kind of an action: `list.RestoreObj`, … */
export const workKind = (action: ListAction): string => `list.${action}`;

export interface ListActionPayload {
  readonly itemId: number;
}

async function restore(world: KscWorld, item: ListItem, at: number): Promise<void> {
  await removeItem(world, item.id, at);
  await recordListEvent(world, item, 'restored', at);
}

async function remove(world: KscWorld, item: ListItem, at: number): Promise<void> {
  await removeItem(world, item.id, at);
  await recordListEvent(world, item, 'deleted', at);
}

/** Share of rescans that disinfect an infected file: updated databases cure about half of what they detect. */
const CURE_CHANCE = 0.5;

/**
 * A rescan with the host's current databases: a file without a threat is found clean; an infected one is
 * disinfected or stays infected, drawn from the world seed, the item and the time so a replay gives the same.
 */
async function scan(world: KscWorld, item: ListItem, at: number): Promise<void> {
  const infected = item.status === OBJECT_STATUS.INFECTED || item.status === OBJECT_STATUS.PROBABLY_INFECTED;
  if (!infected || item.threat === null) {
    const status = item.status === OBJECT_STATUS.ADDED_BY_USER ? OBJECT_STATUS.NOT_INFECTED : item.status;
    await updateScan(world, item.id, status, at);
    await recordListEvent(world, item, 'clean', at);
    return;
  }
  const cured = Random.derive(world.seedValue, `list.scan:${item.id}:${at}`).chance(CURE_CHANCE);
  await updateScan(world, item.id, cured ? OBJECT_STATUS.DISINFECTED : item.status, at);
  await recordListEvent(world, item, cured ? 'cured' : 'notCured', at);
}

function payloadItemId(work: AgentWork): number | undefined {
  const payload = work.payload as Partial<ListActionPayload> | null;
  return typeof payload?.itemId === 'number' ? payload.itemId : undefined;
}

/** The handler of an action's work: the item may have gone meanwhile (an earlier restore or delete). */
export function actionWork(action: ListAction): WorkHandler {
  return async (work, agents) => {
    const itemId = payloadItemId(work);
    if (itemId === undefined) return;
    const item = await findItem(agents.world, itemId);
    if (item === undefined) return;
    await LIST_ACTIONS[action].apply(agents.world, item, work.dueAt);
  };
}
