import type { ComparisonOperator } from './ast.ts';
import { FilterBuildError } from './errors.ts';
import { isValidAttributeName } from './lexer.ts';
import { MAX_CURTIME_OFFSET_SECONDS } from './parser.ts';
import { formatTimeLiteral } from './time.ts';
import { hasWildcardCharacters, parseWildcardPattern } from './wildcard.ts';

// Only this module can mint filters and literals, so any instance is known to be well-formed text.
const MINT: unique symbol = Symbol('kconnect.filter.mint');

/** A filter built by {@link filter}; `toString()` gives the text to send (e.g. as `wstrFilter`). */
export class FilterExpression {
  /** The filter text; `''` is the match-all filter. */
  readonly text: string;

  /** Not for direct use: build filters with {@link filter}. */
  constructor(mint: typeof MINT, text: string) {
    if (mint !== MINT) throw new TypeError('Build filters with filter.eq(), filter.and() and the like.');
    this.text = text;
  }

  /** Whether this is the empty filter, which matches everything. */
  get matchesAll(): boolean {
    return this.text === '';
  }

  toString(): string {
    return this.text;
  }
}

/** A value that is not plain data: a `T"…"` time or a `CURTIME(…)` relative time. */
export class FilterLiteral {
  /** The literal as it appears in filter text. */
  readonly text: string;

  /** Not for direct use: build literals with {@link filter.time} and {@link filter.curtime}. */
  constructor(mint: typeof MINT, text: string) {
    if (mint !== MINT) throw new TypeError('Build literals with filter.time() or filter.curtime().');
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

/** What a comparison can take: booleans become 1/0, Dates become `T"…"`, numbers must be safe integers. */
export type FilterOperand = string | number | bigint | boolean | Date | FilterLiteral;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function attributeName(attr: string): string {
  if (!isValidAttributeName(attr)) {
    throw new FilterBuildError(
      attr,
      `Invalid filter attribute name ${JSON.stringify(attr)}: use letters, digits, '_', '.' or '-', starting with a letter or '_'.`,
    );
  }
  return attr;
}

/** Quotes text as a filter string, doubling `"`. The text is used as is, wildcards included. */
function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Rewrites each wildcard character as a one-character set, so the pattern matches only the text itself. */
function literalPattern(text: string): string {
  return text.replace(/[*?[]/g, (ch) => `[${ch}]`);
}

function operandText(attr: string, op: ComparisonOperator, value: FilterOperand): string {
  if (value instanceof FilterLiteral) return value.text;
  if (value instanceof Date) {
    const text = formatTimeLiteral(value.getTime());
    if (text === undefined) {
      throw new FilterBuildError(attr, `Date for '${attr}' is invalid or outside the years 0000-9999.`);
    }
    return `T"${text}"`;
  }
  switch (typeof value) {
    case 'string':
      if (op === '=') return quote(literalPattern(value));
      if (hasWildcardCharacters(value)) {
        throw new FilterBuildError(
          attr,
          `Value for '${attr}' contains '*', '?' or '[', which '${op}' cannot compare literally.`,
        );
      }
      return quote(value);
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new FilterBuildError(
          attr,
          `Number for '${attr}' must be a safe integer; pass a bigint for 64-bit values.`,
        );
      }
      return String(value);
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new FilterBuildError(attr, `Integer for '${attr}' is outside the signed 64-bit range.`);
      }
      return String(value);
    case 'boolean':
      return value ? '1' : '0';
  }
}

function compare(attr: string, op: ComparisonOperator, value: FilterOperand): FilterExpression {
  const name = attributeName(attr);
  return new FilterExpression(MINT, `(${name} ${op} ${operandText(name, op, value)})`);
}

function maskText(attr: string, mask: number | bigint): string {
  const valid = typeof mask === 'bigint' ? mask > 0n : Number.isSafeInteger(mask) && mask > 0;
  if (!valid) throw new FilterBuildError(attr, `Bit mask for '${attr}' must be a positive integer.`);
  return `0x${mask.toString(16)}`;
}

/**
 * Builds search filters from untrusted input. Values are always literal unless a method says
 * otherwise: a user-supplied `*` in {@link filter.eq} matches only a `*`, never "anything".
 * Attribute names are validated; invalid input throws {@link FilterBuildError} (`INVALID_INPUT`).
 */
export const filter = Object.freeze({
  /** The empty filter: matches everything. */
  all(): FilterExpression {
    return new FilterExpression(MINT, '');
  },

  /** `attr` equals `value` (strings: case-insensitively and literally, wildcard characters neutralised). */
  eq(attr: string, value: FilterOperand): FilterExpression {
    return compare(attr, '=', value);
  },

  /**
   * `attr` differs from `value`. A string with wildcard characters cannot go after `<>`, so it
   * becomes `(!(attr = "literal"))`; note that this form, unlike `<>`, also matches records
   * without the attribute.
   */
  ne(attr: string, value: FilterOperand): FilterExpression {
    if (typeof value === 'string' && hasWildcardCharacters(value)) {
      const name = attributeName(attr);
      return new FilterExpression(MINT, `(!(${name} = ${quote(literalPattern(value))}))`);
    }
    return compare(attr, '<>', value);
  },

  /** `attr > value`. Strings with `*`, `?` or `[` are rejected: only `=` can compare them literally. */
  gt(attr: string, value: FilterOperand): FilterExpression {
    return compare(attr, '>', value);
  },

  /** `attr >= value`. */
  ge(attr: string, value: FilterOperand): FilterExpression {
    return compare(attr, '>=', value);
  },

  /** `attr < value`. */
  lt(attr: string, value: FilterOperand): FilterExpression {
    return compare(attr, '<', value);
  },

  /** `attr <= value`. */
  le(attr: string, value: FilterOperand): FilterExpression {
    return compare(attr, '<=', value);
  },

  /**
   * `attr` matches a deliberate wildcard pattern (`*`, `?`, `[a-f]`, `[^…]`). Only pass patterns
   * your code wrote; user input belongs in {@link filter.eq}.
   */
  like(attr: string, pattern: string): FilterExpression {
    const name = attributeName(attr);
    const parsed = parseWildcardPattern(pattern);
    if (!parsed.ok) {
      throw new FilterBuildError(
        name,
        `Invalid wildcard pattern for '${name}' at index ${parsed.index}: ${parsed.reason}`,
      );
    }
    return new FilterExpression(MINT, `(${name} = ${quote(pattern)})`);
  },

  /** At least one bit of `mask` is set in `attr`: `(attr & 0x… <> 0)`. */
  bitSet(attr: string, mask: number | bigint): FilterExpression {
    const name = attributeName(attr);
    return new FilterExpression(MINT, `(${name} & ${maskText(name, mask)} <> 0)`);
  },

  /** Every bit of `mask` is clear in `attr`: `(attr & 0x… = 0)`. */
  bitClear(attr: string, mask: number | bigint): FilterExpression {
    const name = attributeName(attr);
    return new FilterExpression(MINT, `(${name} & ${maskText(name, mask)} = 0)`);
  },

  /** All of `parts` hold. Match-all parts are dropped; with none left the result matches everything. */
  and(...parts: readonly FilterExpression[]): FilterExpression {
    const kept = parts.filter((part) => !part.matchesAll);
    if (kept.length === 0) return filter.all();
    if (kept.length === 1 && kept[0] !== undefined) return kept[0];
    return new FilterExpression(MINT, `(&${kept.map((part) => part.text).join('')})`);
  },

  /** Any of `parts` holds. Needs at least one part: the language cannot say "nothing". */
  or(...parts: readonly FilterExpression[]): FilterExpression {
    if (parts.length === 0) throw new FilterBuildError('or', 'filter.or() needs at least one filter.');
    if (parts.some((part) => part.matchesAll)) return filter.all();
    if (parts.length === 1 && parts[0] !== undefined) return parts[0];
    return new FilterExpression(MINT, `(|${parts.map((part) => part.text).join('')})`);
  },

  /** `part` does not hold. The match-all filter cannot be negated: the language cannot say "nothing". */
  not(part: FilterExpression): FilterExpression {
    if (part.matchesAll)
      throw new FilterBuildError('not', 'filter.not() cannot negate the match-all filter.');
    return new FilterExpression(MINT, `(!${part.text})`);
  },

  /** An absolute time `T"YYYY-MM-DD hh:mm:ss"` (UTC, zero-padded, truncated to whole seconds). */
  time(date: Date): FilterLiteral {
    const text = formatTimeLiteral(date.getTime());
    if (text === undefined)
      throw new FilterBuildError('time', 'Date is invalid or outside the years 0000-9999.');
    return new FilterLiteral(MINT, `T"${text}"`);
  },

  /** The server's current time plus `deltaSeconds`: `CURTIME()`, `CURTIME(-86400)`, `CURTIME(60)`. */
  curtime(deltaSeconds = 0): FilterLiteral {
    if (!Number.isSafeInteger(deltaSeconds) || Math.abs(deltaSeconds) > MAX_CURTIME_OFFSET_SECONDS) {
      throw new FilterBuildError(
        'curtime',
        'CURTIME offset must be an integer number of seconds within the Date range.',
      );
    }
    return new FilterLiteral(MINT, deltaSeconds === 0 ? 'CURTIME()' : `CURTIME(${deltaSeconds})`);
  },
});
