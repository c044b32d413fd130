/**
 * Competes for pipelines' leases on behalf of one worker and runs the pipelines it holds: every `renewEveryMs`
 * (ttl/3 by default) it writes its heartbeat, renews its leases (a refused renewal stops that pipeline), and takes
 * free leases up to its share — ceil(pipelines / live workers) — or gives back what is above its share, so
 * pipelines spread across workers and the survivors take over those of a worker that died.
 */
import { abortableSleep } from '../../abortable-sleep.ts';
import { LeaseLostError } from './errors.ts';
import type { HeldLease } from './guard.ts';
import type { Lease, LeaseStore } from './store.ts';

export const DEFAULT_LEASE_TTL_MS = 10_000;

/** Structured lines (a pino logger fits). */
interface CoordinatorLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface LeaseCoordinatorOptions {
  /** The pipelines to compete for, in the order they are tried. */
  readonly pipelines: readonly string[];
  readonly leases: LeaseStore;
  /** This worker's id ({@link newWorkerId}). */
  readonly worker: string;
  /** How long a lease and a heartbeat last without renewal. Default 10 s. */
  readonly ttlMs?: number;
  /** How often leases are renewed and free ones looked for. Default ttl/3. */
  readonly renewEveryMs?: number;
  /** Stops every pipeline, gives the leases back and resolves. */
  readonly signal: AbortSignal;
  /**
   * Runs a pipeline under a lease, committing with its token and writing only while it is fresh (guard.ts), until
   * `signal` aborts. Resolving or failing on its own
   * (not through the signal, not with {@link LeaseLostError}) means the pipeline is done on this worker: its
   * lease is given back and this worker does not take it again.
   */
  run(pipeline: string, lease: HeldLease, signal: AbortSignal): Promise<void>;
  /** Each change of a lease this worker holds (undefined: it no longer holds it). */
  readonly onLease?: (pipeline: string, lease: Lease | undefined) => void;
  readonly logger?: CoordinatorLogger;
}

interface Held {
  readonly lease: Lease;
  /** When the last successful acquisition or renewal was sent, plus the time to live. */
  heldUntil: number;
  readonly stop: AbortController;
  lost: boolean;
  ended: Promise<void>;
}

/** Whether an error is, or was caused by, a lost lease (the runner wraps it in PipelineFailedError). */
export function isLeaseLost(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof LeaseLostError) return true;
  return false;
}

/** Runs until `signal` aborts (or every pipeline is done on this worker); never rejects for a pipeline's error. */
export async function runWithLeases(options: LeaseCoordinatorOptions): Promise<void> {
  const { leases, worker, signal, logger } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const every = options.renewEveryMs ?? Math.max(1, Math.floor(ttlMs / 3));
  const held = new Map<string, Held>();
  const done = new Set<string>();

  const start = (lease: Lease, heldUntil: number) => {
    const stop = new AbortController();
    const entry: Held = { lease, heldUntil, stop, lost: false, ended: Promise.resolve() };
    const known: HeldLease = { token: lease.token, heldUntil: () => entry.heldUntil };
    entry.ended = (async () => {
      let finished = true;
      try {
        await options.run(lease.pipeline, known, stop.signal);
      } catch (error) {
        if (isLeaseLost(error)) entry.lost = true;
        else logger?.warn({ pipeline: lease.pipeline, err: error }, 'intake: pipeline failed on this worker');
      }
      if (stop.signal.aborted || entry.lost) finished = false;
      held.delete(lease.pipeline);
      options.onLease?.(lease.pipeline, undefined);
      if (finished) done.add(lease.pipeline);
      if (entry.lost) {
        logger?.warn(
          { pipeline: lease.pipeline, token: lease.token },
          'intake: lease lost; pipeline stopped',
        );
        return;
      }
      // Given back at once, so another worker need not wait for the expiry.
      await leases.release(lease.pipeline, worker, lease.token).catch((error: unknown) => {
        logger?.warn({ pipeline: lease.pipeline, err: error }, 'intake: releasing a lease failed');
      });
    })();
    held.set(lease.pipeline, entry);
    options.onLease?.(lease.pipeline, lease);
    logger?.info({ pipeline: lease.pipeline, worker, token: lease.token }, 'intake: lease taken');
  };

  const tick = async (acquire: boolean) => {
    await leases.heartbeat(worker, ttlMs);
    for (const [pipeline, entry] of held) {
      if (entry.stop.signal.aborted) continue;
      const sent = Date.now();
      if (await leases.renew(pipeline, worker, entry.lease.token, ttlMs)) {
        entry.heldUntil = sent + ttlMs;
        options.onLease?.(pipeline, { ...entry.lease, expiresAt: Date.now() + ttlMs });
        continue;
      }
      entry.lost = true;
      entry.stop.abort(new LeaseLostError(pipeline, entry.lease.token, undefined, undefined));
    }
    if (!acquire) return;
    const competing = options.pipelines.filter((p) => !done.has(p));
    const share = Math.ceil(competing.length / (await leases.liveWorkers()));
    const running = [...held.values()].filter((h) => !h.stop.signal.aborted);
    // Above the share (another worker joined): give back the most recently taken, which finish their batch first.
    for (const entry of running.slice(share).reverse()) {
      logger?.info(
        { pipeline: entry.lease.pipeline, share },
        'intake: giving a lease back to spread the load',
      );
      entry.stop.abort();
    }
    let count = Math.min(running.length, share);
    for (const pipeline of competing) {
      if (count >= share || signal.aborted) break;
      if (held.has(pipeline)) continue;
      const sent = Date.now();
      const lease = await leases.acquire(pipeline, worker, ttlMs);
      if (lease === undefined) continue;
      start(lease, sent + ttlMs);
      count++;
    }
  };

  try {
    // A first heartbeat, then a moment for workers starting together to see each other before taking shares.
    await tick(false);
    await abortableSleep(Math.min(every, 500), signal);
    while (!signal.aborted && done.size < options.pipelines.length) {
      try {
        await tick(true);
      } catch (error) {
        // The database is away: leases lapse on their own if it stays away, and fencing keeps commits safe.
        logger?.warn({ err: error }, 'intake: lease round failed; trying again');
      }
      await abortableSleep(every, signal);
    }
  } finally {
    for (const entry of held.values()) entry.stop.abort();
    await Promise.allSettled([...held.values()].map((h) => h.ended));
    await leases.leave(worker).catch(() => undefined);
  }
}
