import type { ConditionNode, FilterNode, KicsQuery, ResourceSpec } from '../../../kics/query/types.ts';

export interface KeyBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/**
 * What a database can apply on the key column (the resource's sort column) before the compiled filter runs. Every
 * part is necessary for a match, never sufficient unless `exact`: a row outside `lower`/`upper` or not in `ids`
 * cannot match the filter.
 */
export interface KeyBounds {
  readonly lower: KeyBound | null;
  readonly upper: KeyBound | null;
  /** The only keys that can match, ascending and within the bounds; null when the filter names no such set. */
  readonly ids: readonly number[] | null;
  /**
   * True when the filter is nothing but these conditions: every row within the bounds matches, so the store can
   * page with OFFSET/LIMIT on the key without evaluating anything.
   */
  readonly exact: boolean;
}

const UNBOUNDED: KeyBounds = { lower: null, upper: null, ids: null, exact: true };

/**
 * The key bounds of a checked query: from the top-level conditions on the key field that are AND-ed with the rest,
 * i.e. those after the last top-level `or` — with the left-to-right fold `((A or B) and C)` only C is necessary
 * (spec Q10). Conditions used: `=`, `>`, `>=`, `<`, `<=`, IsOneOf (the key is never empty, so IsOneOf is a plain
 * set) and IsEmpty (never true of a key: no rows). `<>`, groups and other fields push nothing down.
 */
export function keyBounds<T>(query: KicsQuery, spec: ResourceSpec<T>): KeyBounds {
  if (query.filter === null) return UNBOUNDED;
  const items = query.filter.items;
  const lastOr = items.findLastIndex((item, index) => index > 0 && item.join === 'or');
  const necessary = items.slice(Math.max(lastOr, 0)).map((item) => item.node);
  // With an `or` at index k, the item at k is not necessary either: the fold's value there is `… or item k`.
  const conjuncts = lastOr > 0 ? necessary.slice(1) : necessary;

  const builder = new BoundsBuilder();
  let pushedAll = true;
  for (const node of conjuncts) {
    if (!(isKeyCondition(node, spec) && builder.add(node))) pushedAll = false;
  }
  return builder.build(pushedAll && conjuncts.length === items.length);
}

function isKeyCondition<T>(node: FilterNode, spec: ResourceSpec<T>): node is ConditionNode {
  return node.kind === 'condition' && spec.keyField !== null && node.field === spec.keyField;
}

class BoundsBuilder {
  private lower: KeyBound | null = null;
  private upper: KeyBound | null = null;
  private ids: Set<number> | null = null;

  /** Narrows by one condition on the key; false when the condition cannot be expressed as bounds. */
  add(node: ConditionNode): boolean {
    const value = node.values[0];
    switch (node.condition) {
      case '=':
        this.narrowIds([value as number]);
        return true;
      case 'IsOneOf':
        this.narrowIds(node.values as readonly number[]);
        return true;
      case 'IsEmpty':
        this.narrowIds([]);
        return true;
      case '>':
      case '>=':
        this.narrowLower({ value: value as number, inclusive: node.condition === '>=' });
        return true;
      case '<':
      case '<=':
        this.narrowUpper({ value: value as number, inclusive: node.condition === '<=' });
        return true;
      case '<>':
        return false;
    }
  }

  build(exact: boolean): KeyBounds {
    const within = (id: number): boolean =>
      (this.lower === null || id > this.lower.value || (this.lower.inclusive && id === this.lower.value)) &&
      (this.upper === null || id < this.upper.value || (this.upper.inclusive && id === this.upper.value));
    let ids = this.ids === null ? null : [...this.ids].filter(within).sort((a, b) => a - b);
    if (ids === null && this.lower !== null && this.upper !== null && crossed(this.lower, this.upper))
      ids = [];
    return { lower: this.lower, upper: this.upper, ids, exact };
  }

  private narrowIds(values: readonly number[]): void {
    const next = new Set(values);
    this.ids = this.ids === null ? next : new Set([...this.ids].filter((id) => next.has(id)));
  }

  private narrowLower(bound: KeyBound): void {
    const current = this.lower;
    if (
      current === null ||
      bound.value > current.value ||
      (bound.value === current.value && !bound.inclusive)
    ) {
      this.lower = bound;
    }
  }

  private narrowUpper(bound: KeyBound): void {
    const current = this.upper;
    if (
      current === null ||
      bound.value < current.value ||
      (bound.value === current.value && !bound.inclusive)
    ) {
      this.upper = bound;
    }
  }
}

function crossed(lower: KeyBound, upper: KeyBound): boolean {
  return lower.value > upper.value || (lower.value === upper.value && !(lower.inclusive && upper.inclusive));
}
