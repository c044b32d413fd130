import { z } from 'zod';
import { sortEntry } from '../../../kics/client/operations.ts';
import type { KicsFilterItem, KicsQueryArgument } from '../../../kics/client/types.ts';
import type { Page } from '../../../kics/model.ts';
import { MAX_LIMIT, RESOURCE_SPECS, type QueryResource } from '../../../kics/query/index.ts';

/**
 * The `limit` and `offset` inputs of a list command that pages by offset (as `kics_list_devices` does), for
 * items called `noun` ("rules").
 */
export function offsetPagingInputs(noun: string, sortedBy: string) {
  return {
    limit: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(100)
      .describe(
        `${capitalised(noun)} to return at most; read ${MAX_LIMIT} per request until the limit or the last`,
      ),
    offset: z
      .number()
      .int()
      .min(0)
      .max(10_000_000)
      .default(0)
      .describe(
        `${capitalised(noun)} to skip first (sorted by ${sortedBy}), for paging: the next page starts at offset + limit`,
      ),
  };
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * The items of `filter` from `offset`, at most `limit`, sorted by the resource's one sort column (ascending
 * unless `newestFirst`: a log's ids grow with time), one
 * request per {@link MAX_LIMIT} items, and whether more were there. One more item than asked is read (when the
 * pages allow) to know that without a count the API does not give.
 */
export async function readOffsetWindow<T>(
  resource: QueryResource,
  readPage: (query: KicsQueryArgument) => Promise<Page<T>>,
  filter: readonly KicsFilterItem[],
  window: { readonly offset: number; readonly limit: number; readonly newestFirst?: boolean },
): Promise<{ items: T[]; more: boolean }> {
  const sort = [sortEntry(RESOURCE_SPECS[resource].sortColumn, window.newestFirst === true)];
  const items: T[] = [];
  let offset = window.offset;
  for (;;) {
    const limit = Math.min(MAX_LIMIT, window.limit + 1 - items.length);
    const page = await readPage({ filter, sort, offset, limit });
    items.push(...page.values);
    // Advance by what came back, never by what was asked for; a short page is the last.
    offset += page.values.length;
    if (page.values.length < limit || items.length > window.limit) break;
  }
  const more = items.length > window.limit;
  return { items: more ? items.slice(0, window.limit) : items, more };
}
