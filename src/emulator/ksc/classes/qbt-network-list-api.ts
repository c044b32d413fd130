import { need, satisfies } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { isListAction, LIST_ACTIONS, workKind, type ListAction } from '../lists/actions.ts';
import { findItems, isListName, type ListItem, type ListName } from '../lists/items.ts';
import { itemRecord } from '../lists/records.ts';
import { defineClass } from '../method.ts';

const READ = [need('basic', 'read')];

function checkList(listName: string): ListName {
  if (!isListName(listName)) throw faults.badParameter('listName');
  return listName;
}

function checkAction(ctx: MethodContext, taskName: string): ListAction {
  if (!isListAction(taskName)) throw faults.badParameter('taskName');
  if (!satisfies(ctx.rights.server, LIST_ACTIONS[taskName].rights)) throw faults.accessDenied();
  return taskName;
}

/** The caller's items of `ids`, all of them or the KSC error for the first one it cannot see. */
async function visibleItems(
  ctx: MethodContext,
  ids: readonly number[],
  list: ListName | undefined,
): Promise<ListItem[]> {
  if (!canSeeDevices(ctx)) throw faults.accessDenied();
  const found = await findItems(ctx.world, ids);
  return ids.map((id) => {
    const item = found.get(id);
    if (item === undefined || item.vserverId !== ctx.vserverId || (list !== undefined && item.list !== list))
      throw faults.wrongListItem();
    return item;
  });
}

/** Queues the action for each item's host; it takes effect at that host's next sync. */
async function queue(ctx: MethodContext, items: readonly ListItem[], action: ListAction): Promise<void> {
  for (const item of items) await ctx.agents.atNextSync(item.hostId, workKind(action), { itemId: item.id });
}

/**
 * `QBTNetworkListApi`: actions on Quarantine, Backup and TIF items (spec §9.1). Item ids are ints on the wire,
 * tolerated as longs; `pTaskParams` ("Deprecated. May be empty but should be not null") is tolerated as null too.
 */
export const qbtNetworkListApiClass = defineClass('QBTNetworkListApi', {
  AddListItemTask: {
    rights: READ,
    handler: async (ctx, args) => {
      const list = checkList(args.listName);
      const action = checkAction(ctx, args.taskName);
      await queue(ctx, await visibleItems(ctx, [Number(args.itemId)], list), action);
      return {};
    },
  },

  AddListItemsTask: {
    rights: READ,
    handler: async (ctx, args) => {
      const list = checkList(args.listName);
      const action = checkAction(ctx, args.taskName);
      // Every id is checked before anything is queued: a bad id fails the whole call.
      await queue(ctx, await visibleItems(ctx, args.pItemsIds.map(Number), list), action);
      return {};
    },
  },

  GetListItemInfo: {
    rights: READ,
    handler: async (ctx, args) => {
      const [item] = await visibleItems(ctx, [Number(args.itemId)], undefined);
      return { PxgRetVal: item === undefined ? {} : itemRecord(ctx.world, item) };
    },
  },
});
