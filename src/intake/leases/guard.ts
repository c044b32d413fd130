/**
 * No side effect without a fresh lease. The fencing token refuses a stale worker's commit, but a sink's write (or the
 * truncation its `open` makes) happens before the commit: a worker stalled past its lease's expiry — starved of CPU,
 * its database round trips timing out — would otherwise append a batch after the new owner took over, and a file
 * would hold it twice. So the worker checks, right before each of those, that its lease is held for a while yet by
 * its own clock: the time its last successful renewal was sent plus the lease's time to live, less a margin that
 * covers the write itself.
 */
import type { PipelineParts } from '../pipeline.ts';
import type { Sink } from '../types.ts';
import { LeaseLostError } from './errors.ts';

/** A lease as the worker holding it knows it. */
export interface HeldLease {
  readonly token: number;
  /** Milliseconds since the epoch until which the lease is held for certain (last renewal sent + time to live). */
  heldUntil(): number;
}

/** The lease is too close to its expiry (or past it) by this worker's clock to start a write under it. */
export class LeaseExpiringError extends LeaseLostError {
  constructor(
    pipeline: string,
    token: number,
    /** How long the lease was still held for certain, in milliseconds (negative: expired that long ago). */
    readonly remainingMs: number,
  ) {
    super(pipeline, token, undefined, undefined);
    this.message =
      `Pipeline ${pipeline}: lease (token ${token}) not renewed in time — ${Math.round(remainingMs)} ms left by ` +
      "this worker's clock; nothing more is written under it";
  }
}

/**
 * The least time a lease of this time to live must still be held when a write starts: a fifth of it. With renewals
 * every third, two may be missed before the worker stops writing, and a write that starts then still has that
 * long before the lease could pass to another worker.
 */
export function leaseWriteMargin(ttlMs: number): number {
  return ttlMs / 5;
}

export interface LeaseGuardOptions {
  readonly pipeline: string;
  readonly lease: HeldLease;
  /** Least time the lease must still be held when a write starts. */
  readonly marginMs: number;
  /** The clock `heldUntil` is on; default Date.now, as the lease coordinator's. */
  readonly now?: () => number;
}

/** Throws {@link LeaseExpiringError} unless the lease is held for at least the margin yet. */
export function assertLeaseFresh(options: LeaseGuardOptions): void {
  const remaining = options.lease.heldUntil() - (options.now ?? Date.now)();
  if (remaining < options.marginMs)
    throw new LeaseExpiringError(options.pipeline, options.lease.token, remaining);
}

/** The sink, with its `open` and `write` refused unless the lease is fresh; everything else as it was. */
export function guardSink(sink: Sink, options: LeaseGuardOptions): Sink {
  return new Proxy(sink, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'open' || property === 'write') {
        const method = value as (...args: unknown[]) => unknown;
        return async (...args: unknown[]) => {
          assertLeaseFresh(options);
          return method.apply(target, args);
        };
      }
      // Bound to the sink itself: its private fields are not reachable through the proxy.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The pipeline's parts with every sink guarded (a sink listed twice is guarded once). */
export function guardPipelineSinks(parts: PipelineParts, options: LeaseGuardOptions): PipelineParts {
  const guarded = new Map<Sink, Sink>();
  const guard = (sink: Sink): Sink => {
    let wrapped = guarded.get(sink);
    if (wrapped === undefined) guarded.set(sink, (wrapped = guardSink(sink, options)));
    return wrapped;
  };
  return {
    ...parts,
    sink: guard(parts.sink),
    ...(parts.sinks === undefined
      ? {}
      : { sinks: parts.sinks.map((part) => ({ ...part, sink: guard(part.sink) })) }),
  };
}
