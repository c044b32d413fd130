import type { ComparisonNode, FilterNode } from '../../ksc/filter/ast.ts';
import {
  compileFilter,
  FilterSyntaxError,
  parseFilter,
  type FilterPredicate,
} from '../../ksc/filter/index.ts';
import type { KlParams, KlValue } from '../../ksc/values.ts';
import type { OrderSpec } from './args.ts';
import { faults } from './faults.ts';

/**
 * Search over in-memory records, as `FindHosts`, `FindGroups`, `FindUsers` and `SrvView` do: parse the filter
 * against the attributes the record type knows (unknown ones are a position error, like KSC's), rewrite the
 * search-only attributes into ones records carry, compile once, then filter, order and project.
 */

/** A search-only attribute, rewritten into a filter over stored attributes before evaluation. */
export type FilterRewrite = (node: ComparisonNode) => FilterNode;

export interface SearchableType {
  /** Attributes a filter may name (stored and search-only). */
  readonly attributes: ReadonlySet<string>;
  readonly rewrites?: Readonly<Record<string, FilterRewrite>>;
}

function rewrite(node: FilterNode, rewrites: Readonly<Record<string, FilterRewrite>>): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map((child) => rewrite(child, rewrites)) };
    case 'not':
      return { kind: 'not', child: rewrite(node.child, rewrites) };
    case 'compare': {
      const fn = rewrites[node.attribute];
      return fn === undefined ? node : fn(node);
    }
    default:
      return node;
  }
}

/** Names every attribute a filter refers to, so callers compute derived attributes only when needed. */
export function referencedAttributes(node: FilterNode, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const child of node.children) referencedAttributes(child, into);
      break;
    case 'not':
      referencedAttributes(node.child, into);
      break;
    case 'compare':
      into.add(node.attribute);
      break;
    default:
      break;
  }
  return into;
}

export interface CompiledSearch {
  readonly predicate: FilterPredicate;
  readonly referenced: ReadonlySet<string>;
}

/** Parses and compiles a KSC filter for a record type; syntax errors become the KSC `Pos N. …` fault. */
export function compileSearch(text: string, type: SearchableType, now: () => number): CompiledSearch {
  let ast: FilterNode;
  try {
    ast = parseFilter(text, { attributes: type.attributes });
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw faults.filterSyntax(error.message);
    throw error;
  }
  const prepared = type.rewrites === undefined ? ast : rewrite(ast, type.rewrites);
  return { predicate: compileFilter(prepared, { now }), referenced: referencedAttributes(prepared) };
}

function compareValues(a: KlValue | undefined, b: KlValue | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = a instanceof Date ? a.getTime() : typeof a === 'boolean' ? Number(a) : a;
  const y = b instanceof Date ? b.getTime() : typeof b === 'boolean' ? Number(b) : b;
  if ((typeof x === 'number' || typeof x === 'bigint') && (typeof y === 'number' || typeof y === 'bigint')) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

/** Orders records by `vecFieldsToOrder` (stable: ties keep their order). */
export function orderRecords<T>(items: T[], order: OrderSpec, view: (item: T) => KlParams): T[] {
  if (order.length === 0) return items;
  return items
    .map((item, index) => ({ item, index, attrs: view(item) }))
    .sort((p, q) => {
      for (const { Name, Asc } of order) {
        const c = compareValues(p.attrs[Name], q.attrs[Name]);
        if (c !== 0) return Asc ? c : -c;
      }
      return p.index - q.index;
    })
    .map((entry) => entry.item);
}

/** Keeps only the requested attributes that have a value: KSC omits attributes without one. */
export function project(attributes: KlParams, fields: readonly string[]): KlParams {
  const out: Record<string, KlValue> = {};
  for (const field of fields) {
    const value = attributes[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}
