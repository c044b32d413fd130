import { IncorrectParametersError } from './errors.ts';
import { findMember, isObject, type JsonObject } from './members.ts';
import { parseFilter } from './parse-filter.ts';
import { parseSort } from './parse-sort.ts';
import type { KicsQuery, ResourceSpec } from './types.ts';

/** Seed: offset is int32 0…2147483647, limit int32 0…1000; both nullable. */
export const MAX_OFFSET = 2_147_483_647;
export const MAX_LIMIT = 1000;

const ARGUMENT_KEYS = ['filter', 'sort', 'offset', 'limit'] as const;

/**
 * Checks and normalises the body of a `…/query` operation (spec §4). A null or absent body is the empty argument.
 * A body whose only member is `query` (the wrapper of the v4 documentation, spec Q8) is unwrapped. Members other
 * than the four are ignored, as ASP.NET Core's binder ignores them; the four match in any case.
 *
 * @throws IncorrectParametersError naming the first offending parameter and its value.
 */
export function parseQueryArgument<T>(body: unknown, spec: ResourceSpec<T>): KicsQuery {
  const argument = unwrap(body);
  return {
    filter: parseFilter(member(argument, 'filter'), spec),
    sort: parseSort(member(argument, 'sort'), spec),
    offset: parseBounded(member(argument, 'offset'), 'offset', MAX_OFFSET),
    limit: parseBounded(member(argument, 'limit'), 'limit', MAX_LIMIT),
  };
}

function unwrap(body: unknown): JsonObject {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw new IncorrectParametersError('argument', body);
  const wrapped = findMember(body, ['query']);
  if (wrapped === undefined || findMember(body, ARGUMENT_KEYS) !== undefined) return body;
  if (wrapped.value === null) return {};
  if (!isObject(wrapped.value)) throw new IncorrectParametersError(wrapped.key, wrapped.value);
  return wrapped.value;
}

function member(argument: JsonObject, name: string): unknown {
  return findMember(argument, [name])?.value;
}

/** An int32 in `0…max`, or null when absent (the page echoes null then, spec Q6). */
function parseBounded(value: unknown, parameter: string, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new IncorrectParametersError(parameter, value);
  }
  return value;
}
