import { compileFilter } from './compile.ts';
import type { KicsQuery, ResourceSpec } from '../../../kics/query/types.ts';

/**
 * One page of documents held in memory: filtered, ordered by the key, then `offset` skipped (SQL OFFSET, spec Q1)
 * and at most `limit` kept (none when absent, Q4; `0` gives an empty page, Q5). For the stores' in-memory paths and
 * for tests; a database store pushes `keyBounds` down instead of scanning.
 */
export function queryPage<T>(docs: Iterable<T>, query: KicsQuery, spec: ResourceSpec<T>): T[] {
  const matches = compileFilter(query, spec);
  const key = spec.key;
  const direction = query.sort.descending ? -1 : 1;
  const selected: T[] = [];
  for (const doc of docs) if (matches(doc)) selected.push(doc);
  selected.sort((a, b) => direction * (key(a) - key(b)));
  const start = query.offset ?? 0;
  return query.limit === null ? selected.slice(start) : selected.slice(start, start + query.limit);
}
