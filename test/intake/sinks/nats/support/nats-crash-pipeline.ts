/**
 * A pipeline as a process for the NATS crash test: a numbered in-test source → the NATS sink → a SQLite
 * checkpoint store. With NATS_KILL_AFTER_WRITE=n it SIGKILLs itself right after its n-th sink write — the batch is
 * in the stream, its checkpoint not committed — so the next run publishes that batch again.
 *
 * Environment: NATS_URL, NATS_DIR (state.sqlite), NATS_TOTAL (records), NATS_BATCH, NATS_KILL_AFTER_WRITE
 * (0: never). Prints `write <first key>` before each write.
 */
import { writeSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../../../../src/intake/checkpoints/index.ts';
import { runPipeline } from '../../../../../src/intake/runner.ts';
import { NatsSink } from '../../../../../src/intake/sinks/nats/index.ts';
import type { Mapping, Sink, Source, SourceBatch } from '../../../../../src/intake/types.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const total = env('NATS_TOTAL', 1000);
const killAfter = env('NATS_KILL_AFTER_WRITE', 0);

const source: Source = {
  type: 'ksc.events',
  next(cursor, limit): Promise<SourceBatch> {
    const from =
      typeof cursor === 'object' && cursor !== null && !Array.isArray(cursor) ? Number(cursor.next) : 0;
    const to = Math.min(total, from + limit);
    const records = [];
    for (let n = from; n < to; n++) {
      records.push({
        kind: 'record' as const,
        source: 'ksc.events' as const,
        key: `k${String(n).padStart(8, '0')}`,
        time: new Date(1_700_000_000_000 + n * 1000).toISOString(),
        data: { event_db_id: String(n), n },
      });
    }
    return Promise.resolve({ records, cursor: { next: to }, atHead: to >= total });
  },
  close: () => Promise.resolve(),
};

const mapping: Mapping = { name: 'raw', map: (record) => [{ key: record.key, ...record.data }] };

const nats = new NatsSink({
  connection: { url: process.env.NATS_URL! },
  stream: 'CRASH',
  subject: 'kc.crash',
  pipeline: 'crash',
});
let writes = 0;
const sink: Sink = {
  type: nats.type,
  open: (committed, signal) => nats.open(committed, signal),
  async write(batch, signal) {
    // Synchronously: an asynchronous pipe write may still be queued when the SIGKILL comes.
    if (batch.keys.length > 0) writeSync(1, `write ${batch.keys[0]}\n`);
    const result = await nats.write(batch, signal);
    if (batch.keys.length > 0 && ++writes === killAfter) process.kill(process.pid, 'SIGKILL');
    return result;
  },
  close: () => nats.close(),
};

const store = await CheckpointStore.open({ file: path.join(process.env.NATS_DIR!, 'state.sqlite') });
try {
  const status = await runPipeline({
    name: 'crash',
    source,
    mapping,
    sink,
    checkpoints: store,
    batchSize: env('NATS_BATCH', 100),
    once: true,
  });
  process.stdout.write(`${JSON.stringify({ done: status.state, totals: status.totals })}\n`);
} finally {
  await store.close();
  await sink.close();
}
