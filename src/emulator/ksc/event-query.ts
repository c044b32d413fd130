import { sql } from 'kysely';
import type { ComparisonNode, FilterNode } from '../../ksc/filter/ast.ts';
import {
  FilterSyntaxError,
  parseFilter,
  compileFilter,
  parseQuotedDateTime,
  type FilterPredicate,
} from '../../ksc/filter/index.ts';
import { decodeParams } from '../../ksc/codec.ts';
import { parseWireJson, stringifyWireJson, type WireJson } from '../../wire/json.ts';
import type { KlParams, KlValue } from '../../ksc/values.ts';
import type { OrderSpec } from './args.ts';
import { faults } from './faults.ts';
import { orderRecords } from './records.ts';
import type { KscWorld } from './world.ts';

/** Event attributes of spec §6.3 that a `KLEVP_RFC2254_FILTER` or an ordering may name. */
const EVENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'GNRL_EA_SEVERITY',
  'product_name',
  'product_version',
  'product_displ_version',
  'hostname',
  'task_display_name',
  'hostdn',
  'domain_name',
  'host_id',
  'host_type',
  'group_name',
  'group_id',
  'event_db_id',
  'event_type',
  'event_id',
  'event_type_display_name',
  'GNRL_EA_DESCRIPTION',
  'rise_time',
  'registration_time',
  'task_old_state',
  'task_new_state',
  'task_id',
  'GNRL_COMPLETED_PERCENT',
  'GNRL_EA_ID',
  'event_type_id',
  'KLVSRV_ID',
  ...Array.from({ length: 9 }, (_, i) => `GNRL_EA_PARAM_${i + 1}`),
]);

/** Columns the database can filter and order by without reading the attributes. */
const COLUMN_OF: Readonly<Record<string, 'id' | 'rise_time' | 'severity' | 'event_type' | 'host_id'>> = {
  event_db_id: 'id',
  rise_time: 'rise_time',
  GNRL_EA_SEVERITY: 'severity',
  event_type: 'event_type',
  hostname: 'host_id',
};

export interface EventSelection {
  readonly vserverId: number;
  /** Only events of this host (`CreateEventProcessingForHost`). */
  readonly hostId?: string;
  /** `pFilter` of `CreateEventProcessing2` / `…ForHost2` (spec §6.2), or `{}`. */
  readonly filter: KlParams;
  readonly order: OrderSpec;
  readonly now: number;
}

interface Bounds {
  since?: number;
  until?: number;
}

/** A condition on one column of the events table, applied by the database and, for deletions, in memory. */
export interface ColumnCondition {
  readonly column: 'vserver_id' | 'host_id' | 'rise_time' | 'event_type' | 'severity' | 'id';
  readonly op: '=' | '>=' | '<' | '<=';
  readonly value: string | number;
}

/**
 * The instant a `rise_time` comparison names: `T"…"`, `CURTIME(±s)`, or a quoted date / ISO date-time (rise_time
 * is a datetime, so KSC compares it as one; docs/decisions/0059). Wildcard patterns are not times.
 */
function filterTimeMs(node: ComparisonNode, now: number): number | undefined {
  const value = node.value;
  if (value.kind === 'time') return value.epochMs;
  if (value.kind === 'curtime') return now + value.offsetSeconds * 1000;
  if (value.kind === 'string' && !value.hasWildcards) return parseQuotedDateTime(value.text);
  return undefined;
}

/** Narrows a time window from `(rise_time >= T"…")`-style terms at the top of an RFC filter, for the SQL side. */
function riseTimeBounds(node: FilterNode, now: number, bounds: Bounds): void {
  if (node.kind === 'and') {
    for (const child of node.children) riseTimeBounds(child, now, bounds);
    return;
  }
  if (node.kind !== 'compare' || node.attribute !== 'rise_time' || node.mask !== undefined) return;
  const at = filterTimeMs(node, now);
  if (at === undefined) return;
  if (node.op === '>' || node.op === '>=') bounds.since = Math.max(bounds.since ?? -Infinity, at - 1000);
  if (node.op === '<' || node.op === '<=') bounds.until = Math.min(bounds.until ?? Infinity, at + 1000);
}

/**
 * The RFC filter as conditions on the `rise_time` column, when it is nothing but `rise_time` comparisons joined by
 * `&` (the intake's `(rise_time >= T"…")`); `undefined` otherwise. Exact, not a narrowing: the filter compares
 * whole seconds (`compareTimes` in src/ksc/filter/evaluate.ts) and the stored `rise_time` attribute is the
 * column's milliseconds cut to the second (`formatDateTime`), so `⌊ms/1000⌋ op S` is a range of milliseconds.
 * Without it every remaining event was decoded to test the filter, which made a result set cost its size.
 */
function exactRiseTimeConditions(node: FilterNode, now: number): ColumnCondition[] | undefined {
  if (node.kind === 'all') return [];
  if (node.kind === 'and') {
    const out: ColumnCondition[] = [];
    for (const child of node.children) {
      const part = exactRiseTimeConditions(child, now);
      if (part === undefined) return undefined;
      out.push(...part);
    }
    return out;
  }
  if (node.kind !== 'compare' || node.attribute !== 'rise_time' || node.mask !== undefined) return undefined;
  const at = filterTimeMs(node, now);
  const seconds = at === undefined ? undefined : Math.floor(at / 1000);
  if (seconds === undefined) return undefined;
  const from = seconds * 1000;
  const after = (seconds + 1) * 1000;
  const on = (op: ColumnCondition['op'], value: number): ColumnCondition => ({
    column: 'rise_time',
    op,
    value,
  });
  switch (node.op) {
    case '>=':
      return [on('>=', from)];
    case '>':
      return [on('>=', after)];
    case '<':
      return [on('<', from)];
    case '<=':
      return [on('<', after)];
    case '=':
      return [on('>=', from), on('<', after)];
    case '<>':
      return undefined;
  }
}

function sameValue(actual: KlValue | undefined, wanted: KlValue): boolean {
  if (actual === undefined) return false;
  if (typeof wanted === 'string' && typeof actual === 'string')
    return actual.toLowerCase() === wanted.toLowerCase();
  if (actual instanceof Date && wanted instanceof Date) return actual.getTime() === wanted.getTime();
  if (
    (typeof actual === 'number' || typeof actual === 'bigint') &&
    (typeof wanted === 'number' || typeof wanted === 'bigint')
  ) {
    return BigInt(actual) === BigInt(wanted);
  }
  return actual === wanted;
}

/** The events table's key columns an ordering can name. */
export type KeyColumn = 'rise_time' | 'id';

/** What a selection asks of the database, and what is left to do on the decoded attributes. */
export interface EventPlan {
  /** Every condition the database applies. */
  readonly conditions: readonly ColumnCondition[];
  /** The order the database applies (the event id last, ascending, always); `undefined` when it cannot. */
  readonly sqlOrder: ReadonlyArray<{ readonly column: string; readonly asc: boolean }> | undefined;
  readonly predicate: FilterPredicate | undefined;
  /** Attribute equalities the database cannot test. */
  readonly rest: ReadonlyArray<readonly [string, KlValue]>;
  readonly order: OrderSpec;
}

/** Reads a selection's `pFilter` into conditions for the database and what remains for the attributes. */
export function planEventSelection(selection: EventSelection): EventPlan {
  const equalities: Array<[string, KlValue]> = [];
  let predicate: FilterPredicate | undefined;
  const bounds: Bounds = {};
  const conditions: ColumnCondition[] = [{ column: 'vserver_id', op: '=', value: selection.vserverId }];
  if (selection.hostId !== undefined)
    conditions.push({ column: 'host_id', op: '=', value: selection.hostId });

  for (const [key, value] of Object.entries(selection.filter)) {
    switch (key) {
      case 'KLEVP_RFC2254_FILTER': {
        if (typeof value !== 'string') throw faults.badParameter(key);
        let ast: FilterNode;
        try {
          ast = parseFilter(value, {
            attributes: (name) => EVENT_ATTRIBUTES.has(name) || name.startsWith('GNRL_EA_PARAM_'),
          });
        } catch (error) {
          if (error instanceof FilterSyntaxError) throw faults.filterSyntax(error.message);
          throw error;
        }
        const exact = exactRiseTimeConditions(ast, selection.now);
        if (exact !== undefined) {
          conditions.push(...exact);
          break;
        }
        riseTimeBounds(ast, selection.now, bounds);
        predicate = compileFilter(ast, { now: () => selection.now });
        break;
      }
      case 'KLEVP_EVENT_RISE_TIME_LAST_DAYS': {
        if (typeof value !== 'number' || value < 0) throw faults.badParameter(key);
        bounds.since = Math.max(bounds.since ?? -Infinity, selection.now - value * 86_400_000);
        break;
      }
      case 'EVENT_TYPE':
        equalities.push(['event_type', value]);
        break;
      case 'FILTER_EVENTS_PRODUCT_NAME':
        equalities.push(['product_name', value]);
        break;
      case 'FILTER_EVENTS_VERSION':
        equalities.push(['product_version', value]);
        break;
      case 'FILTER_EVENTS_COMPONENT_NAME':
      case 'FILTER_EVENTS_INSTANCE_ID':
        // The emulated products publish from their main component and one instance; nothing to narrow.
        break;
      case 'EVENT_BODY_FILTER':
        if (typeof value !== 'object' || value === null || value instanceof Date || Array.isArray(value)) {
          throw faults.badParameter(key);
        }
        for (const [name, wanted] of Object.entries(value as KlParams)) equalities.push([name, wanted]);
        break;
      default:
        equalities.push([key, value]);
    }
  }

  if (bounds.since !== undefined) conditions.push({ column: 'rise_time', op: '>=', value: bounds.since });
  if (bounds.until !== undefined) conditions.push({ column: 'rise_time', op: '<=', value: bounds.until });
  const rest: Array<[string, KlValue]> = [];
  for (const [name, wanted] of equalities) {
    if (name === 'event_type' && typeof wanted === 'string')
      conditions.push({ column: 'event_type', op: '=', value: wanted });
    else if (name === 'GNRL_EA_SEVERITY' && typeof wanted === 'number')
      conditions.push({ column: 'severity', op: '=', value: wanted });
    else if (name === 'hostname' && typeof wanted === 'string')
      conditions.push({ column: 'host_id', op: '=', value: wanted });
    else rest.push([name, wanted]);
  }

  const sqlOrder = selection.order.every((o) => COLUMN_OF[o.Name] !== undefined)
    ? [
        ...selection.order.map((o) => ({ column: COLUMN_OF[o.Name]!, asc: o.Asc })),
        { column: 'id', asc: true },
      ]
    : undefined;
  return { conditions, sqlOrder, predicate, rest, order: selection.order };
}

/** The plan's conditions on a query of the events table. */
export function whereConditions<Q extends { where: (...args: never[]) => unknown }>(
  query: Q,
  conditions: readonly ColumnCondition[],
): Q {
  let out = query;
  for (const { column, op, value } of conditions)
    out = (out.where as unknown as (c: string, o: string, v: unknown) => Q)(column, op, value);
  return out;
}

/**
 * The plan's order as key columns, when it orders by nothing but `rise_time` and `event_db_id` (NOT NULL columns
 * a keyset can compare), cut after the event id (unique); `undefined` otherwise.
 */
export function keyOrder(plan: EventPlan): Array<{ column: KeyColumn; asc: boolean }> | undefined {
  if (plan.sqlOrder === undefined) return undefined;
  const out: Array<{ column: KeyColumn; asc: boolean }> = [];
  for (const { column, asc } of plan.sqlOrder) {
    if (column !== 'rise_time' && column !== 'id') return undefined;
    if (out.some((o) => o.column === column)) continue;
    out.push({ column, asc });
    if (column === 'id') break;
  }
  return out;
}

/** True when the database answers the whole selection: no attribute has to be decoded. */
export function answeredByDatabase(plan: EventPlan): boolean {
  return plan.predicate === undefined && plan.rest.length === 0 && plan.sqlOrder !== undefined;
}

/**
 * Selects the ids of the events an EventProcessing iterator will serve, in order. What maps to columns (server,
 * host, time window, type, severity, id order) is done by the database; the rest of `pFilter` (attribute
 * equalities, `EVENT_BODY_FILTER`, the RFC-2254 filter) is evaluated on the decoded attributes.
 */
export async function selectEventIds(world: KscWorld, selection: EventSelection): Promise<number[]> {
  return selectPlannedIds(world, planEventSelection(selection));
}

export async function selectPlannedIds(world: KscWorld, plan: EventPlan): Promise<number[]> {
  let query = whereConditions(world.db.selectFrom('events'), plan.conditions);
  for (const { column, asc } of plan.sqlOrder ?? [{ column: 'id', asc: true }])
    query = query.orderBy(column as 'id', asc ? 'asc' : 'desc');

  if (answeredByDatabase(plan)) {
    const rows = await query.select('id').execute();
    return rows.map((r) => Number(r.id));
  }
  const rows = await query.select(['id', 'attrs']).execute();
  const kept: Array<{ id: number; attrs: KlParams }> = [];
  const { predicate, rest } = plan;
  for (const row of rows) {
    const attrs = decodeParams(parseWireJson(row.attrs));
    if (predicate !== undefined && !predicate(attrs)) continue;
    if (!rest.every(([name, wanted]) => sameValue(attrs[name], wanted))) continue;
    kept.push({ id: Number(row.id), attrs });
  }
  if (plan.sqlOrder === undefined) {
    return orderRecords(kept, plan.order, (k) => k.attrs).map((k) => k.id);
  }
  return kept.map((k) => k.id);
}

const READ_BATCH = 500;
/** A range whose ids span at most this many times their count is read with one range scan. */
const DENSE_FACTOR = 4;

function ascending(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i]! <= ids[i - 1]!) return false;
  return true;
}

/** The stored attribute JSON of each id, in the order of `ids`; `undefined` where an event was deleted. */
async function readAttrs(world: KscWorld, ids: readonly number[]): Promise<Array<string | undefined>> {
  if (ids.length === 0) return [];
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  if (!ascending(ids) || last - first + 1 > ids.length * DENSE_FACTOR) return readScattered(world, ids);
  // Pages of an iterator in id order are dense: one range scan beats many `IN (…)` statements.
  const range = world.db.selectFrom('events').where('id', '>=', first).where('id', '<=', last).orderBy('id');
  if (last - first + 1 === ids.length) {
    // A contiguous range that came back whole is the answer as it is, without reading the ids.
    const whole = await world.store.pluck<string>(range.select('attrs').compile());
    if (whole.length === ids.length) return whole;
  }
  const rows = await world.store.rows<[number | string, string]>(range.select(['id', 'attrs']).compile());
  const out = new Array<string | undefined>(ids.length);
  // Both lists ascend: walk them together instead of building a map.
  let r = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    while (r < rows.length && Number(rows[r]![0]) < id) r++;
    const row = rows[r];
    out[i] = row !== undefined && Number(row[0]) === id ? row[1] : undefined;
  }
  return out;
}

async function readScattered(world: KscWorld, ids: readonly number[]): Promise<Array<string | undefined>> {
  const byId = new Map<number, string>();
  for (let i = 0; i < ids.length; i += READ_BATCH) {
    const slice = ids.slice(i, i + READ_BATCH);
    const rows = await world.db
      .selectFrom('events')
      .select(['id', 'attrs'])
      .where('id', 'in', slice)
      .execute();
    for (const row of rows) byId.set(Number(row.id), row.attrs);
  }
  return ids.map((id) => byId.get(id));
}

/**
 * A whole contiguous page, every event present, as one string built by PostgreSQL: one field crosses the wire
 * instead of thousands of rows, and the driver parses one value. (On SQLite, in-process, the same aggregate was
 * measured slower than joining in JavaScript, so it is not used there.) `undefined` when the page has gaps.
 */
async function readContiguousPage(world: KscWorld, ids: readonly number[]): Promise<string | undefined> {
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  if (last - first + 1 !== ids.length) return undefined;
  const joined = sql<string>`string_agg('{"type":"params","value":' || attrs || '}', ',' ORDER BY id)`;
  const row = await world.db
    .selectFrom('events')
    .select([sql<number>`count(*)`.as('count'), joined.as('page')])
    .where('id', '>=', first)
    .where('id', '<=', last)
    .executeTakeFirst();
  return row !== undefined && Number(row.count) === ids.length ? (row.page ?? '') : undefined;
}

/**
 * Reads events by id and returns them as the JSON of a KLOAPI array's items (`{"type":"params",…},…`), in the
 * order of `ids`. Without a field list the stored JSON is used as it is, which keeps large ranges cheap.
 */
export async function readEventsJson(
  world: KscWorld,
  ids: readonly number[],
  fields: readonly string[],
): Promise<string> {
  if (ids.length === 0) return '';
  if (fields.length === 0 && world.store.kind === 'postgres' && ascending(ids)) {
    const page = await readContiguousPage(world, ids);
    if (page !== undefined) return page;
  }
  const attrs = await readAttrs(world, ids);
  const out: string[] = [];
  for (const json of attrs) {
    // Deleted since the iterator was made (the store trims its oldest events): skipped, as KSC does.
    if (json === undefined) continue;
    out.push(`{"type":"params","value":${fields.length === 0 ? json : pickJson(json, fields)}}`);
  }
  return out.join(',');
}

function pickJson(attrs: string, fields: readonly string[]): string {
  const all = parseWireJson(attrs) as { [key: string]: WireJson };
  const picked: { [key: string]: WireJson } = {};
  for (const field of fields) {
    const value = all[field];
    if (value !== undefined) picked[field] = value;
  }
  return stringifyWireJson(picked);
}
