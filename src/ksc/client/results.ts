import type { KlArgument, KlParams } from '../values.ts';

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

/**
 * Pages through a result set, advancing by the number of records each page actually returned — so it neither
 * loses nor repeats records whatever the server's end-index convention — and releases it when the consumer
 * finishes, stops early or fails.
 */
export function pagedResults<T = KlParams>(reader: ResultSetReader, pageSize: number): KscResults<T> {
  async function* iterate(): AsyncGenerator<T> {
    const id = await reader.open();
    try {
      for (let start = 0; ;) {
        const records = await reader.page(id, start, pageSize);
        if (records.length === 0) return;
        for (const record of records) yield record as T;
        start += records.length;
      }
    } finally {
      // Best effort: a release that fails must not hide the consumer's own error or result.
      await reader.release(id).catch(() => undefined);
    }
  }
  return {
    [Symbol.asyncIterator]: iterate,
    async toArray(options = {}) {
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const out: T[] = [];
      if (limit <= 0) return out;
      for await (const record of iterate()) {
        out.push(record);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}

/** The records of an iterator-array container (`{KLCSP_ITERATOR_ARRAY: […]}`, `{KLEVP_EVENT_RANGE_ARRAY: […]}`). */
export function arrayIn(container: KlArgument | undefined, key: string): readonly KlArgument[] {
  if (typeof container !== 'object' || container === null || Array.isArray(container)) return [];
  const items = (container as Record<string, KlArgument>)[key];
  return Array.isArray(items) ? items : [];
}
