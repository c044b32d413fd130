import { formatDateTime } from '../../../ksc/codec.ts';
import type { WireJson } from '../../../wire/json.ts';
import {
  isEmptyDateTime,
  KlDate,
  KlDouble,
  KlFloat,
  type KlArgument,
  type KlParams,
} from '../../../ksc/values.ts';
import type { PlainJson } from '../../core/types.ts';

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

/** The records of a wire iterator array (`{"KLCSP_ITERATOR_ARRAY": [{"type": "params", "value": …}]}`). */
export function wireRecords(container: WireJson | undefined, key: string): WireJson[] {
  if (container === null || typeof container !== 'object' || Array.isArray(container)) return [];
  const items = container[key];
  return Array.isArray(items) ? items : [];
}

/** `{"type": "params", "value": {…}}` → `{…}`; anything else as it is. */
export function unwrapParams(item: WireJson): WireJson {
  if (item !== null && typeof item === 'object' && !Array.isArray(item) && item['type'] === 'params') {
    return item['value'] ?? null;
  }
  return item;
}

/** Adds members to a wire params item (D3's enrichments), keeping its wrapper. */
export function enrichWire(item: WireJson, extra: { readonly [key: string]: WireJson }): WireJson {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  if (item['type'] === 'params') {
    const value = item['value'];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { ...item, value: { ...value, ...extra } };
    }
  }
  return { ...item, ...extra };
}
