import type { KscContext } from './vendor.ts';
import type { WireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { wireRecords } from './plain.ts';
import { reportProgress } from '../../core/progress.ts';
import { KscClientError } from '../../../ksc/client/errors.ts';

/** Records as KSC sent them (for `raw`) beside their decoded form, item for item. */
export interface WireRecords {
  readonly items: WireJson[];
  readonly records: KlParams[];
}

/** One page of a result set, in both shapes. */
export interface WirePage {
  readonly records: readonly KlParams[];
  readonly items: readonly WireJson[];
}

/** What a reading reports as progress: what the records are, and how many the server said the set holds. */
export interface ReadProgress {
  /** The records, plural, for people (`hosts`, `events`). Default `records`. */
  readonly label?: string;
  /** How many records the result set holds, when the call that opened it said (e.g. FindHosts' `PxgRetVal`). */
  readonly total?: number;
}

/** How to read a server-side result set page by page, and release it. */
export type PagedRead = ReadProgress & {
  readonly limit: number;
  readonly pageSize: number;
  /** The first record to read (0-based): paging across calls. Default 0. */
  readonly start?: number;
  readonly page: (nStart: number, count: number) => Promise<WirePage>;
  readonly release: () => Promise<unknown>;
};

/**
 * Yields up to `limit` records of a server-side result set, a page at a time, and releases it whatever happens
 * (the end, a failure, or the reader leaving the loop). Pages advance by the number of records returned, so the
 * reading does not depend on how the server counts `nEnd` (DESIGN); a page longer than asked for is cut to
 * `limit`. Reports `reading` progress after every page (the total is `total` capped by `limit`, when given).
 */
export async function* streamPagesWire(ctx: KscContext, options: PagedRead): AsyncGenerator<WirePage> {
  const label = options.label ?? 'records';
  const start = options.start ?? 0;
  const total =
    options.total === undefined ? undefined : Math.min(Math.max(0, options.total - start), options.limit);
  let read = 0;
  try {
    while (read < options.limit) {
      ctx.signal?.throwIfAborted();
      const page = await options.page(start + read, Math.min(options.pageSize, options.limit - read));
      // Replies are typed, not validated: a page that is not a list ends the reading as the server's fault (R22).
      if (!Array.isArray(page.records) || !Array.isArray(page.items)) {
        throw new KscClientError('UPSTREAM_ERROR', 'KSC answered a page of records that is not a list');
      }
      if (page.records.length === 0) break;
      const records = page.records.slice(0, options.limit - read);
      read += records.length;
      reportProgress(ctx, {
        phase: 'reading',
        label,
        done: read,
        // A server whose count was low (the set grew meanwhile) must not make done exceed total.
        ...(total === undefined ? {} : { total: Math.max(total, read) }),
      });
      yield { records, items: page.items.slice(0, records.length) };
    }
  } finally {
    // The server would free it after its lifetime anyway; a failed release must not hide the answer.
    await options.release().catch(() => undefined);
  }
}

/** Every record {@link streamPagesWire} yields, in both shapes, once the result set is released. */
export function readPagesWire(ctx: KscContext, options: PagedRead): Promise<WireRecords> {
  return collectPages(streamPagesWire(ctx, options));
}

/**
 * `container.KLCSP_ITERATOR_ARRAY` of a typed reply, whatever the reply really holds: a broken answer may lack the
 * container (R22), and {@link streamPagesWire} refuses what is not a list as the server's fault instead of a
 * TypeError reported as a bug.
 */
export function iteratorArray(container: unknown): KlParams[] {
  const items =
    container !== null && typeof container === 'object'
      ? (container as { KLCSP_ITERATOR_ARRAY?: unknown }).KLCSP_ITERATOR_ARRAY
      : undefined;
  return items as KlParams[];
}

/** The records of every page, in both shapes. */
export async function collectPages(pages: AsyncIterable<WirePage>): Promise<WireRecords> {
  const items: WireJson[] = [];
  const records: KlParams[] = [];
  for await (const page of pages) {
    records.push(...page.records);
    items.push(...page.items);
  }
  return { items, records };
}

/** The pages of a ChunkAccessor (what `HostGroup.FindHosts` and `FindGroups` open), released at the end. */
export function streamAccessorWire(
  ctx: KscContext,
  strAccessor: string,
  options: ReadProgress & { readonly limit: number; readonly pageSize: number; readonly start?: number },
): AsyncGenerator<WirePage> {
  return streamPagesWire(ctx, {
    ...options,
    page: async (nStart, nCount) => {
      const page = await ctx.ksc.callWire('ChunkAccessor.GetItemsChunk', { strAccessor, nStart, nCount });
      return {
        records: iteratorArray(page.reply.pChunk),
        items: wireRecords(page.wire['pChunk'], 'KLCSP_ITERATOR_ARRAY'),
      };
    },
    release: () => ctx.ksc.call('ChunkAccessor.Release', { strAccessor }),
  });
}

/** The records of a ChunkAccessor, read and released. */
export function readAccessorWire(
  ctx: KscContext,
  strAccessor: string,
  options: ReadProgress & { readonly limit: number; readonly pageSize: number; readonly start?: number },
): Promise<WireRecords> {
  return collectPages(streamAccessorWire(ctx, strAccessor, options));
}
