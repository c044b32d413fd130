import { KconnectError } from '../../errors.ts';

export interface LimitOptions {
  /** Command calls running at once against one KSC server (connection). Default 8. */
  readonly maxConcurrentPerServer?: number;
  /** Calls of each kind waiting for a slot per server; one more is refused with 429. Default 32. */
  readonly maxQueue?: number;
  /**
   * Slots per server that read-only calls may not take, kept for calls that need the `respond` scope, so an
   * isolation never queues behind reads. Default: a quarter of the slots (at least one when there are two or
   * more, none with one slot). Must leave reads at least one slot.
   */
  readonly reservedForRespond?: number;
}

/**
 * What a call needs a slot for: `read` (read-only commands, which may use all but the reserved slots) or
 * `respond` (commands that change KSC, which may use every slot and go before reads in the queue).
 */
export type SlotKind = 'read' | 'respond';

/** A call refused because its server's queue is full; `retryAfterSeconds` feeds the `Retry-After` header. */
export class QueueFullError extends KconnectError {
  override readonly name = 'QueueFullError';

  constructor(
    readonly connection: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      'RATE_LIMITED',
      `Too many calls to the KSC server of connection "${connection}": its queue is full; retry after ${retryAfterSeconds} s`,
    );
  }
}

/** Occupancy of one server's slots, for metrics. */
export interface ServerLoad {
  readonly connection: string;
  readonly active: number;
  readonly queued: number;
}

interface Waiter {
  readonly kind: SlotKind;
  readonly grant: () => void;
}

interface ServerState {
  active: number;
  activeReads: number;
  readonly waiting: Waiter[];
  /** Moving average of how long a call holds a slot, for Retry-After. */
  averageMs: number;
}

/** Weight of the newest duration in the moving average. */
const SMOOTHING = 0.2;
const MIN_RETRY_SECONDS = 1;
const MAX_RETRY_SECONDS = 300;

function positiveInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new KconnectError('INVALID_INPUT', `limits.${name}: expected an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/** The default reserve: a quarter of the slots, at least one when there are two or more. */
function defaultReserve(slots: number): number {
  return slots < 2 ? 0 : Math.max(1, Math.floor(slots / 4));
}

/**
 * Bounds the command calls in flight per KSC server (KSC serves a few sessions well and many badly) with a
 * bounded queue in front; beyond the queue a call is refused at once, with an estimate of when a slot frees.
 * Read-only calls never take the slots reserved for responsive ones, and a freed slot goes to a waiting
 * responsive call before any read: a flood of reads cannot delay an isolation.
 */
export class ServerLimits {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly reservedForRespond: number;
  private readonly servers = new Map<string, ServerState>();

  constructor(
    options: LimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxConcurrent = positiveInteger('maxConcurrentPerServer', options.maxConcurrentPerServer ?? 8, 1);
    this.maxQueue = positiveInteger('maxQueue', options.maxQueue ?? 32, 0);
    this.reservedForRespond = positiveInteger(
      'reservedForRespond',
      options.reservedForRespond ?? defaultReserve(this.maxConcurrent),
      0,
    );
    if (this.reservedForRespond >= this.maxConcurrent) {
      throw new KconnectError(
        'INVALID_INPUT',
        `limits.reservedForRespond: expected fewer than the ${this.maxConcurrent} slots (reads need one), ` +
          `got ${this.reservedForRespond}`,
      );
    }
  }

  /**
   * Waits for a slot on the connection's server; the returned function gives it back (call it at least once;
   * later calls do nothing). `admitted` is for a call that already ran and gave its slot back while it waited
   * (a command between two polls): it queues, but is never refused.
   *
   * @throws {QueueFullError} when the server's queue for this kind of call is full.
   */
  async acquire(
    connection: string,
    kind: SlotKind = 'respond',
    options: { readonly admitted?: boolean } = {},
  ): Promise<() => void> {
    const state = this.state(connection);
    if (this.fits(state, kind)) {
      this.take(state, kind);
    } else {
      const queued = state.waiting.filter((w) => w.kind === kind).length;
      if (options.admitted !== true && queued >= this.maxQueue) {
        throw new QueueFullError(connection, this.retryAfter(state));
      }
      // `grant` runs when a release finds this call the first waiter that fits; it takes the slot then.
      await new Promise<void>((resolve) =>
        state.waiting.push({
          kind,
          grant: () => {
            this.take(state, kind);
            resolve();
          },
        }),
      );
    }
    const started = this.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const took = this.now() - started;
      state.averageMs = state.averageMs === 0 ? took : state.averageMs + SMOOTHING * (took - state.averageMs);
      state.active--;
      if (kind === 'read') state.activeReads--;
      this.grantWaiting(state);
    };
  }

  private fits(state: ServerState, kind: SlotKind): boolean {
    if (state.active >= this.maxConcurrent) return false;
    return kind === 'respond' || state.activeReads < this.maxConcurrent - this.reservedForRespond;
  }

  private take(state: ServerState, kind: SlotKind): void {
    state.active++;
    if (kind === 'read') state.activeReads++;
  }

  /** Hands free slots to waiters: responsive calls first, then reads in their order, as far as each fits. */
  private grantWaiting(state: ServerState): void {
    for (const kind of ['respond', 'read'] as const) {
      for (;;) {
        const index = state.waiting.findIndex((w) => w.kind === kind);
        const waiter = state.waiting[index];
        if (waiter === undefined || !this.fits(state, kind)) break;
        state.waiting.splice(index, 1);
        waiter.grant();
      }
    }
  }

  load(): ServerLoad[] {
    return [...this.servers].map(([connection, s]) => ({
      connection,
      active: s.active,
      queued: s.waiting.length,
    }));
  }

  private state(connection: string): ServerState {
    let state = this.servers.get(connection);
    if (state === undefined) {
      state = { active: 0, activeReads: 0, waiting: [], averageMs: 0 };
      this.servers.set(connection, state);
    }
    return state;
  }

  /** Seconds until the queue has room, if calls keep taking what they took so far. */
  private retryAfter(state: ServerState): number {
    const rounds = (state.waiting.length + 1) / this.maxConcurrent;
    const seconds = Math.ceil((rounds * state.averageMs) / 1000);
    return Math.min(MAX_RETRY_SECONDS, Math.max(MIN_RETRY_SECONDS, seconds));
  }
}
