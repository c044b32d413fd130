import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/**
 * `GroupSync`: group synchronizations, the objects the server delivers to hosts through their Network Agents — a
 * policy's (`KLPOL_GSYN_ID`) and the custom application categories' (`FileCategorizer2.GetSyncId`). Counters
 * are the "List of group synchronization attributes" (`gsyn_cnt_*`); per-host states the "List of host
 * attributes when syncing a group" (`hostStatus` 0 scheduled, 1 running, 2 finished, 3 failed; `last_sync`, …).
 */
export const groupSyncMethods = {
  /** The attributes `arrFieldsToReturn` names (`gsyn_cnt_FullCount`, `gsyn_cnt_Finished`, …) of sync `nSync`. */
  'GroupSync.GetSyncInfo': kscMethod({
    args: z.strictObject({ nSync: arg.int(), arrFieldsToReturn: arg.strings() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /**
   * The sync's state on each host of its scope, ordered by `arrFieldsToOrder` (`{Name, Asc}`); returns a forward
   * iterator id: read it with `GroupSyncIterator.GetNextItems`, then `ReleaseIterator`. `nLifeTime` 0 = default.
   */
  'GroupSync.GetSyncHostsInfo': kscMethod({
    args: z.strictObject({
      nSync: arg.int(),
      arrFieldsToReturn: arg.strings(),
      arrFieldsToOrder: arg.order().optional(),
      nLifeTime: arg.int().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** When sync `nSync` was delivered to host `szwHostId` (`KLHST_WKS_HOSTNAME`); the empty datetime if not yet. */
  'GroupSync.GetSyncDeliveryTime': kscMethod({
    args: z.strictObject({ nSync: arg.int(), szwHostId: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.datetime() }),
  }),
} as const;
