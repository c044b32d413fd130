/**
 * Several sinks per pipeline, dead-letter (R12) and backpressure (R11) through runPipelineParts with the real file
 * sink and checkpoint store (SQLite): every key is at each sink or in its dead-letter file exactly once, a sink that
 * is down holds only its own run back while the source is not read for it, and the shared cache stays bounded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallError } from '../../src/errors.ts';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { DeadLetterFile, type DeadLetterEntry } from '../../src/intake/dead-letter.ts';
import { runPipelineParts } from '../../src/intake/run-sinks.ts';
import { SharedSource } from '../../src/intake/shared-source.ts';
import { FileSink } from '../../src/intake/sinks/file/index.ts';
import type { PipelineStatus } from '../../src/intake/status.ts';
import type { IntakeRecord, Mapping, Sink, SinkBatch, Source } from '../../src/intake/types.ts';

function countingSource(total: number): Source & { calls: number } {
  const source = {
    type: 'ksc.events' as const,
    calls: 0,
    next(cursor: unknown, limit: number) {
      source.calls++;
      const from = (cursor as { next: number } | undefined)?.next ?? 0;
      const to = Math.min(total, from + limit);
      const records: IntakeRecord[] = [];
      for (let n = from; n < to; n++)
        records.push({
          kind: 'record',
          source: 'ksc.events',
          key: `k${n}`,
          time: '2025-01-01T00:00:00Z',
          data: { n },
        });
      return Promise.resolve({ records, cursor: { next: to }, atHead: to >= total });
    },
    close: () => Promise.resolve(),
  };
  return source;
}

const mapping: Mapping = { name: 'raw', map: (record) => [{ key: record.key }] };

/** A file sink that refuses chosen keys for good, and fails transiently while `down()` says so. */
function pickySink(file: string, refuse: (key: string) => boolean, down: () => boolean = () => false): Sink {
  const inner = new FileSink({ path: file });
  return {
    type: 'picky',
    open: (committed, signal) => inner.open(committed, signal),
    async write(batch: SinkBatch, signal) {
      if (down()) throw new CallError('UPSTREAM_UNAVAILABLE', 'receiver down', { retryable: true });
      const keep: number[] = [];
      const rejected = [];
      for (let i = 0; i < batch.documents.length; i++) {
        if (refuse(batch.keys[i]!)) rejected.push({ index: i, reason: `refused ${batch.keys[i]!}` });
        else keep.push(i);
      }
      const written = await inner.write(
        { documents: keep.map((i) => batch.documents[i]!), keys: keep.map((i) => batch.keys[i]!) },
        signal,
      );
      return { position: written.position, rejected };
    },
    close: () => inner.close(),
  };
}

describe('several sinks, dead-letter and backpressure', () => {
  let dir: string;
  let store: CheckpointStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-sinks-'));
    store = await CheckpointStore.open({ file: path.join(dir, 'state.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const keysIn = (file: string) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { key: string }).key)
      : [];

  it('dead-letters refused documents and moves on: every key at the sink or in the file, exactly once', async () => {
    const out = path.join(dir, 'out.ndjson');
    const dead = path.join(dir, 'dead', 'p.ndjson');
    const refused = (key: string) => Number(key.slice(1)) % 7 === 3;
    const [status] = await runPipelineParts({
      name: 'p',
      parts: {
        source: countingSource(100),
        mapping,
        sink: pickySink(out, refused),
        sinks: [
          {
            name: 'picky',
            checkpointKey: 'p',
            sink: pickySink(out, refused),
            deadLetter: new DeadLetterFile(dead),
          },
        ],
      },
      checkpoints: store,
      batchSize: 10,
      once: true,
    });
    const lines = readFileSync(dead, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as DeadLetterEntry);
    const delivered = keysIn(out);
    const deadKeys = lines.map((l) => l.key);
    expect(deadKeys.length).toBe(14);
    expect(deadKeys.every(refused)).toBe(true);
    expect(lines[0]).toMatchObject({
      pipeline: 'p',
      sink: 'picky',
      reason: 'refused k3',
      document: { key: 'k3' },
    });
    const all = [...delivered, ...deadKeys].sort();
    expect(all).toEqual([...new Set(all)]);
    expect(all.length).toBe(100);
    expect(status!.totals.deadLettered).toBe(14);
    expect((await store.read('p')).checkpoint!.totals.deadLettered).toBe(14);
  });

  it('a refusal without a dead-letter file stops the pipeline instead of dropping documents', async () => {
    await expect(
      runPipelineParts({
        name: 'p',
        parts: {
          source: countingSource(10),
          mapping,
          sink: pickySink(path.join(dir, 'o.ndjson'), () => true),
        },
        checkpoints: store,
        batchSize: 10,
        once: true,
      }),
    ).rejects.toThrow(/no dead-letter file/);
  });

  it('runs each sink with its own checkpoint; a sink down holds only itself back, then catches up in order', async () => {
    const fast = path.join(dir, 'fast.ndjson');
    const slow = path.join(dir, 'slow.ndjson');
    let failing = 0;
    const source = countingSource(200);
    const statuses: PipelineStatus[] = [];
    let readsWhileDown: number | undefined;
    let readsAtOutage = 0;
    const slowSink = pickySink(
      slow,
      () => false,
      () => {
        // Down for its first 8 attempts after the first batch: the source calls made meanwhile are the fast sink's.
        if (keysIn(slow).length === 0) return false;
        if (failing === 0) readsAtOutage = source.calls;
        failing++;
        if (failing <= 8) return true;
        readsWhileDown ??= source.calls - readsAtOutage;
        return false;
      },
    );
    const results = await runPipelineParts({
      name: 'p',
      parts: {
        source,
        mapping,
        sink: slowSink,
        sinks: [
          { name: 'fast', checkpointKey: 'p/fast', sink: new FileSink({ path: fast }) },
          { name: 'slow', checkpointKey: 'p/slow', sink: slowSink },
        ],
      },
      checkpoints: store,
      batchSize: 10,
      once: true,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
      retry: { random: () => 0.5, maxAttempts: 20 },
      onProgress: (s) => statuses.push(s),
    });
    const expected = Array.from({ length: 200 }, (_, n) => `k${n}`);
    expect(keysIn(fast)).toEqual(expected);
    expect(keysIn(slow)).toEqual(expected);
    expect(results.map((r) => r.sink)).toEqual(['fast', 'slow']);
    expect((await store.read('p/fast')).checkpoint!.totals.records).toBe(200);
    expect((await store.read('p/slow')).checkpoint!.totals.records).toBe(200);
    expect(await store.read('p')).toMatchObject({ checkpoint: undefined });
    // The outage was visible while it lasted, and cleared after.
    const blocked = statuses.filter((s) => s.sink === 'slow' && s.state === 'retrying');
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked[0]).toMatchObject({ blockedStage: 'sink-write' });
    expect(typeof blocked[0]!.blockedSince).toBe('string');
    expect(results[1]!.retries).toBe(8);
    expect(results[1]!.blockedSince).toBeUndefined();
    // The slow sink's retries read nothing: only the fast sink's run reads meanwhile (at most its 20 batches).
    expect(readsWhileDown).toBeLessThanOrEqual(21);
    // Both sinks shared the reads they made at the same position: fewer than one read per batch per sink.
    expect(source.calls).toBeLessThan(2 * 21);
  });

  it('one sink down: the source is not read during the outage, then nothing is lost and order is kept', async () => {
    const out = path.join(dir, 'one.ndjson');
    const source = countingSource(100);
    let attempts = 0;
    let callsAtOutage = -1;
    const callsDuring: number[] = [];
    const sink = pickySink(
      out,
      () => false,
      () => {
        if (keysIn(out).length < 30) return false;
        if (callsAtOutage < 0) callsAtOutage = source.calls;
        attempts++;
        callsDuring.push(source.calls);
        return attempts <= 6;
      },
    );
    const [status] = await runPipelineParts({
      name: 'one',
      parts: { source, mapping, sink },
      checkpoints: store,
      batchSize: 10,
      once: true,
      sleep: () => Promise.resolve(),
      retry: { random: () => 0.5, maxAttempts: 10 },
    });
    expect(keysIn(out)).toEqual(Array.from({ length: 100 }, (_, n) => `k${n}`));
    expect(callsDuring.slice(0, 7).every((c) => c === callsAtOutage)).toBe(true);
    expect(status!.retries).toBe(6);
    expect(source.calls).toBe(10);
  });

  it('a shared source keeps at most its capacity of batches, and re-reads a cursor that fell out', async () => {
    const source = countingSource(1000);
    const shared = new SharedSource(source, { capacity: 3 });
    const view = shared.view();
    const signal = new AbortController().signal;
    let cursor: unknown;
    for (let i = 0; i < 20; i++) cursor = (await view.next(cursor as never, 10, signal)).cursor;
    expect(shared.cached).toBe(3);
    expect(source.calls).toBe(20);
    await view.next({ next: 190 }, 10, signal);
    expect(source.calls).toBe(20);
    await view.next(undefined, 10, signal);
    expect(source.calls).toBe(21);
    expect(shared.cached).toBe(3);
  });
});
