import type { KscContext } from './vendor.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { iteratorArray, readPagesWire, type WireRecords } from './pages.ts';
import { wireRecords } from './plain.ts';

/** The KSC methods {@link readSrvViewWire} calls. */
export const SRV_VIEW_METHODS: readonly string[] = [
  'SrvView.ResetIterator',
  'SrvView.GetRecordRange',
  'SrvView.ReleaseIterator',
];

const PAGE = 500;

/** Reads up to `limit` records of a `SrvView` view with their wire items, and releases the iterator. */
export async function readSrvViewWire(
  ctx: KscContext,
  view: string,
  options: {
    readonly filter: string;
    readonly fields: readonly string[];
    readonly order?: readonly { readonly Name: string; readonly Asc: boolean }[];
    readonly limit: number;
    /** The view's own parameters (e.g. `strHostId` of the users view). */
    readonly params?: KlParams;
    /** `lifetimeSec` of the iterator, default 300 s. */
    readonly lifetimeSeconds?: number;
    /** What the records are, for progress (`users`, `files`). Default `records`. */
    readonly label?: string;
  },
): Promise<WireRecords> {
  const reset = await ctx.ksc.call('SrvView.ResetIterator', {
    wstrViewName: view,
    wstrFilter: options.filter,
    vecFieldsToReturn: [...options.fields],
    vecFieldsToOrder: (options.order ?? []).map((o) => ({ Name: o.Name, Asc: o.Asc })),
    pParams: options.params ?? {},
    lifetimeSec: options.lifetimeSeconds ?? 300,
  });
  const wstrIteratorId = reset.wstrIteratorId;
  return readPagesWire(ctx, {
    limit: options.limit,
    pageSize: PAGE,
    ...(options.label === undefined ? {} : { label: options.label }),
    page: async (nStart, count) => {
      const page = await ctx.ksc.callWire('SrvView.GetRecordRange', {
        wstrIteratorId,
        nStart,
        nEnd: nStart + count,
      });
      return {
        records: iteratorArray(page.reply.pRecords),
        items: wireRecords(page.wire['pRecords'], 'KLCSP_ITERATOR_ARRAY'),
      };
    },
    release: () => ctx.ksc.call('SrvView.ReleaseIterator', { wstrIteratorId }),
  });
}
