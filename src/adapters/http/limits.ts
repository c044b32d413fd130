import { KconnectError } from '../../errors.ts';

export interface LimitOptions {
  /** Command calls running at once against one KSC server (connection). Default 8. */
  readonly maxConcurrentPerServer?: number;
  /** Calls waiting for a slot per server; one more is refused with 429. Default 32. */
  readonly maxQueue?: number;
}

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

interface ServerState {
  active: number;
  readonly waiting: Array<() => void>;
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

/**
 * Bounds the command calls in flight per KSC server (KSC serves a few sessions well and many badly) with a
 * bounded FIFO queue in front; beyond the queue a call is refused at once, with an estimate of when a slot frees.
 */
export class ServerLimits {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  private readonly servers = new Map<string, ServerState>();

  constructor(
    options: LimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxConcurrent = positiveInteger('maxConcurrentPerServer', options.maxConcurrentPerServer ?? 8, 1);
    this.maxQueue = positiveInteger('maxQueue', options.maxQueue ?? 32, 0);
  }

  /**
   * Waits for a slot on the connection's server; the returned function gives it back (call it exactly once).
   *
   * @throws {QueueFullError} when the server's queue is full.
   */
  async acquire(connection: string): Promise<() => void> {
    const state = this.state(connection);
    if (state.active < this.maxConcurrent) {
      state.active++;
    } else {
      if (state.waiting.length >= this.maxQueue) {
        throw new QueueFullError(connection, this.retryAfter(state));
      }
      // The releasing call hands its slot over: `active` stays the same.
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    }
    const started = this.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const took = this.now() - started;
      state.averageMs = state.averageMs === 0 ? took : state.averageMs + SMOOTHING * (took - state.averageMs);
      const next = state.waiting.shift();
      if (next !== undefined) next();
      else state.active--;
    };
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
      state = { active: 0, waiting: [], averageMs: 0 };
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
