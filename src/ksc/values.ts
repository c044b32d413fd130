/**
 * The in-memory model of KLOAPI typed values (spec §3).
 *
 * JavaScript already has a distinct type for most KLOAPI types, so the model reuses them:
 *
 * | KLOAPI       | JavaScript                                                        |
 * |--------------|-------------------------------------------------------------------|
 * | string       | `string`                                                          |
 * | bool         | `boolean`                                                         |
 * | int (32-bit) | `number` (an integer in the signed 32-bit range)                  |
 * | long         | `bigint` (exact over the whole signed 64-bit range)               |
 * | datetime     | `Date` (second precision, UTC; an invalid Date is the empty datetime) |
 * | binary       | `Uint8Array`                                                      |
 * | date         | {@link KlDate}                                                    |
 * | float        | {@link KlFloat}                                                   |
 * | double       | {@link KlDouble}, or a non-integer `number`                       |
 * | array        | `KlValue[]` (elements may be `null`)                              |
 * | params       | {@link KlParams}: a plain object                                  |
 *
 * `date`, `float` and `double` get small wrapper classes because JavaScript cannot tell them apart
 * from a string or an integer-valued number, and decode → encode must reproduce the wire type exactly.
 */

/** A KLOAPI `date` (`YYYY-MM-DD`, no time of day). */
export class KlDate {
  readonly type = 'date' as const;
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/** A KLOAPI `float` (single precision on the server; carried as a JavaScript number). */
export class KlFloat {
  readonly type = 'float' as const;
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** A KLOAPI `double`. A non-integer JavaScript number encodes as a double too; use this for integral values. */
export class KlDouble {
  readonly type = 'double' as const;
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** Any value that may appear inside a params container or an array. */
export type KlValue =
  string | boolean | number | bigint | Date | Uint8Array | KlDate | KlFloat | KlDouble | KlArray | KlParams;

/** A KLOAPI array: elements are typed values or `null`. */
export type KlArray = ReadonlyArray<KlValue | null>;

/** A KLOAPI params container: named, typed, non-null members. */
export interface KlParams {
  readonly [name: string]: KlValue;
}

/** A method argument, return value or out-parameter: like {@link KlValue}, but `null` is allowed. */
export type KlArgument = KlValue | null;

/** The named arguments of one method call. */
export type KlArguments = Readonly<Record<string, KlArgument | undefined>>;

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
export const INT64_MIN = -9223372036854775808n;
export const INT64_MAX = 9223372036854775807n;

/** The empty datetime (`""` on the wire): an invalid Date, since it names no instant. */
export function emptyDateTime(): Date {
  return new Date(Number.NaN);
}

export function isEmptyDateTime(value: Date): boolean {
  return Number.isNaN(value.getTime());
}

/** Type words that mark a typed value inside params containers and arrays (spec §3.2). */
export const TYPE_WORDS = ['long', 'datetime', 'date', 'binary', 'float', 'double', 'params'] as const;
export type TypeWord = (typeof TYPE_WORDS)[number];

const typeWordSet: ReadonlySet<string> = new Set(TYPE_WORDS);
export function isTypeWord(word: unknown): word is TypeWord {
  return typeof word === 'string' && typeWordSet.has(word);
}

/** True for a plain object that is a params container (not a Date, array, buffer or wrapper class). */
export function isKlParams(value: unknown): value is KlParams {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
