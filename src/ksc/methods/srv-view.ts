import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `SrvView`: generic server views such as `Quarantine` or `GlobalUsersListSrvViewName`. */
export const srvViewMethods = {
  /** Opens a result set of a server view, filtered, ordered and reduced to the requested fields. */
  'SrvView.ResetIterator': kscMethod({
    args: z.strictObject({
      wstrViewName: arg.string(),
      wstrFilter: arg.string().optional(),
      vecFieldsToReturn: arg.strings().optional(),
      vecFieldsToOrder: arg.order().optional(),
      pParams: arg.params().optional(),
      lifetimeSec: arg.int().optional(),
    }),
    reply: z.looseObject({ wstrIteratorId: out.string() }),
  }),
  /** Counts the records of a view result set. */
  'SrvView.GetRecordCount': kscMethod({
    args: z.strictObject({ wstrIteratorId: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Reads the records from the zero-based `nStart` up to `nEnd`. */
  'SrvView.GetRecordRange': kscMethod({
    args: z.strictObject({ wstrIteratorId: arg.string(), nStart: arg.int(), nEnd: arg.int() }),
    reply: z.looseObject({ pRecords: out.iteratorArray() }),
  }),
  /** Frees a view result set before its lifetime ends. */
  'SrvView.ReleaseIterator': kscMethod({
    args: z.strictObject({ wstrIteratorId: arg.string() }),
    reply: noReply(),
  }),
} as const;
