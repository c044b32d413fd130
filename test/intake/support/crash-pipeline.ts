/**
 * A pipeline as a process, for the crash tests (R1, R20): a numbered in-test source → the file sink → a SQLite
 * checkpoint store. The source is in-process and deterministic on purpose: the real sources are built elsewhere,
 * and this proves the runner, the sink and the checkpoints, whatever source feeds them.
 *
 * Environment: INTAKE_DIR (files and state.sqlite), INTAKE_TOTAL (records), INTAKE_BATCH, INTAKE_MAX_BYTES
 * (rotation), INTAKE_KILL_AT (SIGKILL itself at that step: steps are counted after each read, write and commit;
 * 0: never), INTAKE_TORN (1: before a kill after a write, append half a line, as a torn write would),
 * INTAKE_SLOW_MS (each read takes that long), INTAKE_DEADLINE_MS (shutdown deadline). Prints `read <n>` when a
 * read starts. SIGTERM stops it gracefully. INTAKE_PG_URL: the PostgreSQL sink instead of the file sink, into
 * table `ksc_events` of that database (a kill after a write then falls between the rows' commit in PostgreSQL and
 * the checkpoint's).
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { CheckpointStore } from '../../../src/intake/checkpoints/index.ts';
import { runPipeline } from '../../../src/intake/runner.ts';
import { Secret } from '../../../src/config/secrets.ts';
import { FileSink } from '../../../src/intake/sinks/file/index.ts';
import { parseTableName, PostgresSink } from '../../../src/intake/sinks/postgres/sink.ts';
import type { Mapping, Sink, Source, SourceBatch } from '../../../src/intake/types.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const dir = process.env.INTAKE_DIR!;
const total = env('INTAKE_TOTAL', 1000);
const killAt = env('INTAKE_KILL_AT', 0);
const torn = process.env.INTAKE_TORN === '1';
const slowMs = env('INTAKE_SLOW_MS', 0);
const activeFile = path.join(dir, 'ksc-events.ndjson');

let steps = 0;
function stepDone(kind: 'read' | 'write' | 'commit'): void {
  steps++;
  if (steps !== killAt) return;
  if (kind === 'write' && torn) appendFileSync(activeFile, '{"key":"torn-wri');
  // Synchronous on a pipe (Linux): the test reads where the kill fell.
  process.stdout.write(`killed after ${kind}\n`);
  process.kill(process.pid, 'SIGKILL');
}

const source: Source = {
  type: 'ksc.events',
  async next(cursor, limit): Promise<SourceBatch> {
    const from =
      typeof cursor === 'object' && cursor !== null && !Array.isArray(cursor) ? Number(cursor.next) : 0;
    process.stdout.write(`read ${from}\n`);
    if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
    const to = Math.min(total, from + limit);
    const records = [];
    for (let n = from; n < to; n++) {
      const key = `k${String(n).padStart(8, '0')}`;
      records.push({
        kind: 'record' as const,
        source: 'ksc.events' as const,
        key,
        time: new Date(1_700_000_000_000 + n * 1000).toISOString(),
        data: { event_db_id: String(n), n },
      });
    }
    stepDone('read');
    return { records, cursor: { next: to }, atHead: to >= total, behind: { records: total - to } };
  },
  close: () => Promise.resolve(),
};

const mapping: Mapping = { name: 'raw', map: (record) => [{ key: record.key, ...record.data }] };

const pgUrl = process.env.INTAKE_PG_URL;
const inner: Sink =
  pgUrl === undefined
    ? new FileSink({ path: activeFile, rotate: { maxBytes: env('INTAKE_MAX_BYTES', 1 << 30) }, gzip: true })
    : new PostgresSink({
        url: Secret.value(pgUrl, 'url'),
        table: parseTableName('ksc_events')!,
        pipeline: 'ksc-events',
      });
const sink: Sink = {
  type: inner.type,
  open: (committed, signal) => inner.open(committed, signal),
  async write(batch, signal) {
    const written = await inner.write(batch, signal);
    stepDone('write');
    return written;
  },
  close: () => inner.close(),
};

const store = await CheckpointStore.open({ file: path.join(dir, 'state.sqlite') });
const checkpoints = {
  read: (pipeline: string) => store.read(pipeline),
  async commit(...args: Parameters<CheckpointStore['commit']>) {
    const checkpoint = await store.commit(...args);
    stepDone('commit');
    return checkpoint;
  },
};
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
try {
  const status = await runPipeline({
    name: 'ksc-events',
    source,
    mapping,
    sink,
    checkpoints,
    batchSize: env('INTAKE_BATCH', 100),
    once: true,
    signal: stop.signal,
    shutdownDeadlineMs: env('INTAKE_DEADLINE_MS', 10_000),
  });
  process.stdout.write(`${JSON.stringify({ done: status.state, totals: status.totals })}\n`);
} finally {
  await store.close();
}
