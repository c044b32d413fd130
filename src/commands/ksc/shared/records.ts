import type { KlArgument, KlParams } from '../../../ksc/values.ts';
import { toPlain } from './plain.ts';

/** A number as KSC sends it (an int, or a long, converted even beyond 2^53), or undefined when it is none. */
export function numericValue(value: KlArgument | undefined): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : undefined;
}

/** A string attribute of a decoded record, or '' where it has none (arrays built from it stay aligned). */
export function textAttr(record: KlParams | undefined, name: string): string {
  const value = record?.[name];
  return typeof value === 'string' ? value : '';
}

/** A string attribute of a record, or nothing (for `flatMap`, where a record without it leaves no gap). */
export function textOf(record: KlParams, name: string): string[] {
  const value = record[name];
  return typeof value === 'string' ? [value] : [];
}

/** A number attribute of a record (an int, or a long that fits), or nothing. */
export function numberOf(record: KlParams, name: string): number[] {
  const value = toPlain(record[name]);
  return typeof value === 'number' ? [value] : [];
}

/** A datetime attribute of a record as ISO text, or nothing. */
export function isoTimeOf(record: KlParams, name: string): string[] {
  const value = record[name];
  return value instanceof Date && !Number.isNaN(value.getTime()) ? [toPlain(value) as string] : [];
}

/** A datetime attribute of a record as epoch ms, or undefined when it has none. */
export function epochMsOf(record: KlParams | undefined, name: string): number | undefined {
  const value = record?.[name];
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : undefined;
}
