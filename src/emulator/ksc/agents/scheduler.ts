import type { Kysely } from 'kysely';
import { hashString } from '../../core/random.ts';
import type { Clock } from '../../core/clock.ts';
import type { AgentTables } from '../store/tables/agents.ts';
import type { KscWorld } from '../world.ts';

const DRAIN_BATCH = 500;

/** One piece of scheduled work: an action queued for a host's next sync, or a timed follow-up. */
export interface AgentWork {
  readonly id: number;
  readonly vserverId: number;
  readonly hostId: string | null;
  /** When the work happens, epoch ms on the emulator clock; handlers date what they record by it, not by now. */
  readonly dueAt: number;
  readonly kind: string;
  /** The kind's own JSON-safe data. */
  readonly payload: unknown;
}

/**
 * What a kind of work does when it falls due. It may schedule further work (a task that runs now and finishes
 * later); it runs inside the scheduler's queue, so it must not wait for `runDue`.
 */
export type WorkHandler = (work: AgentWork, agents: AgentScheduler) => Promise<void>;

export interface AgentSchedulerOptions {
  /** Interval between two syncs of a host's Network Agent, ms. */
  readonly syncIntervalMs: number;
}

/**
 * The simulated Network Agents (DESIGN.md: "actions take effect at the next agent sync"). Each host syncs every
 * `syncIntervalMs` at its own phase; an action queued for a host waits in the database until that host's next
 * sync, then its handler runs. Work is processed in due order whenever the server handles a call, the clock
 * is advanced, or the background timer ticks — so a test that advances the clock sees the effects at once, and
 * intake sees them without making calls.
 */
export class AgentScheduler {
  private readonly handlers = new Map<string, WorkHandler>();
  /** Handlers that threw, and the last message (the control API's state shows them). */
  failures = 0;
  /** Work handed to a handler since start (`HostGroup.GetInstanceStatistics` counts them as syncs). */
  processed = 0;
  lastFailure: string | undefined;
  private nextDue: number | undefined;
  /** The earliest work scheduled since the drain read its current batch. */
  private earliestScheduled: number | undefined;
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private loaded = false;

  constructor(
    readonly world: KscWorld,
    readonly clock: Clock,
    readonly options: AgentSchedulerOptions,
  ) {
    world.onReset(() => {
      this.loaded = false;
    });
  }

  private get db(): Kysely<AgentTables> {
    return this.world.db.withTables<AgentTables>();
  }

  /** Registers what a kind of work does. Kinds are namespaced by their part: `task.run`, `isolation.end`. */
  on(kind: string, handler: WorkHandler): this {
    if (this.handlers.has(kind)) throw new Error(`work kind '${kind}' is registered twice`);
    this.handlers.set(kind, handler);
    return this;
  }

  /** The first sync of `hostId` strictly after `after`. Each host keeps a fixed phase within the interval. */
  nextSync(hostId: string, after: number): number {
    const interval = this.options.syncIntervalMs;
    const phase = hashString(hostId) % interval;
    return Math.floor((after - phase) / interval) * interval + phase + interval;
  }

  /** Queues an action for the host's next sync; resolves to when it will happen. */
  async atNextSync(
    hostId: string,
    kind: string,
    payload: unknown,
    after = this.clock.now(),
  ): Promise<number> {
    const host = this.world.hosts.get(hostId);
    if (host === undefined) throw new RangeError(`no host ${hostId}`);
    const dueAt = this.nextSync(hostId, after);
    await this.schedule({ vserverId: host.vserverId, hostId, dueAt, kind, payload });
    return dueAt;
  }

  /** Schedules work at a given time (a task that ends, an isolation that times out). */
  async schedule(work: Omit<AgentWork, 'id'>): Promise<number> {
    await this.load();
    const id = ++this.nextId;
    await this.db
      .insertInto('agent_work')
      .values({
        id,
        vserver_id: work.vserverId,
        host_id: work.hostId,
        due_at: work.dueAt,
        kind: work.kind,
        payload: JSON.stringify(work.payload ?? null),
      })
      .execute();
    if (this.nextDue === undefined || work.dueAt < this.nextDue) this.nextDue = work.dueAt;
    if (this.earliestScheduled === undefined || work.dueAt < this.earliestScheduled)
      this.earliestScheduled = work.dueAt;
    return id;
  }

  /** Removes pending work of a kind for a host (a cancelled task run, an isolation ended early). */
  async cancel(
    kind: string,
    hostId: string | null,
    matches: (payload: unknown) => boolean = () => true,
  ): Promise<number> {
    await this.load();
    let query = this.db.selectFrom('agent_work').select(['id', 'payload']).where('kind', '=', kind);
    query = hostId === null ? query.where('host_id', 'is', null) : query.where('host_id', '=', hostId);
    const ids = (await query.execute())
      .filter((row) => matches(JSON.parse(row.payload) as unknown))
      .map((row) => row.id);
    if (ids.length > 0) await this.db.deleteFrom('agent_work').where('id', 'in', ids).execute();
    return ids.length;
  }

  /** Pending work, oldest first (the control API shows it; tests read it). */
  async pending(hostId?: string): Promise<AgentWork[]> {
    await this.load();
    let query = this.db.selectFrom('agent_work').selectAll().orderBy('due_at').orderBy('id');
    if (hostId !== undefined) query = query.where('host_id', '=', hostId);
    return (await query.execute()).map(toWork);
  }

  /**
   * Does every piece of work due by now, in due order, including work that falls due as a result. Calls are
   * serialized; the common case (nothing due) costs one comparison.
   */
  runDue(): Promise<number> {
    const now = this.clock.now();
    if (this.stopped) return Promise.resolve(0);
    if (this.loaded && (this.nextDue === undefined || this.nextDue > now)) return Promise.resolve(0);
    const run = this.queue.then(() => this.drain(now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private stopped = false;

  /** Stops processing and waits for the work in hand, so the database can close under it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
  }

  private async drain(now: number): Promise<number> {
    await this.load();
    let done = 0;
    for (;;) {
      // Due work is read a batch at a time; a group task run queues one piece per host.
      const rows = await this.db
        .selectFrom('agent_work')
        .selectAll()
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .orderBy('id')
        .limit(DRAIN_BATCH)
        .execute();
      if (rows.length === 0) break;
      this.earliestScheduled = undefined;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        // Taking the row is deleting it; a row a handler cancelled meanwhile is no longer there to take.
        const taken = await this.db.deleteFrom('agent_work').where('id', '=', row.id).executeTakeFirst();
        if (Number(taken.numDeletedRows) === 0) continue;
        await this.run(row);
        done++;
        // Work a handler scheduled before the rest of this batch runs first: read the batch again.
        const next = rows[i + 1];
        if (
          next !== undefined &&
          this.earliestScheduled !== undefined &&
          this.earliestScheduled < Number(next.due_at)
        )
          break;
      }
    }
    await this.refreshNextDue();
    return done;
  }

  private async run(row: AgentTables['agent_work']): Promise<void> {
    const handler = this.handlers.get(row.kind);
    // Work of an unknown kind (left by an older emulator version) is dropped rather than retried forever.
    if (handler === undefined) return;
    // A failing handler loses its work rather than blocking every later piece; the failure is reported.
    this.processed++;
    try {
      await handler(toWork(row), this);
    } catch (error) {
      this.failures++;
      this.lastFailure = `${row.kind}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const stats = await this.db
      .selectFrom('agent_work')
      .select((eb) => [eb.fn.max('id').as('maxId'), eb.fn.min('due_at').as('minDue')])
      .executeTakeFirst();
    this.nextId = Number(stats?.maxId ?? 0);
    this.nextDue = stats?.minDue === null || stats?.minDue === undefined ? undefined : Number(stats.minDue);
    this.loaded = true;
  }

  private async refreshNextDue(): Promise<void> {
    const row = await this.db
      .selectFrom('agent_work')
      .select((eb) => eb.fn.min('due_at').as('minDue'))
      .executeTakeFirst();
    this.nextDue = row?.minDue === null || row?.minDue === undefined ? undefined : Number(row.minDue);
  }
}

function toWork(row: AgentTables['agent_work']): AgentWork {
  return {
    id: Number(row.id),
    vserverId: row.vserver_id,
    hostId: row.host_id,
    dueAt: Number(row.due_at),
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
  };
}
