/** Checks documents against the field definitions of the installed @elastic/ecs package (EcsFlat). */
import { isIP } from 'node:net';
import { EcsFlat } from '@elastic/ecs';
import type { PlainJson } from '../../../../src/commands/core/types.ts';

interface EcsField {
  readonly type: string;
  readonly normalize: readonly string[];
  readonly allowed_values?: ReadonlyArray<{
    readonly name: string;
    readonly expected_event_types?: readonly string[];
  }>;
}

const FIELDS = EcsFlat as unknown as Readonly<Record<string, EcsField>>;

const STRING_TYPES = new Set([
  'keyword',
  'constant_keyword',
  'wildcard',
  'match_only_text',
  'text',
  'flattened',
]);
const INTEGER_TYPES = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const FLOAT_TYPES = new Set(['float', 'double', 'scaled_float', 'half_float']);

function fits(type: string, value: PlainJson): boolean {
  if (STRING_TYPES.has(type)) return typeof value === 'string';
  if (INTEGER_TYPES.has(type)) return Number.isSafeInteger(value);
  if (FLOAT_TYPES.has(type)) return typeof value === 'number';
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'date')
    return typeof value === 'string' && /\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
  if (type === 'ip') return typeof value === 'string' && isIP(value) !== 0;
  return false;
}

/** Leaf fields of a nested document as dotted paths (arrays of scalars are leaves). */
function leaves(document: { readonly [key: string]: PlainJson }, prefix = ''): Array<[string, PlainJson]> {
  return Object.entries(document).flatMap(([key, value]): Array<[string, PlainJson]> => {
    const path = `${prefix}${key}`;
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      FIELDS[path]?.type !== 'object'
    ) {
      return leaves(value, `${path}.`);
    }
    return [[path, value]];
  });
}

/** Problems of one ECS document: undefined fields, wrong types, values not allowed. Empty when it conforms. */
export function ecsProblems(document: { readonly [key: string]: PlainJson }): string[] {
  const problems: string[] = [];
  for (const [path, value] of leaves(document)) {
    const field = FIELDS[path];
    if (field === undefined) {
      problems.push(`${path}: not an ECS field`);
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && !field.normalize.includes('array'))
      problems.push(`${path}: not an array field`);
    for (const item of values) {
      if (field.type === 'object') continue;
      if (!fits(field.type, item)) problems.push(`${path}: ${JSON.stringify(item)} is not a ${field.type}`);
      if (field.allowed_values !== undefined && !field.allowed_values.some((a) => a.name === item)) {
        problems.push(`${path}: ${JSON.stringify(item)} is not an allowed value`);
      }
    }
  }
  // Each event.type is one ECS expects for one of the document's categories.
  const event = document['event'] as { readonly [key: string]: PlainJson } | undefined;
  const categories = (event?.['category'] ?? []) as string[];
  const types = (event?.['type'] ?? []) as string[];
  const allowed = FIELDS['event.category']?.allowed_values ?? [];
  for (const type of types) {
    const expected = categories.some((c) =>
      allowed.find((a) => a.name === c)?.expected_event_types?.includes(type),
    );
    if (!expected) problems.push(`event.type ${type}: expected for none of ${categories.join(', ')}`);
  }
  return problems;
}
