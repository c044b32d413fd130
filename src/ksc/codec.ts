import { Buffer } from 'node:buffer';
import { childPath, KlValueError } from './codec-errors.ts';
import { parseWireJson, stringifyWireJson, type WireJson } from '../wire/json.ts';
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

/** Formats a Date as a KLOAPI datetime (`YYYY-MM-DDTHH:MM:SSZ`); an invalid Date is the empty datetime `""`. */
export function formatDateTime(date: Date, path = ''): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return '';
  if (ms < MIN_DATETIME_MS || ms > MAX_DATETIME_MS) {
    throw new KlValueError(path, `datetime year ${date.getUTCFullYear()} is outside 0000-9999`);
  }
  // Encoding an event history formats millions of datetimes, mostly of the same few days: the date part is
  // formatted natively once per day and the time of day is assembled from a table.
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = date.toISOString().slice(0, 11);
  }
  const second = Math.floor((ms - day * DAY_MS) / 1000);
  const hh = TWO_DIGITS[Math.floor(second / 3600)] ?? '';
  const mm = TWO_DIGITS[Math.floor((second % 3600) / 60)] ?? '';
  const ss = TWO_DIGITS[second % 60] ?? '';
  return `${cachedDayPrefix}${hh}:${mm}:${ss}Z`;
}

const DAY_MS = 86_400_000;
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
let cachedDay = Number.NaN;
let cachedDayPrefix = '';

const MIN_DATETIME_MS = new Date('0000-01-01T00:00:00Z').getTime();
const MAX_DATETIME_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

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

// ---------------------------------------------------------------------------------------------- paths

/**
 * Prefixes the path of a value error as it travels up through the containers. Paths are built only on failure:
 * the happy path, encoding thousands of records a page, never formats one.
 */
function atPath(error: unknown, key: string | number): unknown {
  if (!(error instanceof KlValueError) || key === '') return error;
  const head = typeof key === 'number' ? `[${key}]` : childPath('', key);
  const rest = error.path;
  const joined = rest === '' ? head : rest.startsWith('[') ? `${head}${rest}` : `${head}.${rest}`;
  return new KlValueError(joined, error.reason);
}

/** Runs `fn` and reports any value error under `path` (a public entry point's base path). */
function under<T>(path: string, fn: () => T): T {
  if (path === '') return fn();
  try {
    return fn();
  } catch (error) {
    throw atPath(error, path);
  }
}

function fail(reason: string): never {
  throw new KlValueError('', reason);
}

// ---------------------------------------------------------------------------------------------- encode

function checkNumber(value: number): number {
  if (!Number.isFinite(value)) fail(`${value} is not a finite number`);
  return value;
}

function checkLong(value: bigint): bigint {
  if (value < INT64_MIN || value > INT64_MAX) fail(`${value} does not fit a 64-bit long`);
  return value;
}

function checkDate(text: string): string {
  if (!DATE.test(text)) fail(`date ${JSON.stringify(text)} is not YYYY-MM-DD`);
  return text;
}

function encodeBinary(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

function encodeTyped(value: KlValue | null | undefined, inArray: boolean): WireJson {
  if (value === null || value === undefined) {
    if (inArray && value === null) return null;
    return fail('null is not allowed inside a params container');
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      checkNumber(value);
      if (!Number.isInteger(value)) return { type: 'double', value };
      if (value < INT32_MIN || value > INT32_MAX)
        fail(`${value} does not fit a 32-bit int (use a bigint for a long)`);
      return value;
    case 'bigint':
      // Safe longs travel as plain numbers in the tree, so only true 64-bit values pay for the bigint pass.
      return { type: 'long', value: Number.isSafeInteger(Number(value)) ? Number(value) : checkLong(value) };
    case 'object':
      break;
    default:
      return fail(`a ${typeof value} cannot be sent to KSC`);
  }
  if (Array.isArray(value)) return encodeArray(value);
  if (value instanceof Date) return { type: 'datetime', value: formatDateTime(value) };
  if (value instanceof Uint8Array) return { type: 'binary', value: encodeBinary(value) };
  if (value instanceof KlDate) return { type: 'date', value: checkDate(value.value) };
  if (value instanceof KlFloat || value instanceof KlDouble)
    return { type: value.type, value: checkNumber(value.value) };
  if (isKlParams(value)) return { type: 'params', value: encodeMembers(value) };
  return fail(`a ${typeName(value)} cannot be sent to KSC`);
}

function encodeArray(values: ReadonlyArray<KlValue | null>): WireJson[] {
  const out: WireJson[] = new Array<WireJson>(values.length);
  for (let i = 0; i < values.length; i++) {
    try {
      out[i] = encodeTyped(values[i], true);
    } catch (error) {
      throw atPath(error, i);
    }
  }
  return out;
}

function encodeMembers(params: KlParams): { [key: string]: WireJson } {
  const out: { [key: string]: WireJson } = {};
  for (const key of Object.keys(params)) {
    const member = params[key];
    // An undefined member is an absent member, as JSON.stringify treats it; null is an error.
    if (member === undefined) continue;
    try {
      defineMember(out, key, encodeTyped(member, false));
    } catch (error) {
      throw atPath(error, key);
    }
  }
  return out;
}

function defineMember<T>(target: { [key: string]: T }, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
}

/**
 * Encodes a value that stands inside a params container or an array (strongly typed layer).
 * A plain integer must fit 32 bits (pass a `bigint` for a long); a non-integer number is a double.
 */
export function encodeValue(value: KlValue | null | undefined, path = '', inArray = false): WireJson {
  return under(path, () => encodeTyped(value, inArray));
}

/**
 * Encodes a method argument, return value or out-parameter (method level: untyped on the wire).
 * `declared` checks the value against the method's declared type, e.g. `int` rejects values beyond 32 bits.
 */
export function encodeArgument(value: KlArgument | undefined, path = '', declared?: DeclaredType): WireJson {
  return under(path, () => encodeUntyped(value, declared));
}

function encodeUntyped(value: KlArgument | undefined, declared: DeclaredType | undefined): WireJson {
  if (value === null || value === undefined) return null;
  if (declared !== undefined) checkDeclared(value, declared);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return checkLong(value);
    case 'number':
      return checkNumber(value);
    default:
      break;
  }
  if (Array.isArray(value)) return encodeArray(value);
  if (value instanceof Date) return formatDateTime(value);
  if (value instanceof Uint8Array) return encodeBinary(value);
  if (value instanceof KlDate) return checkDate(value.value);
  if (value instanceof KlFloat || value instanceof KlDouble) return checkNumber(value.value);
  if (isKlParams(value)) return encodeMembers(value);
  return fail(`a ${typeName(value)} cannot be sent to KSC`);
}

function checkDeclared(value: KlValue, declared: DeclaredType): void {
  switch (declared) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        fail(`expected an int, got ${typeName(value)}`);
      if ((value as number) < INT32_MIN || (value as number) > INT32_MAX)
        fail(`${String(value)} does not fit a 32-bit int`);
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

/** Encodes the members of a params container (without the `{"type":"params"}` wrapper). */
export function encodeParams(params: KlParams, path = ''): { [key: string]: WireJson } {
  return under(path, () => encodeMembers(params));
}

// ---------------------------------------------------------------------------------------------- encode to text

/**
 * The same encoding as {@link encodeValue} + {@link stringifyWireJson}, written straight to JSON text. Servers that
 * encode thousands of records a page use it: no intermediate tree, far less garbage.
 */
export function stringifyValue(value: KlValue | null | undefined, inArray = false): string {
  if (value === null || value === undefined) {
    if (inArray && value === null) return 'null';
    return fail('null is not allowed inside a params container');
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      checkNumber(value);
      if (!Number.isInteger(value)) return `{"type":"double","value":${String(value)}}`;
      if (value < INT32_MIN || value > INT32_MAX)
        fail(`${value} does not fit a 32-bit int (use a bigint for a long)`);
      return String(value);
    case 'bigint':
      return `{"type":"long","value":${checkLong(value).toString()}}`;
    case 'object':
      break;
    default:
      return fail(`a ${typeof value} cannot be sent to KSC`);
  }
  if (Array.isArray(value)) {
    const parts = new Array<string>(value.length);
    for (let i = 0; i < value.length; i++) {
      try {
        parts[i] = stringifyValue(value[i], true);
      } catch (error) {
        throw atPath(error, i);
      }
    }
    return `[${parts.join(',')}]`;
  }
  if (value instanceof Date) return `{"type":"datetime","value":"${formatDateTime(value)}"}`;
  if (value instanceof Uint8Array) return `{"type":"binary","value":"${encodeBinary(value)}"}`;
  if (value instanceof KlDate) return `{"type":"date","value":"${checkDate(value.value)}"}`;
  if (value instanceof KlFloat || value instanceof KlDouble) {
    return `{"type":"${value.type}","value":${String(checkNumber(value.value))}}`;
  }
  if (isKlParams(value)) return `{"type":"params","value":${stringifyParams(value)}}`;
  return fail(`a ${typeName(value)} cannot be sent to KSC`);
}

// Attribute names repeat across every record of a page; quoting each once saves a JSON.stringify per member.
const quotedKeys = new Map<string, string>();
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** The members of a params container as JSON text (no wrapper): `{"KLHST_WKS_DN":"WIN-1",…}`. */
export function stringifyParams(params: KlParams): string {
  let text = '{';
  let first = true;
  for (const key of Object.keys(params)) {
    const member = params[key];
    if (member === undefined) continue;
    let encoded: string;
    try {
      encoded = stringifyValue(member, false);
    } catch (error) {
      throw atPath(error, key);
    }
    text += `${first ? '' : ','}${quotedKey(key)}:${encoded}`;
    first = false;
  }
  return `${text}}`;
}

// ---------------------------------------------------------------------------------------------- decode

function isObject(json: WireJson): json is { [key: string]: WireJson } {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

function decodeTypedValue(json: WireJson, inArray: boolean): KlValue | null {
  if (json === null) return inArray ? null : fail('null is not allowed inside a params container');
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
  if (Array.isArray(json)) return decodeArray(json);
  if (!isObject(json)) return fail('unexpected JSON value');
  const word = json['type'];
  if (typeof word === 'string' && 'value' in json) {
    if (!isTypeWord(word)) fail(`unknown value type ${JSON.stringify(word)}`);
    return decodeWrapped(word, json['value'] ?? null);
  }
  // Tolerated: a nested container written without its {"type":"params"} wrapper.
  return decodeMembers(json);
}

function decodeWrapped(word: string, value: WireJson): KlValue {
  switch (word) {
    case 'long':
      if (typeof value === 'bigint') return checkLong(value);
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      return fail(`long value must be an integer, got ${JSON.stringify(String(value))}`);
    case 'datetime':
      if (typeof value !== 'string') fail('datetime value must be a string');
      return parseDateTime(value as string);
    case 'date':
      if (typeof value !== 'string') fail('date value must be a string');
      return new KlDate(checkDate(value as string));
    case 'binary':
      if (typeof value !== 'string' || !CANONICAL_BASE64.test(value))
        fail('binary value must be a base64 string');
      return new Uint8Array(Buffer.from(value as string, 'base64'));
    case 'float':
    case 'double': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number') fail(`${word} value must be a number`);
      return word === 'float' ? new KlFloat(n as number) : new KlDouble(n as number);
    }
    default:
      if (!isObject(value)) fail('params value must be an object');
      return decodeMembers(value as { [key: string]: WireJson });
  }
}

function decodeArray(json: readonly WireJson[]): Array<KlValue | null> {
  const out = new Array<KlValue | null>(json.length);
  for (let i = 0; i < json.length; i++) {
    try {
      out[i] = decodeTypedValue(json[i] ?? null, true);
    } catch (error) {
      throw atPath(error, i);
    }
  }
  return out;
}

function decodeMembers(json: { [key: string]: WireJson }): KlParams {
  const out: { [key: string]: KlValue } = {};
  for (const key of Object.keys(json)) {
    try {
      defineMember(out, key, decodeTypedValue(json[key] ?? null, false) as KlValue);
    } catch (error) {
      throw atPath(error, key);
    }
  }
  return out;
}

/** Decodes a value that stands inside a params container or an array (strongly typed layer). */
export function decodeValue(json: WireJson, path = '', inArray = false): KlValue | null {
  return under(path, () => decodeTypedValue(json, inArray));
}

/**
 * Decodes a method-level value (argument, `PxgRetVal`, out-parameter). A `{"type": word, "value": …}` object is
 * taken as a wrapped typed value, which some clients send for params arguments; any other object is a params
 * container.
 */
export function decodeArgument(json: WireJson, path = ''): KlArgument {
  if (json === null || typeof json !== 'object') return json;
  return under(path, () => {
    if (Array.isArray(json)) return decodeArray(json);
    const word = json['type'];
    if (Object.keys(json).length === 2 && isTypeWord(word) && 'value' in json)
      return decodeWrapped(word, json['value'] ?? null);
    return decodeMembers(json);
  });
}

/** Decodes a whole JSON body (request arguments or a response) into method-level values by name. */
export function decodeArguments(text: string): Record<string, KlArgument> {
  return decodeArgumentsFrom(text.trim() === '' ? {} : parseWireJson(text));
}

/** {@link decodeArguments} of a body already parsed (lossless) from its text. */
export function decodeArgumentsFrom(json: WireJson): Record<string, KlArgument> {
  if (!isObject(json)) throw new KlValueError('', 'the body must be a JSON object of named values');
  const out: Record<string, KlArgument> = {};
  for (const key of Object.keys(json)) defineMember(out, key, decodeArgument(json[key] ?? null, key));
  return out;
}

/** Decodes the members of a params container given without its wrapper. */
export function decodeParams(json: WireJson, path = ''): KlParams {
  return under(path, () => {
    if (!isObject(json)) fail('expected a params container');
    return decodeMembers(json as { [key: string]: WireJson });
  });
}
