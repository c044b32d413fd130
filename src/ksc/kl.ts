import { Buffer } from 'node:buffer';
import { parseDateTime } from './codec.ts';
import { KlValueError } from './codec-errors.ts';
import { INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, KlDate, KlDouble, KlFloat } from './values.ts';

/**
 * Constructors that make the KLOAPI type of a value explicit and check it at once, so a mistake is reported
 * where the value is built rather than when the request is sent.
 *
 * @example
 * await client.call('HostGroup.FindHosts', { wstrFilter: '', vecFieldsToReturn: ['KLHST_WKS_DN'], lMaxLifeTime: kl.int(100) });
 * const params = { KLHST_WKS_IP_LONG: kl.long('3232235777'), KLHST_WKS_LAST_VISIBLE: kl.datetime('2024-05-01T10:00:00Z') };
 */
export const kl = Object.freeze({
  /** A 32-bit signed integer. */
  int(value: number): number {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new KlValueError('', `${value} is not a 32-bit int`);
    }
    return value;
  },
  /** A 64-bit signed integer, from a bigint, a safe integer number or a decimal string. */
  long(value: bigint | number | string): bigint {
    let result: bigint;
    if (typeof value === 'bigint') result = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) result = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value)) result = BigInt(value);
    else throw new KlValueError('', `${String(value)} is not an exact integer`);
    if (result < INT64_MIN || result > INT64_MAX)
      throw new KlValueError('', `${result} does not fit a 64-bit long`);
    return result;
  },
  float(value: number): KlFloat {
    return new KlFloat(value);
  },
  double(value: number): KlDouble {
    return new KlDouble(value);
  },
  /** A calendar date, from `YYYY-MM-DD` or the UTC date of a Date. */
  date(value: string | Date): KlDate {
    const text = typeof value === 'string' ? value : value.toISOString().slice(0, 10);
    parseDateTime(`${text}T00:00:00Z`);
    return new KlDate(text);
  },
  /** A datetime, from a Date or a KLOAPI datetime string (`""` is the empty datetime). */
  datetime(value: Date | string): Date {
    return typeof value === 'string' ? parseDateTime(value) : value;
  },
  /** Binary data, from bytes or a base64 string. */
  binary(value: Uint8Array | string): Uint8Array {
    return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : value;
  },
});
