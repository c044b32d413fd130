import { findField } from '../../../kics/query/resources.ts';
import { parseDocumentTime } from '../../../kics/query/time.ts';
import type {
  ConditionNode,
  ConstantValue,
  FieldKind,
  FieldSpec,
  FieldValue,
  FilterNode,
  GroupNode,
  KicsQuery,
  ResourceSpec,
} from '../../../kics/query/types.ts';

export type DocumentPredicate<T> = (doc: T) => boolean;

/** A document value made comparable with the constants: lower-cased text, epoch ms, a number or a boolean. */
type Comparable = string | number | boolean;

/**
 * Compiles a checked query's filter into a predicate over documents. All the work that does not depend on the
 * document happens here, once: field look-ups, lower-casing of text constants, constant sets for IsOneOf (the
 * constants' times are already epoch ms). Semantics (docs/decisions/0028-kics-query-argument.md):
 *
 * - a condition is true when any of the field's values satisfies it (spec Q16); `<>` is the negation of `=`
 *   (no value equals, so a document without values passes);
 * - text and enum members compare case-insensitively, times as instants (zone-less document times are UTC);
 * - a value is empty when it is null or `""`; a field is empty when it has no values or an empty one (Q12);
 *   IsOneOf is true for an empty field or any value in the list (Q11, literally);
 * - items of a group fold left to right with their operators (Q10).
 */
export function compileFilter<T>(query: KicsQuery, spec: ResourceSpec<T>): DocumentPredicate<T> {
  if (query.filter === null) return () => true;
  return compileGroup(query.filter, spec);
}

function compileNode<T>(node: FilterNode, spec: ResourceSpec<T>): DocumentPredicate<T> {
  return node.kind === 'group' ? compileGroup(node, spec) : compileCondition(node, spec);
}

function compileGroup<T>(group: GroupNode, spec: ResourceSpec<T>): DocumentPredicate<T> {
  const predicates = group.items.map((item) => compileNode(item.node, spec));
  const joins = group.items.map((item) => item.join);
  if (predicates.length === 1) return predicates[0] as DocumentPredicate<T>;
  if (joins.slice(1).every((join) => join === 'and')) return (doc) => predicates.every((p) => p(doc));
  if (joins.slice(1).every((join) => join === 'or')) return (doc) => predicates.some((p) => p(doc));
  const isAnd = joins.map((join) => join === 'and');
  return (doc) => {
    let result = (predicates[0] as DocumentPredicate<T>)(doc);
    for (let i = 1; i < predicates.length; i += 1) {
      // Short-circuit: `false and x` and `true or x` need not evaluate x.
      if (result !== isAnd[i]) continue;
      result = (predicates[i] as DocumentPredicate<T>)(doc);
    }
    return result;
  };
}

function compileCondition<T>(node: ConditionNode, spec: ResourceSpec<T>): DocumentPredicate<T> {
  const field = findField(spec, node.field);
  if (field === undefined) throw new Error(`compileFilter: ${spec.resource} has no field ${node.field}`);
  const kind = field.type.kind;
  const normalise = normaliserOf(kind);
  const constants = node.values.map((value) => constantOf(value, kind));
  const first = constants[0];

  switch (node.condition) {
    case 'IsEmpty':
      return anyEmpty(field);
    case 'IsOneOf': {
      const set = new Set<Comparable>(constants);
      const isEmpty = anyEmpty(field);
      const inSet = anyValue(field, (raw) => {
        const value = normalise(raw);
        return value !== null && set.has(value);
      });
      return (doc) => isEmpty(doc) || inSet(doc);
    }
    case '<>': {
      const equal = anyValue(field, equalityTest(kind, normalise, first));
      return (doc) => !equal(doc);
    }
    case '=':
      return anyValue(field, equalityTest(kind, normalise, first));
    default: {
      const test = orderedTest(node.condition, first);
      return anyValue(field, (raw) => {
        const value = normalise(raw);
        return value !== null && test(value);
      });
    }
  }
}

/** Whether a raw document value equals the constant, made comparable. */
function equalityTest(
  kind: FieldKind,
  normalise: (value: FieldValue) => Comparable | null,
  constant: Comparable | undefined,
): (raw: FieldValue) => boolean {
  if (kind === 'string' && typeof constant === 'string' && ASCII.test(constant)) {
    // Lower-casing keeps the length of any text that can equal ASCII text, so unequal lengths need no lower-casing.
    const length = constant.length;
    return (raw) => typeof raw === 'string' && raw.length === length && raw.toLowerCase() === constant;
  }
  return (raw) => normalise(raw) === constant;
}

// eslint-disable-next-line no-control-regex -- the ASCII range is the point of this pattern
const ASCII = /^[\u0000-\u007f]*$/;

function orderedTest(
  condition: '>' | '>=' | '<' | '<=',
  constant: Comparable | undefined,
): (v: Comparable) => boolean {
  const c = constant as number;
  switch (condition) {
    case '>':
      return (v) => (v as number) > c;
    case '>=':
      return (v) => (v as number) >= c;
    case '<':
      return (v) => (v as number) < c;
    case '<=':
      return (v) => (v as number) <= c;
  }
}

/** True when some raw value of the field passes `test`. */
function anyValue<T>(field: FieldSpec<T>, test: (raw: FieldValue) => boolean): DocumentPredicate<T> {
  const scalar = field.scalar;
  if (scalar !== undefined) return (doc) => test(scalar(doc));
  return (doc) => {
    for (const raw of field.values(doc)) if (test(raw)) return true;
    return false;
  };
}

function anyEmpty<T>(field: FieldSpec<T>): DocumentPredicate<T> {
  const scalar = field.scalar;
  if (scalar !== undefined) return (doc) => isEmptyValue(scalar(doc));
  return (doc) => {
    const values = field.values(doc);
    return values.length === 0 || values.some(isEmptyValue);
  };
}

export function isEmptyValue(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}

function normaliserOf(kind: FieldKind): (value: FieldValue) => Comparable | null {
  switch (kind) {
    case 'string':
      return (value) => (typeof value === 'string' ? value.toLowerCase() : null);
    case 'enum': {
      // A handful of distinct spellings over millions of documents: remember each one's lower case.
      const lowered = new Map<string, string>();
      return (value) => {
        if (typeof value !== 'string') return null;
        let lower = lowered.get(value);
        if (lower === undefined) {
          lower = value.toLowerCase();
          if (lowered.size < 1024) lowered.set(value, lower);
        }
        return lower;
      };
    }
    case 'datetime':
      return (value) => {
        if (typeof value !== 'string') return null;
        const ms = parseDocumentTime(value);
        return Number.isNaN(ms) ? null : ms;
      };
    case 'integer':
    case 'number':
      return (value) => (typeof value === 'number' ? value : null);
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? value : null);
  }
}

function constantOf(value: ConstantValue, kind: FieldKind): Comparable {
  return (kind === 'string' || kind === 'enum') && typeof value === 'string' ? value.toLowerCase() : value;
}
