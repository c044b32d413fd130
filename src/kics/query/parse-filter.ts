import { IncorrectParametersError } from './errors.ts';
import { findMember, isObject, type JsonObject } from './members.ts';
import { findField } from './resources.ts';
import type {
  ConditionNode,
  ConditionOperator,
  ConstantValue,
  FilterNode,
  GroupItem,
  GroupNode,
  LogicalOperator,
  ResourceSpec,
} from './types.ts';
import { coerceValue } from './values.ts';

/** "The maximum nesting of groups is three levels, including the first" (seed; spec Q9). */
export const MAX_FILTER_DEPTH = 3;

const CONDITIONS: readonly ConditionOperator[] = ['=', '<>', '>', '>=', '<', '<=', 'IsEmpty', 'IsOneOf'];
const ORDERING: ReadonlySet<ConditionOperator> = new Set(['>', '>=', '<', '<=']);

/** A parsed item and the operator that joins it to its left neighbour. */
interface Joined {
  readonly node: FilterNode;
  readonly join: LogicalOperator;
}

/**
 * The `filter` member of a query argument as a checked group, or null when it holds no conditions (absent, null,
 * `[]`: everything matches). Each refusal names the offending part: `filter[1][0].field`, `filter[2].value[1]`.
 */
export function parseFilter<T>(filter: unknown, spec: ResourceSpec<T>): GroupNode | null {
  if (filter === undefined || filter === null) return null;
  if (!Array.isArray(filter)) throw new IncorrectParametersError('filter', filter);
  if (filter.length === 0) return null;
  return parseGroup(filter, 'filter', 1, spec).node;
}

interface JoinedGroup extends Joined {
  readonly node: GroupNode;
}

/**
 * A group: its items folded left to right (spec Q10). The operator of its first item is the group's own, joining
 * it to its left neighbour (seed rule); inside the group the first item has nothing to its left.
 */
function parseGroup<T>(
  items: readonly unknown[],
  path: string,
  level: number,
  spec: ResourceSpec<T>,
): JoinedGroup {
  const parsed = items.map((item, index) => parseItem(item, `${path}[${index}]`, level, spec));
  const first = parsed[0];
  if (first === undefined) throw new IncorrectParametersError(path, items);
  const groupItems: GroupItem[] = parsed.map((item, index) => ({
    join: index === 0 ? 'and' : item.join,
    node: item.node,
  }));
  return { node: { kind: 'group', items: groupItems }, join: first.join };
}

function parseItem<T>(item: unknown, path: string, level: number, spec: ResourceSpec<T>): Joined {
  if (Array.isArray(item)) {
    if (level >= MAX_FILTER_DEPTH) throw new IncorrectParametersError(path, item);
    return parseGroup(item, path, level + 1, spec);
  }
  if (!isObject(item)) throw new IncorrectParametersError(path, item);
  return parseCondition(item, path, spec);
}

function parseCondition<T>(item: JsonObject, path: string, spec: ResourceSpec<T>): Joined {
  const fieldMember = findMember(item, ['field']);
  const fieldName = fieldMember?.value;
  const field = typeof fieldName === 'string' ? findField(spec, fieldName) : undefined;
  if (field === undefined)
    throw new IncorrectParametersError(`${path}.${fieldMember?.key ?? 'field'}`, fieldName);

  const conditionMember = findMember(item, ['condition']);
  const condition = parseConditionOperator(conditionMember?.value);
  const conditionPath = `${path}.${conditionMember?.key ?? 'condition'}`;
  if (condition === undefined) throw new IncorrectParametersError(conditionPath, conditionMember?.value);
  const orderable =
    field.type.kind === 'integer' || field.type.kind === 'number' || field.type.kind === 'datetime';
  if (ORDERING.has(condition) && !orderable)
    throw new IncorrectParametersError(conditionPath, conditionMember?.value);

  const operatorMember = findMember(item, ['operator']);
  const join = parseLogicalOperator(operatorMember?.value);
  if (join === undefined) {
    throw new IncorrectParametersError(`${path}.${operatorMember?.key ?? 'operator'}`, operatorMember?.value);
  }

  const valueMember = findMember(item, ['value']);
  const valuePath = `${path}.${valueMember?.key ?? 'value'}`;
  const raw = valueMember?.value;
  let values: readonly ConstantValue[];
  if (condition === 'IsEmpty') {
    values = []; // "The value in the value array is ignored."
  } else if (condition === 'IsOneOf') {
    // A lone value is a list of one; an empty list leaves only the empty values to match (spec Q11).
    values = Array.isArray(raw)
      ? raw.map((element, index) => coerceValue(field.type, element, `${valuePath}[${index}]`))
      : [coerceValue(field.type, raw, valuePath)];
  } else {
    values = [coerceValue(field.type, raw, valuePath)];
  }
  const node: ConditionNode = { kind: 'condition', field: field.name, condition, values };
  return { node, join };
}

function parseConditionOperator(value: unknown): ConditionOperator | undefined {
  if (value === undefined || value === null) return '=';
  if (typeof value !== 'string') return undefined;
  const wanted = value.trim().toLowerCase();
  return CONDITIONS.find((condition) => condition.toLowerCase() === wanted);
}

function parseLogicalOperator(value: unknown): LogicalOperator | undefined {
  if (value === undefined || value === null) return 'and';
  if (typeof value !== 'string') return undefined;
  const wanted = value.trim().toLowerCase();
  return wanted === 'and' || wanted === 'or' ? wanted : undefined;
}
