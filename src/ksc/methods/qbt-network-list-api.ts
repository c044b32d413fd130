import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/**
 * `QBTNetworkListApi`: actions on the items of the Quarantine, Backup and TIF lists. Item ids (`nId`
 * of those server views) are accepted as longs: an int fits the same JSON number.
 */
export const qbtNetworkListApiMethods = {
  /** Queues an action (`ScanQuarantine`, `RestoreObj`, …) on one list item for its host's next sync. */
  'QBTNetworkListApi.AddListItemTask': kscMethod({
    args: z.strictObject({
      listName: arg.string(),
      itemId: arg.long(),
      taskName: arg.string(),
      /** Deprecated: may be empty, but not null. */
      pTaskParams: arg.params().optional(),
    }),
    reply: noReply(),
  }),
  /** Queues an action on several items of one list; one unknown id fails the whole call. */
  'QBTNetworkListApi.AddListItemsTask': kscMethod({
    args: z.strictObject({
      listName: arg.string(),
      pItemsIds: z.array(arg.long()).min(1),
      taskName: arg.string(),
      /** Deprecated: may be empty, but not null. */
      pTaskParams: arg.params().optional(),
    }),
    reply: noReply(),
  }),
  /** Reads the attributes of one list item. */
  'QBTNetworkListApi.GetListItemInfo': kscMethod({
    args: z.strictObject({ itemId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
} as const;
