/**
 * One source read on behalf of several sinks of a pipeline (issue 19): each sink's run gets a view, the views'
 * reads go to the source one at a time, and the most recent batches are kept by (cursor, limit) so sinks at the
 * same position share one read while a sink that fell behind re-reads on its own (the Source contract: the same
 * cursor gives the same records). The cache is bounded, so a sink that is down never grows a buffer (R11).
 */
import type { PlainJson } from '../commands/core/types.ts';
import type { Source, SourceBatch } from './types.ts';

export interface SharedSourceOptions {
  /** Batches kept. Default 4; one per sink is enough for sinks that keep pace. */
  readonly capacity?: number;
  /**
   * How long a batch read at the head is served to other sinks: new records may arrive after it, so it is not
   * kept like a batch in the history. Default 1000 ms.
   */
  readonly headFreshMs?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

interface Cached {
  readonly batch: SourceBatch;
  /** Milliseconds since the epoch; undefined: valid until evicted. */
  readonly expiresAt: number | undefined;
}

export class SharedSource {
  private readonly cache = new Map<string, Cached>();
  private readonly capacity: number;
  private readonly headFreshMs: number;
  private readonly now: () => number;
  /** The reads in order: one at a time on the underlying source. */
  private queue: Promise<unknown> = Promise.resolve();
  private open = 0;
  private closing: Promise<void> | undefined;
  /** Reads that reached the underlying source (for tests and metrics). */
  reads = 0;

  constructor(
    private readonly source: Source,
    options: SharedSourceOptions = {},
  ) {
    this.capacity = Math.max(1, options.capacity ?? 4);
    this.headFreshMs = options.headFreshMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Batches held now (never more than the capacity). */
  get cached(): number {
    return this.cache.size;
  }

  /** A view for one sink's run; closing the last view closes the source. */
  view(): Source {
    this.open++;
    let closed = false;
    return {
      type: this.source.type,
      next: (cursor, limit, signal) => this.next(cursor, limit, signal),
      close: () => {
        if (closed) return Promise.resolve();
        closed = true;
        this.open--;
        if (this.open > 0) return Promise.resolve();
        this.closing ??= this.source.close();
        return this.closing;
      },
    };
  }

  private next(cursor: PlainJson | undefined, limit: number, signal: AbortSignal): Promise<SourceBatch> {
    const read = this.queue.then(() => this.read(cursor, limit, signal));
    this.queue = read.catch(() => undefined);
    return read;
  }

  private async read(
    cursor: PlainJson | undefined,
    limit: number,
    signal: AbortSignal,
  ): Promise<SourceBatch> {
    const key = JSON.stringify([cursor ?? null, limit]);
    const hit = this.cache.get(key);
    if (hit !== undefined && (hit.expiresAt === undefined || hit.expiresAt > this.now())) {
      // Most recently used last: eviction takes the oldest.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.batch;
    }
    this.cache.delete(key);
    this.reads++;
    const batch = await this.source.next(cursor, limit, signal);
    this.cache.set(key, {
      batch,
      expiresAt: batch.atHead ? this.now() + this.headFreshMs : undefined,
    });
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return batch;
  }
}
