import type { KlValue } from '../../../src/ksc/values.ts';

export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
export const DAY_MS = 86_400_000;

/** JSON of records with bigints and Dates spelled out, for byte-for-byte comparisons. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    return v;
  });
}

export function dateOf(value: KlValue | undefined): number {
  if (!(value instanceof Date)) throw new Error(`expected a Date, got ${String(value)}`);
  return value.getTime();
}

export function numberOf(value: KlValue | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`expected a number, got ${String(value)}`);
}

export const bit = (mask: number, n: number): boolean => (mask & (1 << n)) !== 0;
