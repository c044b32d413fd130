import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `EventProcessing`: reading an event result set, including a task's history. */
export const eventProcessingMethods = {
  /** Counts the events of a result set. */
  'EventProcessing.GetRecordCount': kscMethod({
    args: z.strictObject({ strIteratorId: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Reads the events from the zero-based `nStart` up to `nEnd`. */
  'EventProcessing.GetRecordRange': kscMethod({
    args: z.strictObject({ strIteratorId: arg.string(), nStart: arg.int(), nEnd: arg.int() }),
    reply: z.looseObject({ pParamsEvents: out.eventRangeArray() }),
  }),
  /** Frees an event result set before its lifetime ends. */
  'EventProcessing.ReleaseIterator': kscMethod({
    args: z.strictObject({ strIteratorId: arg.string() }),
    reply: noReply(),
  }),
} as const;
