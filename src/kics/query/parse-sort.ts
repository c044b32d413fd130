import { IncorrectParametersError } from './errors.ts';
import { findMembers, isObject } from './members.ts';
import type { ResourceSpec, SortOrder } from './types.ts';

/**
 * The names a ColumnOrderDto may use. No source shows the DTO's members (spec Q3), so the common spellings are
 * all accepted, in any case: the column under any of COLUMN_KEYS, the direction as a word under DIRECTION_KEYS
 * (`asc`, `desc`, `ascending`, `descending`, or ListSortDirection's numbers 0 and 1) or as a flag.
 */
export const COLUMN_KEYS = ['column', 'columnName', 'name', 'field', 'propertyName'] as const;
export const DIRECTION_KEYS = ['order', 'direction', 'sortOrder'] as const;
export const ASCENDING_FLAGS = ['isAscending', 'ascending'] as const;
export const DESCENDING_FLAGS = ['desc', 'descending', 'isDescending'] as const;

const DIRECTION_WORDS: Readonly<Record<string, boolean>> = {
  asc: false,
  ascending: false,
  desc: true,
  descending: true,
};

/**
 * The `sort` member as one order. Absent, null or `[]` sorts by the resource's column ascending, so paging is
 * stable (spec Q2). Of several entries the first decides, as `ORDER BY id, id DESC` would; each must still be
 * valid, and the only column a resource sorts by is its sort column.
 */
export function parseSort<T>(sort: unknown, spec: ResourceSpec<T>): SortOrder {
  const fallback: SortOrder = { column: spec.sortColumn, descending: false };
  if (sort === undefined || sort === null) return fallback;
  if (!Array.isArray(sort)) throw new IncorrectParametersError('sort', sort);
  const orders = sort.map((entry, index) => parseColumnOrder(entry, `sort[${index}]`, spec));
  return orders[0] ?? fallback;
}

function parseColumnOrder<T>(entry: unknown, path: string, spec: ResourceSpec<T>): SortOrder {
  if (!isObject(entry)) throw new IncorrectParametersError(path, entry);
  const columns = findMembers(entry, COLUMN_KEYS);
  const [column, extra] = columns;
  if (column === undefined) throw new IncorrectParametersError(`${path}.column`, undefined);
  if (extra !== undefined) throw new IncorrectParametersError(`${path}.${extra.key}`, extra.value);
  const matches =
    typeof column.value === 'string' && column.value.toLowerCase() === spec.sortColumn.toLowerCase();
  if (!matches) throw new IncorrectParametersError(`${path}.${column.key}`, column.value);

  let descending: boolean | undefined;
  const decide = (key: string, value: unknown, said: boolean | undefined): void => {
    if (said === undefined || (descending !== undefined && descending !== said)) {
      throw new IncorrectParametersError(`${path}.${key}`, value);
    }
    descending = said;
  };
  for (const { key, value } of findMembers(entry, DIRECTION_KEYS)) decide(key, value, directionWord(value));
  for (const { key, value } of findMembers(entry, ASCENDING_FLAGS)) {
    decide(key, value, typeof value === 'boolean' ? !value : undefined);
  }
  for (const { key, value } of findMembers(entry, DESCENDING_FLAGS)) {
    decide(key, value, typeof value === 'boolean' ? value : undefined);
  }
  return { column: spec.sortColumn, descending: descending ?? false };
}

function directionWord(value: unknown): boolean | undefined {
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== 'string') return undefined;
  return DIRECTION_WORDS[value.trim().toLowerCase()];
}
