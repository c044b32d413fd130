/**
 * Checks an answer's keys and value kinds against seed 002's samples (test/emulator/kics/fixtures/sample-keys.ts):
 * the key set exactly, each value of the sample's kind, or null where the model makes the field nullable.
 */
import { expect } from 'vitest';
import { SAMPLE_KEYS, type SampleKind } from '../fixtures/sample-keys.ts';

export type SampleName = keyof typeof SAMPLE_KEYS;

/**
 * Fields the emulator's model (src/kics/model.ts) makes nullable, and for those whose sample shows null,
 * the kind they have when set.
 */
const NULLABLE: Partial<Record<SampleName, Readonly<Record<string, SampleKind>>>> = {
  device: {
    os: 'string',
    networkName: 'string',
    hardwareVendor: 'string',
    hardwareModel: 'string',
    hardwareVersion: 'string',
    softwareVendor: 'string',
    softwareModel: 'string',
    softwareVersion: 'string',
    processControlSettings: 'object',
    epp: 'object',
  },
  event: { endTime: 'string', monitoringPointDeletedTime: 'string' },
  allowRule: { monitoringPointTimestampDeleted: 'string' },
  monitoringPoint: { deletedTime: 'string' },
  // A page echoes the request's offset and limit, null when it gave none (decision 0028).
  page: { offset: 'number', limit: 'number' },
};

/** Keys beside the seed's that a decision documents: the allowing rule's `commands` (decision 0027). */
const EXTRA_KEYS: Partial<Record<SampleName, Readonly<Record<string, SampleKind>>>> = {
  allowRule: { commands: 'string' },
};

export function kindOf(value: unknown): SampleKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const kind = typeof value;
  if (kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'object') return kind;
  throw new Error(`not a JSON value: ${String(value)}`);
}

/** The problems of `value` against the sample `name`; empty when it conforms. */
export function shapeProblems(value: unknown, name: SampleName): string[] {
  if (kindOf(value) !== 'object') return [`${name}: expected an object, got ${kindOf(value)}`];
  const record = value as Record<string, unknown>;
  const expected: Record<string, SampleKind> = { ...SAMPLE_KEYS[name], ...EXTRA_KEYS[name] };
  const problems: string[] = [];
  const missing = Object.keys(expected).filter((key) => !(key in record));
  const extra = Object.keys(record).filter((key) => !(key in expected));
  if (missing.length > 0) problems.push(`${name}: missing ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`${name}: unexpected ${extra.join(', ')}`);
  for (const [key, sampleKind] of Object.entries(expected)) {
    if (!(key in record)) continue;
    const actual = kindOf(record[key]);
    const nullable = NULLABLE[name]?.[key];
    const allowed = new Set<SampleKind>([sampleKind]);
    if (nullable !== undefined) allowed.add('null').add(nullable);
    if (!allowed.has(actual))
      problems.push(`${name}.${key}: ${actual}, expected ${[...allowed].join(' or ')}`);
  }
  return problems;
}

export function expectShape(value: unknown, name: SampleName): void {
  expect(shapeProblems(value, name)).toEqual([]);
}

/** Every item of a list has the sample's shape, and the list is not empty (an empty list proves nothing). */
export function expectListOf(values: unknown, name: SampleName): void {
  expect(Array.isArray(values)).toBe(true);
  const list = values as unknown[];
  expect(list.length).toBeGreaterThan(0);
  expect(list.flatMap((item) => shapeProblems(item, name))).toEqual([]);
}

/** Exact keys of an object whose fields seed 002 does not show (the model's), each of the given kind. */
export function expectKeys(value: unknown, keys: Readonly<Record<string, SampleKind>>): void {
  expect(kindOf(value)).toBe('object');
  const record = value as Record<string, unknown>;
  expect(Object.keys(record).sort()).toEqual(Object.keys(keys).sort());
  for (const [key, kind] of Object.entries(keys)) expect([key, kindOf(record[key])]).toEqual([key, kind]);
}
