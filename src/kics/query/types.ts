/**
 * The shapes of a KICS query argument once checked (spec §4): a filter tree with every name resolved and every
 * constant typed, one sort column, and the paging values as the request gave them.
 */

/** One value a document holds for a filter field; `null` (and `""`) is an empty value. */
export type FieldValue = string | number | boolean | null;

/** The value types of filter fields. `enum` carries its members (the JSON spellings) and the aliases it accepts. */
export type FieldType =
  | { readonly kind: 'integer' }
  | { readonly kind: 'number' }
  | { readonly kind: 'string' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly name: string; readonly members: readonly string[] };

export type FieldKind = FieldType['kind'];

/**
 * One filterable field of a resource. `values` returns every value the document holds for it (an empty array
 * when it holds none): a condition is true when any of them satisfies it (spec Q16). `scalar`, present on fields
 * that hold exactly one value, returns it without allocating an array: the compiled filter's fast path.
 */
export interface FieldSpec<T> {
  /** The name as the seed spells it (`addressInformation:ipAddress`, `IsActive`); matched case-insensitively. */
  readonly name: string;
  readonly type: FieldType;
  readonly values: (doc: T) => readonly FieldValue[];
  readonly scalar?: (doc: T) => FieldValue;
}

export const QUERY_RESOURCES = [
  'allow-rules',
  'application-messages',
  'audit-messages',
  'devices',
  'events',
  'tags',
  'vulnerabilities',
] as const;
export type QueryResource = (typeof QUERY_RESOURCES)[number];

/** What the query argument of one `…/query` operation may name, and how to read it from a document. */
export interface ResourceSpec<T> {
  readonly resource: QueryResource;
  /** The filter fields, in the seed's order. */
  readonly fields: readonly FieldSpec<T>[];
  /** The one sort column the seed allows (`id`; `assetVulnerabilityId` for vulnerabilities). */
  readonly sortColumn: string;
  /** The document's value in the sort column: its key, unique per resource. */
  readonly key: (doc: T) => number;
  /** The filter field that reads the key (so bounds on it can go to a database), or null if none does. */
  readonly keyField: string | null;
}

export type ComparisonOperator = '=' | '<>' | '>' | '>=' | '<' | '<=';
export type ConditionOperator = ComparisonOperator | 'IsEmpty' | 'IsOneOf';
export type LogicalOperator = 'and' | 'or';

/** A filter constant after coercion: numbers for integer/number, epoch ms for datetime, the member for enum. */
export type ConstantValue = string | number | boolean;

export interface ConditionNode {
  readonly kind: 'condition';
  /** The field's name as the resource spells it (not as the request did). */
  readonly field: string;
  readonly condition: ConditionOperator;
  /** One constant for comparisons, the list for IsOneOf, none for IsEmpty. */
  readonly values: readonly ConstantValue[];
}

export interface GroupNode {
  readonly kind: 'group';
  /**
   * The items in order, each with the operator joining it to what the items before it fold to (spec Q10:
   * left to right, no precedence). The first item's `join` is `and` and means nothing.
   */
  readonly items: readonly GroupItem[];
}

export interface GroupItem {
  readonly join: LogicalOperator;
  readonly node: FilterNode;
}

export type FilterNode = ConditionNode | GroupNode;

export interface SortOrder {
  readonly column: string;
  readonly descending: boolean;
}

/** A checked query argument. */
export interface KicsQuery {
  /** The top-level group, or null when the request has no conditions (everything matches). */
  readonly filter: GroupNode | null;
  /** Always set: a request without sort gets the sort column ascending (spec Q2). */
  readonly sort: SortOrder;
  /** As the request gave them (null when absent), for the page to echo (spec Q6). */
  readonly offset: number | null;
  readonly limit: number | null;
}
