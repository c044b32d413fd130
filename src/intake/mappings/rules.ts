/**
 * A mapping is data: per source, one or more shapes (a shape applies to the records it says), each a list of
 * field rules — the output field, what it comes from in words, and the function that computes it. The same list
 * builds the documents and docs/mappings.md, so the documentation cannot drift from the code.
 */
import type { PlainJson } from '../../commands/core/types.ts';
import type { IntakeRecord, MappedDocument, PlainObject, SourceType } from '../types.ts';
import type { MappingLookups } from './identity.ts';

/**
 * What a field is computed from: the record's vendor data, the record itself (key, time, change), and the lookups
 * the pipeline prepared for the record's page (the directory identity of its user).
 */
export type FieldValue = (
  data: PlainObject,
  record: IntakeRecord,
  lookups: MappingLookups,
) => PlainJson | undefined;

export interface FieldRule {
  /** The output field: a dotted path (`event.kind`), or a plain name where the schema's names hold spaces. */
  readonly field: string;
  /** What it comes from, for the documentation: an input field, a constant or a rule in words. */
  readonly from: string;
  readonly value: FieldValue;
}

/** Where a shape applies: a source, or the gap records of any source. */
export type ShapeInput = SourceType | 'gap';

export interface Shape {
  readonly input: ShapeInput;
  /** The records it applies to, in words ("detections", "other events"); empty when it takes them all. */
  readonly when: string;
  readonly applies: (data: PlainObject, record: IntakeRecord) => boolean;
  readonly rules: readonly FieldRule[];
}

export const always = (): boolean => true;

/** A rule of a constant value. */
export function constant(field: string, value: PlainJson): FieldRule {
  return { field, from: `\`${JSON.stringify(value)}\``, value: () => value };
}

/** True when a value carries nothing: such fields are left out rather than emitted empty. */
function isEmpty(value: PlainJson | undefined): value is undefined | null {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/** Dotted paths split once: mapping runs on the hot path of the intake (B1: 100,000 records a second). */
const SEGMENTS = new Map<string, readonly string[]>();

function segmentsOf(path: string): readonly string[] {
  let parts = SEGMENTS.get(path);
  if (parts === undefined) {
    parts = path.split('.');
    SEGMENTS.set(path, parts);
  }
  return parts;
}

/** Sets `path` in a nested document (`a.b.c`), or the flat key itself when `nested` is false. */
function setField(
  document: { [key: string]: PlainJson },
  path: string,
  value: PlainJson,
  nested: boolean,
): void {
  if (!nested) {
    document[path] = value;
    return;
  }
  const parts = segmentsOf(path);
  let at = document;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: { [key: string]: PlainJson } = {};
      at[part] = created;
      at = created;
    } else {
      at = next;
    }
  }
  at[parts[parts.length - 1] as string] = value;
}

/** The record's data: vendor records carry it; a gap's data says what is known of the gap. */
export function dataOf(record: IntakeRecord): PlainObject {
  return record.data;
}

/** The shape that applies to a record: the first of its input that says so. */
export function shapeFor(shapes: readonly Shape[], record: IntakeRecord): Shape | undefined {
  const input: ShapeInput = record.kind === 'gap' ? 'gap' : record.source;
  return shapes.find((shape) => shape.input === input && shape.applies(record.data, record));
}

const NO_LOOKUPS: MappingLookups = {};

/** Builds one document from a shape's rules; fields whose value is empty are left out. */
export function buildDocument(
  shape: Shape,
  record: IntakeRecord,
  options: { readonly nested?: boolean; readonly lookups?: MappingLookups } = {},
): MappedDocument {
  const nested = options.nested ?? true;
  const lookups = options.lookups ?? NO_LOOKUPS;
  const document: { [key: string]: PlainJson } = {};
  for (const rule of shape.rules) {
    const value = rule.value(record.data, record, lookups);
    if (!isEmpty(value)) setField(document, rule.field, value, nested);
  }
  return document;
}
