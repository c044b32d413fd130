/**
 * The runner with its real sink and checkpoint store (file, SQLite) and an in-test source (the real sources are
 * built elsewhere): transient source errors retried with backoff and reported in status, a non-retryable one
 * stops the pipeline with a typed error, gaps counted, a damaged checkpoint reported and the previous one used.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallError } from '../../src/errors.ts';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { PipelineFailedError, runPipeline } from '../../src/intake/runner.ts';
import { FileSink } from '../../src/intake/sinks/file/index.ts';
import type { PipelineStatus } from '../../src/intake/status.ts';
import type { IntakeRecord, Mapping, Source } from '../../src/intake/types.ts';

function numberedSource(total: number, failures: Map<number, Error>, gapAt?: number): Source {
  return {
    type: 'ksc.events',
    next(cursor, limit) {
      const from = (cursor as { next: number } | undefined)?.next ?? 0;
      const failure = failures.get(from);
      if (failure !== undefined) {
        failures.delete(from);
        return Promise.reject(failure);
      }
      const to = Math.min(total, from + limit);
      const records: IntakeRecord[] = [];
      for (let n = from; n < to; n++)
        records.push(
          n === gapAt
            ? {
                kind: 'gap',
                source: 'ksc.events',
                key: `gap-${n}`,
                time: '2025-01-01T00:00:00Z',
                data: { missing: 5 },
              }
            : {
                kind: 'record',
                source: 'ksc.events',
                key: `k${n}`,
                time: '2025-01-01T00:00:00Z',
                data: { n },
              },
        );
      return Promise.resolve({ records, cursor: { next: to }, atHead: to >= total });
    },
    close: () => Promise.resolve(),
  };
}

const mapping: Mapping = { name: 'raw', map: (record) => [{ key: record.key }] };

describe('runPipeline', () => {
  let dir: string;
  let store: CheckpointStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-runner-'));
    store = await CheckpointStore.open({ file: path.join(dir, 'state.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const lines = () =>
    readFileSync(path.join(dir, 'out.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { key: string }).key);
  const run = (source: Source, extra: { onProgress?: (s: PipelineStatus) => void } = {}) =>
    runPipeline({
      name: 'p',
      source,
      mapping,
      sink: new FileSink({ path: path.join(dir, 'out.ndjson') }),
      checkpoints: store,
      batchSize: 10,
      once: true,
      sleep: () => Promise.resolve(),
      retry: { random: () => 0.5 },
      ...extra,
    });

  it('retries transient errors, reports them in status, counts gaps, and commits to the head', async () => {
    const transient = new CallError('UPSTREAM_UNAVAILABLE', 'connection reset', { retryable: true });
    const states: string[] = [];
    const status = await run(numberedSource(35, new Map([[10, transient]]), 22), {
      onProgress: (s) => states.push(s.state),
    });
    expect(status).toMatchObject({ state: 'stopped', totals: { records: 35, documents: 35, gaps: 1 } });
    expect(status.errors).toEqual([
      expect.objectContaining({
        stage: 'source',
        name: 'CallError',
        code: 'UPSTREAM_UNAVAILABLE',
        retryable: true,
      }),
    ]);
    expect(states).toContain('retrying');
    expect(status.lastBatch).toMatchObject({ records: 5, documents: 5 });
    expect(lines()).toHaveLength(35);
    // Again from the committed head: nothing more.
    expect((await run(numberedSource(35, new Map()))).totals.records).toBe(35);
    expect(lines()).toHaveLength(35);
  });

  it('stops on a non-retryable error with a typed error; what was committed stays', async () => {
    const fatal = new CallError('UNAUTHENTICATED', 'bad password', { retryable: false });
    const error = await run(numberedSource(30, new Map([[20, fatal]]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineFailedError);
    expect(error).toMatchObject({ pipeline: 'p', stage: 'source', code: 'UNAUTHENTICATED' });
    expect(lines()).toHaveLength(20);
    expect((await store.read('p')).checkpoint?.sourceCursor).toEqual({ next: 20 });
  });
});
