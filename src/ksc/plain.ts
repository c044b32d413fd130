/**
 * KLOAPI values as plain JSON: shared by the commands and the intake (which must not import the commands).
 */
import { formatDateTime } from './codec.ts';
import { isEmptyDateTime, KlDate, KlDouble, KlFloat, type KlArgument, type KlParams } from './values.ts';
import type { PlainJson } from '../commands/core/types.ts';

/**
 * A decoded KLOAPI value as plain JSON, the way seed 001's Context Data shows it: wrappers gone, a long as a
 * number (a decimal string beyond 2^53, where a number would lose digits), a datetime as its ISO text (`""`
 * when empty), binary as base64.
 */
export function toPlain(value: KlArgument | undefined): PlainJson {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return isEmptyDateTime(value) ? '' : formatDateTime(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof KlDate) return value.value;
  if (value instanceof KlFloat || value instanceof KlDouble) return value.value;
  if (Array.isArray(value)) return value.map((item: KlArgument) => toPlain(item));
  const out: { [key: string]: PlainJson } = {};
  for (const [key, member] of Object.entries(value)) out[key] = toPlain(member);
  return out;
}

/** A decoded record as plain JSON (an object stays an object). */
export function plainRecord(record: KlParams): { [key: string]: PlainJson } {
  return toPlain(record) as { [key: string]: PlainJson };
}
