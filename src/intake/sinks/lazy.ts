/**
 * A sink whose implementation (and its packages: the NATS client, pg and Kysely) loads when the run opens it. The
 * registry's `create` stays synchronous while loading the configuration, which every CLI call does, names no
 * sink implementation (decision 0073).
 */
import type { Sink, SinkBatch, SinkPosition, SinkWriteResult } from '../types.ts';

class LazySink implements Sink {
  #made: Promise<Sink> | undefined;

  constructor(
    readonly type: string,
    private readonly make: () => Promise<Sink>,
  ) {}

  #loaded(): Promise<Sink> {
    return (this.#made ??= this.make());
  }

  async open(committed: SinkPosition | undefined, signal: AbortSignal): Promise<void> {
    return (await this.#loaded()).open(committed, signal);
  }

  async write(batch: SinkBatch, signal: AbortSignal): Promise<SinkWriteResult> {
    return (await this.#loaded()).write(batch, signal);
  }

  /** A sink never opened, or whose implementation failed to load, was never made: there is nothing to close. */
  async close(): Promise<void> {
    if (this.#made === undefined) return;
    let sink: Sink;
    try {
      sink = await this.#made;
    } catch {
      return;
    }
    await sink.close();
  }
}

/** A sink of `type` that `make` builds on first use. */
export function lazySink(type: string, make: () => Promise<Sink>): Sink {
  return new LazySink(type, make);
}
