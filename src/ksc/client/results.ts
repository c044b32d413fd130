import type { KlArgument, KlParams } from '../values.ts';
import { NotFoundError } from './errors.ts';

/** A lazily paged server result set. Iterating fetches page by page; the server side is always released. */
export interface KscResults<T> extends AsyncIterable<T> {
  /** Collects the records, at most `limit` of them (the result set is released either way). */
  toArray(options?: { readonly limit?: number }): Promise<T[]>;
}

/** How to read one family of server result sets (ChunkAccessor, SrvView, EventProcessing). */
export interface ResultSetReader {
  /** Creates the result set; resolves to its id. */
  open(): Promise<string>;
  /** Reads records from `start`, at most `count`. */
  page(id: string, start: number, count: number): Promise<readonly KlArgument[]>;
  release(id: string): Promise<void>;
}

export interface PagingOptions {
  readonly pageSize: number;
  /**
   * When the server has forgotten the result set (its lifetime passed, or it went with an expired session),
   * open it again and go on from the same position. Default true.
   */
  readonly resume?: boolean;
  /** Told each time the result set is opened again. */
  readonly onResume?: (position: number) => void;
  /**
   * Ask for the next page as soon as a page arrives, while the consumer handles it: a far server's round trip then
   * overlaps the work on the records instead of adding to it. At most one page is read ahead, and none past what
   * `toArray`'s limit can take. Default true; false reads strictly one page after the other.
   */
  readonly readAhead?: boolean;
}

/** Reopenings per iteration: a result set that keeps vanishing is a fault to report, not to loop on. */
const MAX_RESUMES = 3;

/**
 * Pages through a result set, advancing by the number of records each page actually returned — so it neither
 * loses nor repeats records whatever the server's end-index convention — and releases it when the consumer
 * finishes, stops early or fails.
 *
 * A result set the server forgot (`NotFoundError` on a page) is opened again and read on from the same
 * position. With a stable order and unchanged data nothing is lost or repeated; records added or removed
 * meanwhile before that position shift it by as many.
 */
export function pagedResults<T = KlParams>(reader: ResultSetReader, options: PagingOptions): KscResults<T> {
  const { pageSize, resume = true, readAhead = true } = options;
  /** `wanted`: the records the consumer can take at most; no page is read ahead beyond it. */
  async function* iterate(wanted = Number.POSITIVE_INFINITY): AsyncGenerator<T> {
    let id = await reader.open();
    let resumes = 0;
    let ahead: Promise<readonly KlArgument[]> | undefined;
    try {
      for (let start = 0; ;) {
        let records: readonly KlArgument[];
        try {
          records = await (ahead ?? reader.page(id, start, pageSize));
        } catch (error) {
          ahead = undefined;
          if (!resume || !(error instanceof NotFoundError) || resumes >= MAX_RESUMES) throw error;
          resumes++;
          options.onResume?.(start);
          id = await reader.open();
          continue;
        }
        ahead = undefined;
        if (records.length === 0) return;
        const next = start + records.length;
        if (readAhead && next < wanted) {
          ahead = reader.page(id, next, pageSize);
          // Its failure is met when the loop awaits it (or dropped when the consumer stops first).
          ahead.catch(() => undefined);
        }
        for (const record of records) yield record as T;
        start = next;
      }
    } finally {
      // A page still in flight finishes before the release, so the server never reads a released result set.
      await ahead?.catch(() => undefined);
      // Best effort: a release that fails must not hide the consumer's own error or result.
      await reader.release(id).catch(() => undefined);
    }
  }
  return {
    [Symbol.asyncIterator]: () => iterate(),
    async toArray(options = {}) {
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const out: T[] = [];
      if (limit <= 0) return out;
      for await (const record of iterate(limit)) {
        out.push(record);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}

/** The records of an iterator-array container (`{KLCSP_ITERATOR_ARRAY: […]}`, `{KLEVP_EVENT_RANGE_ARRAY: […]}`). */
export function arrayIn(container: unknown, key: string): readonly KlArgument[] {
  // Replies are typed but not validated: a server that answers another shape must end the paging, not crash it.
  if (typeof container !== 'object' || container === null || Array.isArray(container)) return [];
  const items = (container as Record<string, unknown>)[key];
  return Array.isArray(items) ? (items as KlArgument[]) : [];
}
