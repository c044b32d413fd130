/**
 * A loopback TCP relay that counts the connections open through it at once (B5: "the emulator never sees more
 * than P connections"). It runs on a worker thread of its own: in the benchmark's main thread it would forward
 * bytes only when the load generator lets it, and the load generator's burst of 1000 requests at the start of a
 * round would then count as latency of the service under test. Not a benchmark itself.
 */
import { Worker } from 'node:worker_threads';

/** Slots of the counter shared with the worker: connections open now, the most open at once since a reset. */
const OPEN = 0;
const PEAK = 1;

export interface CountingRelay {
  readonly port: number;
  /** The most connections open at once since the start or the last {@link resetPeak}. */
  peak(): number;
  /** Starts counting the peak again from the connections open now. */
  resetPeak(): void;
  close(): Promise<void>;
}

/** Starts the relay on a worker thread, forwarding every connection to `target`'s host and port. */
export async function startCountingRelay(target: URL): Promise<CountingRelay> {
  const counters = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(new URL('./_counting-relay-worker.mjs', import.meta.url), {
    workerData: { host: target.hostname, port: Number(target.port), counters },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (listening: number) => resolve(listening));
    worker.once('error', reject);
  });
  return {
    port,
    peak: () => Atomics.load(counters, PEAK),
    resetPeak: () => Atomics.store(counters, PEAK, Atomics.load(counters, OPEN)),
    close: async () => {
      await worker.terminate();
    },
  };
}
