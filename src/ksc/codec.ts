import { Buffer } from 'node:buffer';
import { childPath, KlValueError } from './codec-errors.ts';
import { parseWireJson, stringifyWireJson, type WireJson } from './json.ts';
import {
  INT32_MAX,
  INT32_MIN,
  INT64_MAX,
  INT64_MIN,
  isKlParams,
  isTypeWord,
  KlDate,
  KlDouble,
  KlFloat,
  type KlArgument,
  type KlArguments,
  type KlParams,
  type KlValue,
} from './values.ts';

/**
 * The KLOAPI typed-value codec (spec §3). Two layers:
 *
 * - **method level** (arguments, `PxgRetVal`, out-parameters): plain JSON, `null` allowed, a params argument is a
 *   plain object, a datetime is a bare string. The wire carries no type word, so decoding cannot tell a datetime
 *   from a string; callers that know the method's signature convert those themselves.
 * - **inside containers** (params members, array elements): strongly typed; `long`, `datetime`, `date`, `binary`,
 *   `float`, `double` and nested `params` carry `{"type": word, "value": …}`; `null` only as an array element.
 */

/** A method-level type a caller can declare for an argument, to have it checked before it is sent. */
export type DeclaredType = 'int' | 'long' | 'datetime' | 'date' | 'binary' | 'float' | 'double';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const DATE = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// ---------------------------------------------------------------------------------------------- datetime

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Formats a Date as a KLOAPI datetime (`YYYY-MM-DDTHH:MM:SSZ`); an invalid Date is the empty datetime `""`. */
export function formatDateTime(date: Date, path = ''): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return '';
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new KlValueError(path, `datetime year ${year} is outside 0000-9999`);
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}Z`
  );
}

/** Parses a KLOAPI datetime; `""` gives the empty datetime (an invalid Date). */
export function parseDateTime(text: string, path = ''): Date {
  if (text === '') return new Date(Number.NaN);
  const m = DATETIME.exec(text);
  if (m === null)
    throw new KlValueError(path, `datetime ${JSON.stringify(text)} is not YYYY-MM-DDTHH:MM:SSZ`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date.UTC rolls 2024-02-30 over into March; a datetime the server would reject must not pass silently.
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new KlValueError(path, `datetime ${JSON.stringify(text)} is not a valid date and time`);
  }
  return date;
}

// ---------------------------------------------------------------------------------------------- encode

function checkNumber(value: number, path: string): void {
  if (!Number.isFinite(value)) throw new KlValueError(path, `${value} is not a finite number`);
}

function checkLong(value: bigint, path: string): bigint {
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new KlValueError(path, `${value} does not fit a 64-bit long`);
  }
  return value;
}

function encodeBinary(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

/**
 * Encodes a value that stands inside a params container or an array (strongly typed layer).
 * A plain integer must fit 32 bits (pass a `bigint` for a long); a non-integer number is a double.
 */
export function encodeValue(value: KlValue | null | undefined, path = '', inArray = false): WireJson {
  if (value === null || value === undefined) {
    if (inArray && value === null) return null;
    throw new KlValueError(path, 'null is not allowed inside a params container');
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      checkNumber(value, path);
      if (!Number.isInteger(value)) return { type: 'double', value };
      if (value < INT32_MIN || value > INT32_MAX) {
        throw new KlValueError(path, `${value} does not fit a 32-bit int (use a bigint for a long)`);
      }
      return value;
    case 'bigint':
      // Safe longs travel as plain numbers in the tree, so only true 64-bit values pay for the bigint pass.
      return {
        type: 'long',
        value: Number.isSafeInteger(Number(value)) ? Number(value) : checkLong(value, path),
      };
    case 'object':
      break;
    default:
      throw new KlValueError(path, `a ${typeof value} cannot be sent to KSC`);
  }
  if (Array.isArray(value)) return encodeArray(value, path);
  if (value instanceof Date) return { type: 'datetime', value: formatDateTime(value, path) };
  if (value instanceof Uint8Array) return { type: 'binary', value: encodeBinary(value) };
  if (value instanceof KlDate) return { type: 'date', value: checkDate(value.value, path) };
  if (value instanceof KlFloat || value instanceof KlDouble) {
    checkNumber(value.value, path);
    return { type: value.type, value: value.value };
  }
  if (isKlParams(value)) return { type: 'params', value: encodeMembers(value, path) };
  throw new KlValueError(path, `a ${typeName(value)} cannot be sent to KSC`);
}

function checkDate(text: string, path: string): string {
  if (!DATE.test(text)) throw new KlValueError(path, `date ${JSON.stringify(text)} is not YYYY-MM-DD`);
  return text;
}

function encodeArray(values: ReadonlyArray<KlValue | null>, path: string): WireJson[] {
  const out: WireJson[] = new Array<WireJson>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = encodeValue(values[i], childPath(path, i), true);
  return out;
}

function encodeMembers(params: KlParams, path: string): { [key: string]: WireJson } {
  const out: { [key: string]: WireJson } = {};
  for (const key of Object.keys(params)) {
    const member = params[key];
    // An undefined member is an absent member, as JSON.stringify treats it; null is an error.
    if (member === undefined) continue;
    defineMember(out, key, encodeValue(member, childPath(path, key)));
  }
  return out;
}

function defineMember<T>(target: { [key: string]: T }, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
}

/**
 * Encodes a method argument, return value or out-parameter (method level: untyped on the wire).
 * `declared` checks the value against the method's declared type, e.g. `int` rejects values beyond 32 bits.
 */
export function encodeArgument(value: KlArgument | undefined, path = '', declared?: DeclaredType): WireJson {
  if (value === null || value === undefined) return null;
  if (declared !== undefined) checkDeclared(value, path, declared);
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return typeof value === 'bigint' ? checkLong(value, path) : value;
    case 'number':
      checkNumber(value, path);
      return value;
    default:
      break;
  }
  if (Array.isArray(value)) return encodeArray(value, path);
  if (value instanceof Date) return formatDateTime(value, path);
  if (value instanceof Uint8Array) return encodeBinary(value);
  if (value instanceof KlDate) return checkDate(value.value, path);
  if (value instanceof KlFloat || value instanceof KlDouble) {
    checkNumber(value.value, path);
    return value.value;
  }
  if (isKlParams(value)) return encodeMembers(value, path);
  throw new KlValueError(path, `a ${typeName(value)} cannot be sent to KSC`);
}

function checkDeclared(value: KlValue, path: string, declared: DeclaredType): void {
  const fail = (reason: string): never => {
    throw new KlValueError(path, reason);
  };
  switch (declared) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        fail(`expected an int, got ${typeName(value)}`);
      if ((value as number) < INT32_MIN || (value as number) > INT32_MAX) {
        fail(`${String(value)} does not fit a 32-bit int`);
      }
      return;
    case 'long':
      if (typeof value === 'bigint') return;
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        fail(`expected a long (an integer number or a bigint), got ${typeName(value)}`);
      }
      return;
    case 'datetime':
      if (!(value instanceof Date)) fail(`expected a datetime (Date), got ${typeName(value)}`);
      return;
    case 'date':
      if (!(value instanceof KlDate)) fail(`expected a date (KlDate), got ${typeName(value)}`);
      return;
    case 'binary':
      if (!(value instanceof Uint8Array)) fail(`expected binary data (Uint8Array), got ${typeName(value)}`);
      return;
    case 'float':
    case 'double':
      if (typeof value !== 'number' && !(value instanceof KlFloat) && !(value instanceof KlDouble)) {
        fail(`expected a ${declared}, got ${typeName(value)}`);
      }
      return;
  }
}

/** Encodes the named arguments of a call into the JSON request body (`{}` when there are none). */
export function encodeArguments(
  args: KlArguments = {},
  declared: Readonly<Record<string, DeclaredType>> = {},
): string {
  const body: { [key: string]: WireJson } = {};
  for (const key of Object.keys(args)) {
    const value = args[key];
    if (value === undefined) continue;
    defineMember(body, key, encodeArgument(value, key, declared[key]));
  }
  return stringifyWireJson(body);
}

// ---------------------------------------------------------------------------------------------- decode

function isObject(json: WireJson): json is { [key: string]: WireJson } {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

/** Decodes a value that stands inside a params container or an array (strongly typed layer). */
export function decodeValue(json: WireJson, path = '', inArray = false): KlValue | null {
  if (json === null) {
    if (inArray) return null;
    throw new KlValueError(path, 'null is not allowed inside a params container');
  }
  switch (typeof json) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return json;
    case 'number':
      return Number.isInteger(json) ? json : new KlDouble(json);
    default:
      break;
  }
  if (Array.isArray(json)) return decodeArray(json, path);
  if (!isObject(json)) throw new KlValueError(path, 'unexpected JSON value');
  const word = json['type'];
  if (typeof word === 'string' && 'value' in json) {
    if (!isTypeWord(word)) throw new KlValueError(path, `unknown value type ${JSON.stringify(word)}`);
    return decodeTyped(word, json['value'] ?? null, path);
  }
  // Tolerated: a nested container written without its {"type":"params"} wrapper.
  return decodeMembers(json, path);
}

function decodeTyped(word: string, value: WireJson, path: string): KlValue {
  switch (word) {
    case 'long':
      if (typeof value === 'bigint') return checkLong(value, path);
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      throw new KlValueError(path, `long value must be an integer, got ${JSON.stringify(String(value))}`);
    case 'datetime':
      if (typeof value !== 'string') throw new KlValueError(path, 'datetime value must be a string');
      return parseDateTime(value, path);
    case 'date':
      if (typeof value !== 'string') throw new KlValueError(path, 'date value must be a string');
      return new KlDate(checkDate(value, path));
    case 'binary':
      if (typeof value !== 'string' || !CANONICAL_BASE64.test(value)) {
        throw new KlValueError(path, 'binary value must be a base64 string');
      }
      return new Uint8Array(Buffer.from(value, 'base64'));
    case 'float':
    case 'double': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number') throw new KlValueError(path, `${word} value must be a number`);
      return word === 'float' ? new KlFloat(n) : new KlDouble(n);
    }
    default: {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new KlValueError(path, 'params value must be an object');
      }
      return decodeMembers(value, path);
    }
  }
}

function decodeArray(json: readonly WireJson[], path: string): Array<KlValue | null> {
  const out = new Array<KlValue | null>(json.length);
  for (let i = 0; i < json.length; i++) out[i] = decodeValue(json[i] ?? null, childPath(path, i), true);
  return out;
}

function decodeMembers(json: { [key: string]: WireJson }, path: string): KlParams {
  const out: { [key: string]: KlValue } = {};
  for (const key of Object.keys(json)) {
    defineMember(out, key, decodeValue(json[key] ?? null, childPath(path, key)) as KlValue);
  }
  return out;
}

/**
 * Decodes a method-level value (argument, `PxgRetVal`, out-parameter). A `{"type": word, "value": …}` object is
 * taken as a wrapped typed value, which some clients send for params arguments; any other object is a params
 * container.
 */
export function decodeArgument(json: WireJson, path = ''): KlArgument {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return decodeArray(json, path);
  const keys = Object.keys(json);
  const word = json['type'];
  if (keys.length === 2 && isTypeWord(word) && 'value' in json)
    return decodeTyped(word, json['value'] ?? null, path);
  return decodeMembers(json, path);
}

/** Decodes a whole JSON body (request arguments or a response) into method-level values by name. */
export function decodeArguments(text: string): Record<string, KlArgument> {
  const json = text.trim() === '' ? {} : parseWireJson(text);
  if (!isObject(json)) throw new KlValueError('', 'the body must be a JSON object of named values');
  const out: Record<string, KlArgument> = {};
  for (const key of Object.keys(json)) defineMember(out, key, decodeArgument(json[key] ?? null, key));
  return out;
}
