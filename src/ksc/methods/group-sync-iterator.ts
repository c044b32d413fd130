import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `GroupSyncIterator`: the forward iterators `LicenseKeys.EnumKeys`, `AcquireKeyHosts` and `GroupSync.GetSyncHostsInfo` hand back. */
export const groupSyncIteratorMethods = {
  /**
   * The next `nCount` items (50 is the reference's advice) in `pData.KLCSP_ITERATOR_ARRAY`; returns how many.
   * `bEOF` is true on the last chunk: stop reading then.
   */
  'GroupSyncIterator.GetNextItems': kscMethod({
    args: z.strictObject({ szwIterator: arg.string(), nCount: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.int(), bEOF: out.bool(), pData: out.iteratorArray() }),
  }),
  /** Releases the iterator. */
  'GroupSyncIterator.ReleaseIterator': kscMethod({
    args: z.strictObject({ szwIterator: arg.string() }),
    reply: noReply(),
  }),
} as const;
