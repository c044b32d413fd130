/**
 * An EventProcessing result set that the database answers by key instead of holding every id (issue 18, B7).
 *
 * A result set is the events that matched at its creation, in its order; `GetRecordRange(nStart, nEnd)` serves
 * positions of that list and skips the events deleted since (spec §6.1; decisions: `GetRecordRange`). Holding the
 * list made creation cost the whole remaining history — a resumed intake paid seconds for it. Here the list is
 * defined instead of stored: the selection's conditions plus `id ≤ M`, where M is the highest matching id at
 * creation (ids only grow, so later events fall outside). Creation is one count; a page that continues where the
 * last one ended is one keyset read from the index, any other page an offset read.
 *
 * The definition holds only while no event of the list is deleted. Deletions happen in two places — the store
 * trimming its oldest events, and a reset — and the world announces both before they happen: a result set whose
 * events are about to go takes its id list then (what every result set did at creation before), and from there
 * on serves pages exactly as that list does.
 */
import { sql, type ExpressionBuilder } from 'kysely';
import type { EmulatorSchema } from './store/schema.ts';
import {
  keyOrder,
  readEventsJson,
  selectPlannedIds,
  whereConditions,
  type ColumnCondition,
  type EventPlan,
  type KeyColumn,
} from './event-query.ts';
import type { EventDeletion, KscWorld } from './world.ts';

type Order = ReadonlyArray<{ readonly column: KeyColumn; readonly asc: boolean }>;
type Key = Readonly<Record<KeyColumn, number>>;

/** Where the last page ended: the next position and the key of the event before it. */
interface Continuation {
  readonly offset: number;
  readonly key: Key;
}

export class EventSnapshot {
  /** Set once events of the list are about to be deleted: from then on the list itself. */
  private ids: readonly number[] | undefined;
  private continuation: Continuation | undefined;
  /** A deletion was announced while the snapshot was being made: its count may predate it. */
  private disturbed = false;
  private counting = true;
  private released = false;

  private constructor(
    private readonly world: KscWorld,
    private readonly plan: EventPlan,
    private readonly order: Order,
    readonly fields: readonly string[],
    private conditions: readonly ColumnCondition[],
    private countAtCreation: number,
  ) {}

  /**
   * A result set for a plan the database answers alone and orders by key (`keyOrder`); `undefined` for any other,
   * which keeps its id list as before.
   */
  static async open(
    world: KscWorld,
    plan: EventPlan,
    fields: readonly string[],
  ): Promise<EventSnapshot | undefined> {
    const order = keyOrder(plan);
    if (order === undefined || plan.predicate !== undefined || plan.rest.length > 0) return undefined;
    const snapshot = new EventSnapshot(world, plan, order, fields, plan.conditions, 0);
    // Listening before counting: a deletion announced in between is noticed.
    watch(world, snapshot);
    const row = await whereConditions(world.db.selectFrom('events'), plan.conditions)
      .select([sql<number | string>`count(*)`.as('count'), sql<number | string | null>`max(id)`.as('last')])
      .executeTakeFirstOrThrow();
    snapshot.countAtCreation = Number(row.count);
    snapshot.conditions = [...plan.conditions, { column: 'id', op: '<=', value: Number(row.last ?? 0) }];
    snapshot.counting = false;
    if (snapshot.disturbed) await snapshot.materialise();
    return snapshot;
  }

  /** `GetRecordCount`: the size at creation, deleted events included (as the id list counted them). */
  get count(): number {
    return this.ids?.length ?? this.countAtCreation;
  }

  /** The JSON of the items of `GetRecordRange(start, end)` (`start ≥ 0`, `end ≥ start`). */
  async range(start: number, end: number): Promise<string> {
    if (this.ids !== undefined) return readEventsJson(this.world, this.ids.slice(start, end), this.fields);
    const wanted = Math.min(end, this.countAtCreation) - start;
    if (wanted <= 0) return '';
    const from = this.continuation?.offset === start ? this.continuation.key : undefined;
    let query = whereConditions(this.world.db.selectFrom('events'), this.conditions);
    if (from !== undefined) query = query.where((eb) => after(eb, this.order, from));
    for (const { column, asc } of this.order) query = query.orderBy(column, asc ? 'asc' : 'desc');
    query = query.limit(wanted);
    // Not a continuation: the offset is read through by the database (a client that jumps pays for the jump).
    if (from === undefined && start > 0) query = query.offset(start);
    // Arrays from a prepared statement, not Kysely's row objects: building and collecting 10,000 objects per page
    // was the largest cost of serving events (docs/benchmarks.md, "KSC emulator"). PostgreSQL answers bigint as text.
    const rows = await this.world.store.rows<[number | string, number | string]>(
      query.select(['id', 'rise_time']).compile(),
    );
    const ids = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) ids[i] = Number(rows[i]![0]);
    const last = rows[rows.length - 1];
    if (last !== undefined && this.ids === undefined) {
      this.continuation = {
        offset: start + rows.length,
        key: { id: Number(last[0]), rise_time: Number(last[1]) },
      };
    }
    return readEventsJson(this.world, ids, this.fields);
  }

  release(): void {
    this.released = true;
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Before `deletion` happens: takes the id list if any event of it is about to go. */
  async beforeDeletion(
    deletion: EventDeletion,
    doomed: () => Promise<readonly DoomedEvent[]>,
  ): Promise<void> {
    if (this.ids !== undefined) return;
    if (this.counting) {
      // Still counting: the count may or may not see the deletion; `open` takes the list after it.
      this.disturbed = true;
      return;
    }
    if (deletion.kind !== 'reset' && !(await doomed()).some((event) => this.holds(event))) return;
    await this.materialise();
  }

  private holds(event: DoomedEvent): boolean {
    return this.conditions.every(({ column, op, value }) => {
      const actual = event[column];
      if (actual === null) return false;
      switch (op) {
        case '=':
          return actual === value;
        case '>=':
          return actual >= value;
        case '<':
          return actual < value;
        case '<=':
          return actual <= value;
      }
    });
  }

  private async materialise(): Promise<void> {
    this.ids = await selectPlannedIds(this.world, { ...this.plan, conditions: this.conditions });
    this.continuation = undefined;
  }
}

/** The columns of an event a snapshot's conditions test, read before the event is deleted. */
export type DoomedEvent = Readonly<Record<ColumnCondition['column'], string | number | null>>;

/** Events strictly after `key` in `order` (the last column is the unique event id). */
function after(eb: ExpressionBuilder<EmulatorSchema, 'events'>, order: Order, key: Key) {
  const alternatives = order.map(({ column, asc }, i) =>
    eb.and([
      ...order.slice(0, i).map((o) => eb(o.column, '=', key[o.column])),
      eb(column, asc ? '>' : '<', key[column]),
    ]),
  );
  const first = order[0]!;
  // The leading bound alone is what lets the database start the index scan at the key.
  return eb.and([eb(first.column, first.asc ? '>=' : '<=', key[first.column]), eb.or(alternatives)]);
}

/** The live snapshots of each world; weakly held, so a result set that expires without a release is forgotten. */
const watched = new WeakMap<KscWorld, Set<WeakRef<EventSnapshot>>>();

function watch(world: KscWorld, snapshot: EventSnapshot): void {
  let set = watched.get(world);
  if (set === undefined) {
    const snapshots = new Set<WeakRef<EventSnapshot>>();
    set = snapshots;
    watched.set(world, set);
    world.onEventsDeleting((deletion) => announce(world, snapshots, deletion));
  }
  set.add(new WeakRef(snapshot));
}

async function announce(
  world: KscWorld,
  snapshots: Set<WeakRef<EventSnapshot>>,
  deletion: EventDeletion,
): Promise<void> {
  const live: EventSnapshot[] = [];
  for (const ref of snapshots) {
    const snapshot = ref.deref();
    if (snapshot === undefined || snapshot.isReleased) snapshots.delete(ref);
    else live.push(snapshot);
  }
  if (live.length === 0) return;
  // The doomed events are read once, and only if a snapshot needs them.
  let doomed: Promise<DoomedEvent[]> | undefined;
  const readDoomed = (): Promise<DoomedEvent[]> =>
    (doomed ??= deletion.kind === 'reset' ? Promise.resolve([]) : readDoomedEvents(world, deletion));
  for (const snapshot of live) await snapshot.beforeDeletion(deletion, readDoomed);
}

const DOOMED_BATCH = 500;

async function readDoomedEvents(
  world: KscWorld,
  deletion: Exclude<EventDeletion, { kind: 'reset' }>,
): Promise<DoomedEvent[]> {
  const columns = ['id', 'vserver_id', 'host_id', 'rise_time', 'event_type', 'severity'] as const;
  const rows = [];
  if (deletion.kind === 'trim') {
    rows.push(
      ...(await world.db
        .selectFrom('events')
        .select(columns)
        .where('id', '<=', deletion.throughId)
        .execute()),
    );
  } else {
    for (let i = 0; i < deletion.ids.length; i += DOOMED_BATCH) {
      const slice = deletion.ids.slice(i, i + DOOMED_BATCH);
      rows.push(...(await world.db.selectFrom('events').select(columns).where('id', 'in', slice).execute()));
    }
  }
  // PostgreSQL returns bigint columns as text.
  return rows.map((r) => ({
    id: Number(r.id),
    vserver_id: Number(r.vserver_id),
    host_id: r.host_id,
    rise_time: Number(r.rise_time),
    event_type: r.event_type,
    severity: Number(r.severity),
  }));
}
