import { z } from 'zod';
import { arg } from '../args.ts';
import { need, satisfies } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { isListAction, LIST_ACTIONS, workKind, type ListAction } from '../lists/actions.ts';
import { findItems, isListName, type ListItem, type ListName } from '../lists/items.ts';
import { itemRecord } from '../lists/records.ts';
import { defineClass, method } from '../method.ts';

const READ = [need('basic', 'read')];

/** An item id: an int on the wire, tolerated as a long. */
const itemId = () => arg.long().transform((value) => Number(value));

/** "Deprecated. May be empty but should be not null" (spec §9.1): tolerated as null too. */
const taskParams = () => z.preprocess((value) => value ?? {}, arg.params());

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

/** `QBTNetworkListApi`: actions on Quarantine, Backup and TIF items (spec §9.1). */
export const qbtNetworkListApiClass = defineClass('QBTNetworkListApi', {
  AddListItemTask: method({
    args: z.object({
      listName: arg.string(),
      itemId: itemId(),
      taskName: arg.string(),
      pTaskParams: taskParams(),
    }),
    rights: READ,
    handler: async (ctx, args) => {
      const list = checkList(args.listName);
      const action = checkAction(ctx, args.taskName);
      await queue(ctx, await visibleItems(ctx, [args.itemId], list), action);
      return {};
    },
  }),

  AddListItemsTask: method({
    args: z.object({
      listName: arg.string(),
      pItemsIds: z.array(itemId()).min(1),
      taskName: arg.string(),
      pTaskParams: taskParams(),
    }),
    rights: READ,
    handler: async (ctx, args) => {
      const list = checkList(args.listName);
      const action = checkAction(ctx, args.taskName);
      // Every id is checked before anything is queued: a bad id fails the whole call.
      await queue(ctx, await visibleItems(ctx, args.pItemsIds, list), action);
      return {};
    },
  }),

  GetListItemInfo: method({
    args: z.object({ itemId: itemId() }),
    rights: READ,
    handler: async (ctx, args) => {
      const [item] = await visibleItems(ctx, [args.itemId], undefined);
      return { PxgRetVal: item === undefined ? {} : itemRecord(ctx.world, item) };
    },
  }),
});
