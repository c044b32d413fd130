/**
 * The parsed form of a KSC search filter. Every node is plain, immutable data (no classes, no
 * functions) so that other code can walk it freely: the evaluator in this folder, and the emulator
 * when it compiles a filter to SQL. `bigint` is used wherever a value may not fit in a double.
 */

/** Any node of a parsed filter. */
export type FilterNode = MatchAllNode | AndNode | OrNode | NotNode | ComparisonNode;

/** The empty (or whitespace-only) filter: matches every record. */
export interface MatchAllNode {
  readonly kind: 'all';
}

/** `(&(…)(…)…)`: true when every child is true. Always has at least one child. */
export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly FilterNode[];
}

/** `(|(…)(…)…)`: true when any child is true. Always has at least one child. */
export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly FilterNode[];
}

/** `(!(…))` or `(!attr = value)`: the negation of its child. */
export interface NotNode {
  readonly kind: 'not';
  readonly child: FilterNode;
}

/** The comparison operators; `>=` and `<=` are outside the documented grammar but used by KSC's own examples. */
export type ComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';

/** `attr op value`, or `attr & mask op value` when `mask` is present. */
export interface ComparisonNode {
  readonly kind: 'compare';
  /** Attribute name exactly as written (lookups are case-sensitive). */
  readonly attribute: string;
  /** 1-based position of the attribute's first character in the filter text. */
  readonly attributePos: number;
  /** Bit mask of `attr & mask op value`: the comparison applies to `attr & mask`. */
  readonly mask?: bigint;
  readonly op: ComparisonOperator;
  readonly value: FilterValue;
}

/** Any right-hand side of a comparison. */
export type FilterValue = IntegerValue | StringValue | TimeValue | RelativeTimeValue | BinaryValue;

/** A signed decimal integer, within the signed 64-bit range. */
export interface IntegerValue {
  readonly kind: 'integer';
  readonly value: bigint;
}

/** A quoted string without wildcards: compared as literal text. */
export interface LiteralStringValue {
  readonly kind: 'string';
  /** The text with `""` already turned into `"`. */
  readonly text: string;
  readonly hasWildcards: false;
}

/** A quoted string with wildcards (only ever with `=`). `pattern` is its already-validated parse. */
export interface PatternStringValue {
  readonly kind: 'string';
  /** The text with `""` already turned into `"`; wildcard characters are kept as written. */
  readonly text: string;
  readonly hasWildcards: true;
  readonly pattern: WildcardPattern;
}

/** A quoted string, literal or wildcard pattern. */
export type StringValue = LiteralStringValue | PatternStringValue;

/** An absolute UTC time `T"YYYY-MM-DD hh:mm:ss"`. */
export interface TimeValue {
  readonly kind: 'time';
  /** Milliseconds since the Unix epoch; always a whole number of seconds. */
  readonly epochMs: number;
}

/** `CURTIME()` / `CURTIME(±seconds)`: the evaluation time plus an offset. */
export interface RelativeTimeValue {
  readonly kind: 'curtime';
  /** Offset in seconds from "now"; 0 for `CURTIME()`. */
  readonly offsetSeconds: number;
}

/** A `0x…` hexadecimal constant. */
export interface BinaryValue {
  readonly kind: 'binary';
  /** The hex digits as written (leading zeros kept, so the byte length is known), lower-cased, without `0x`. */
  readonly hex: string;
  /** The digits read as an unsigned integer. */
  readonly value: bigint;
}

/** A parsed wildcard pattern: a sequence of elements that must match the whole value. */
export type WildcardPattern = readonly PatternElement[];

/** One element of a wildcard pattern. */
export type PatternElement = LiteralElement | AnyCharElement | AnySequenceElement | CharSetElement;

/** Literal text (one or more characters) that must appear as is, compared case-insensitively. */
export interface LiteralElement {
  readonly kind: 'literal';
  readonly text: string;
}

/** `?`: exactly one character. */
export interface AnyCharElement {
  readonly kind: 'anyChar';
}

/** `*`: zero or more characters. */
export interface AnySequenceElement {
  readonly kind: 'anySequence';
}

/** `[abc]`, `[a-f]`, `[^a-f]`: one character in (or, when negated, not in) the set. */
export interface CharSetElement {
  readonly kind: 'charSet';
  readonly negated: boolean;
  readonly items: readonly CharSetItem[];
}

/** A member of a character set: one character, or an inclusive range of code points. */
export type CharSetItem =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'range'; readonly from: string; readonly to: string };
