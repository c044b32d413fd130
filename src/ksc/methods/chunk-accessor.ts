import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `ChunkAccessor`: paging through the results of `HostGroup.FindHosts`, `FindGroups` and `FindUsers`. */
export const chunkAccessorMethods = {
  /** Counts the records of a result set. */
  'ChunkAccessor.GetItemsCount': kscMethod({
    args: z.strictObject({ strAccessor: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Reads at most `nCount` records from the zero-based `nStart`; returns how many it read. */
  'ChunkAccessor.GetItemsChunk': kscMethod({
    args: z.strictObject({ strAccessor: arg.string(), nStart: arg.int(), nCount: arg.int() }),
    reply: z.looseObject({ pChunk: out.iteratorArray(), PxgRetVal: out.int() }),
  }),
  /** Frees a result set before its lifetime ends. */
  'ChunkAccessor.Release': kscMethod({
    args: z.strictObject({ strAccessor: arg.string() }),
    reply: noReply(),
  }),
} as const;
