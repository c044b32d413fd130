import type { ComparisonNode, ComparisonOperator, FilterNode } from './ast.ts';
import { foldCase } from './casefold.ts';
import { FilterSyntaxError } from './errors.ts';
import { parseFilter, type ParseFilterOptions } from './parser.ts';
import { parseIsoDateTime, parseQuotedDateTime } from './time.ts';
import { compileWildcard } from './wildcard.ts';

/** The attribute value types the evaluator understands; anything else never matches. */
export type FilterAttributeValue = string | number | bigint | boolean | Date | null | undefined;

/** A record to test: attribute name → value. Names are looked up exactly (case-sensitive, own properties only). */
export type FilterRecord = Readonly<Record<string, unknown>>;

/** A compiled filter. */
export type FilterPredicate = (record: FilterRecord) => boolean;

/** Options of {@link compileFilter}. */
export interface CompileFilterOptions {
  /**
   * Clock for `CURTIME`, in epoch milliseconds; default `Date.now`. Read at most once per
   * {@link compileFilter} call (only if the filter uses `CURTIME`), so every record tested by one
   * compiled predicate sees the same "now", as one server query would.
   */
  readonly now?: () => number;
}

/**
 * Compiles a filter AST into a predicate over records. Patterns and constants are prepared once
 * here, not per record.
 *
 * Semantics: a comparison on an absent (`undefined`/`null`) attribute is false, so `!` of it is
 * true. Strings compare case-insensitively (ordering too, on case-folded UTF-16 code units).
 * Wildcard patterns match string attributes only. Integers (and `0x…` constants, read as unsigned)
 * compare exactly with number, bigint, boolean (0/1) and decimal-string attributes; a quoted decimal
 * against a numeric attribute compares as a number, a quoted date or ISO date-time against a `Date` attribute
 * as a time. Times compare in whole seconds against `Date` and ISO 8601 strings with a zone. Any other type
 * pairing is false.
 *
 * @throws FilterSyntaxError if a hand-built AST breaks a rule the parser enforces (a wildcard
 * with an operator other than `=`, a mask with a non-integer value).
 */
export function compileFilter(ast: FilterNode, options: CompileFilterOptions = {}): FilterPredicate {
  let nowMs: number | undefined;
  const clock = options.now ?? Date.now;
  const now = (): number => (nowMs ??= clock());
  return compileNode(ast, now);
}

/**
 * Tests one record against a filter given as text or AST. Parses and compiles on every call; use
 * {@link compileFilter} when testing many records.
 */
export function matchesFilter(
  filter: string | FilterNode,
  record: FilterRecord,
  options: CompileFilterOptions & ParseFilterOptions = {},
): boolean {
  const ast = typeof filter === 'string' ? parseFilter(filter, options) : filter;
  return compileFilter(ast, options)(record);
}

function compileNode(node: FilterNode, now: () => number): FilterPredicate {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'and': {
      const parts = node.children.map((child) => compileNode(child, now));
      return (record) => parts.every((part) => part(record));
    }
    case 'or': {
      const parts = node.children.map((child) => compileNode(child, now));
      return (record) => parts.some((part) => part(record));
    }
    case 'not': {
      const inner = compileNode(node.child, now);
      return (record) => !inner(record);
    }
    case 'compare': {
      const test = compileValueTest(node, now);
      const attribute = node.attribute;
      return (record) => {
        // hasOwn: a filter on `constructor` or `__proto__` must not see Object.prototype.
        const value = Object.hasOwn(record, attribute) ? record[attribute] : undefined;
        return value !== undefined && value !== null && test(value);
      };
    }
  }
}

type ValueTest = (value: unknown) => boolean;

function compileValueTest(node: ComparisonNode, now: () => number): ValueTest {
  const { op, value } = node;
  if (node.mask !== undefined) {
    const mask = node.mask;
    if (value.kind !== 'integer' && value.kind !== 'binary') {
      throw new FilterSyntaxError(node.attributePos, 'Integer value expected after a bit mask.');
    }
    const target = value.value;
    return (v) => {
      const n = toExactInteger(v);
      return n !== undefined && holds(compareBigInts(n & mask, target), op);
    };
  }
  switch (value.kind) {
    case 'integer':
    case 'binary': {
      const target = value.value;
      return (v) => holds(compareNumeric(v, target), op);
    }
    case 'string': {
      if (value.hasWildcards) {
        if (op !== '=')
          throw new FilterSyntaxError(node.attributePos, "Wildcards are only allowed with '='.");
        const matches = compileWildcard(value.pattern);
        return (v) => typeof v === 'string' && matches(v);
      }
      const folded = foldCase(value.text);
      // A quoted number against a numeric attribute is still a number comparison.
      const asInteger = DECIMAL_INTEGER.test(value.text) ? BigInt(value.text) : undefined;
      // A quoted date or date-time against a datetime attribute is a time comparison, as Kaspersky's examples
      // write it (`(KLHST_WKS_LAST_VISIBLE < "2020-03-31T00:00:00Z")`); against a string it stays a string one.
      const asTime = parseQuotedDateTime(value.text);
      const asSeconds = asTime === undefined ? undefined : Math.floor(asTime / 1000);
      return (v) => {
        if (v instanceof Date) return asSeconds !== undefined && holds(compareTimes(v, asSeconds), op);
        if (typeof v === 'string') return holds(compareStrings(foldCase(v), folded), op);
        return asInteger !== undefined && holds(compareNumeric(v, asInteger), op);
      };
    }
    case 'time': {
      const target = Math.floor(value.epochMs / 1000);
      return (v) => holds(compareTimes(v, target), op);
    }
    case 'curtime': {
      const target = Math.floor(now() / 1000) + value.offsetSeconds;
      return (v) => holds(compareTimes(v, target), op);
    }
  }
}

const DECIMAL_INTEGER = /^[+-]?[0-9]+$/;

type Ordering = -1 | 0 | 1;

function holds(ordering: Ordering | undefined, op: ComparisonOperator): boolean {
  if (ordering === undefined) return false;
  switch (op) {
    case '=':
      return ordering === 0;
    case '<>':
      return ordering !== 0;
    case '<':
      return ordering < 0;
    case '>':
      return ordering > 0;
    case '<=':
      return ordering <= 0;
    case '>=':
      return ordering >= 0;
  }
}

/** An attribute value as an exact integer, for bit masks; `undefined` when it is not one. */
function toExactInteger(v: unknown): bigint | undefined {
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'number':
      return Number.isInteger(v) ? BigInt(v) : undefined;
    case 'boolean':
      return v ? 1n : 0n;
    case 'string':
      return DECIMAL_INTEGER.test(v) ? BigInt(v) : undefined;
    default:
      return undefined;
  }
}

/** Orders an attribute value against an integer without going through a double, so values past 2^53 stay exact. */
function compareNumeric(v: unknown, target: bigint): Ordering | undefined {
  if (typeof v === 'number') {
    // Mixed number/bigint relational operators compare the exact mathematical values.
    if (Number.isNaN(v)) return undefined;
    return v < target ? -1 : v > target ? 1 : 0;
  }
  const n = toExactInteger(v);
  return n === undefined ? undefined : compareBigInts(n, target);
}

function compareBigInts(a: bigint, b: bigint): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders an attribute value, in whole epoch seconds (the filter language's precision), against `target`. */
function compareTimes(v: unknown, targetSeconds: number): Ordering | undefined {
  let ms: number | undefined;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'string') ms = parseIsoDateTime(v);
  if (ms === undefined || Number.isNaN(ms)) return undefined;
  const seconds = Math.floor(ms / 1000);
  return seconds < targetSeconds ? -1 : seconds > targetSeconds ? 1 : 0;
}
