import { findField } from './resources.ts';
import { parseDocumentTime } from './time.ts';
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
} from './types.ts';

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
  const normalise = normaliserOf(field.type.kind);
  const constants = node.values.map((value) => constantOf(value, field.type.kind));

  switch (node.condition) {
    case 'IsEmpty':
      return anyEmpty(field);
    case 'IsOneOf': {
      const set = new Set<Comparable>(constants);
      const isEmpty = anyEmpty(field);
      const inSet = anyValue(field, normalise, (v) => set.has(v));
      return (doc) => isEmpty(doc) || inSet(doc);
    }
    case '<>': {
      const equal = anyValue(field, normalise, equalTo(constants[0]));
      return (doc) => !equal(doc);
    }
    case '=':
      return anyValue(field, normalise, equalTo(constants[0]));
    default:
      return anyValue(field, normalise, orderedTest(node.condition, constants[0]));
  }
}

function equalTo(constant: Comparable | undefined): (value: Comparable) => boolean {
  return (value) => value === constant;
}

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

/** True when some value of the field, made comparable, passes `test`; null and unreadable values never pass. */
function anyValue<T>(
  field: FieldSpec<T>,
  normalise: (value: FieldValue) => Comparable | null,
  test: (value: Comparable) => boolean,
): DocumentPredicate<T> {
  const scalar = field.scalar;
  if (scalar !== undefined) {
    return (doc) => {
      const value = normalise(scalar(doc));
      return value !== null && test(value);
    };
  }
  return (doc) => {
    for (const raw of field.values(doc)) {
      const value = normalise(raw);
      if (value !== null && test(value)) return true;
    }
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
    case 'enum':
      return (value) => (typeof value === 'string' ? value.toLowerCase() : null);
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
