/**
 * No write without a fresh lease: a worker stalled past its lease's expiry must not append a batch after the new
 * owner took over (the several-workers test at the spec's scale found a file holding a batch twice that way). The
 * guard on a real file sink, and the lease coordinator advancing `heldUntil` with each renewal on a real store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { isLeaseLost, runWithLeases } from '../../src/intake/leases/coordinator.ts';
import {
  guardPipelineSinks,
  LeaseExpiringError,
  leaseWriteMargin,
  type HeldLease,
} from '../../src/intake/leases/guard.ts';
import { newWorkerId } from '../../src/intake/leases/index.ts';
import { FileSink } from '../../src/intake/sinks/file/index.ts';
import type { PipelineParts } from '../../src/intake/pipeline.ts';

const signal = new AbortController().signal;
const batch = (keys: string[]) => ({ keys, documents: keys.map((key) => ({ key })) });

describe('the lease guard on a sink', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-lease-guard-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function guarded(lease: HeldLease) {
    const file = path.join(dir, 'out.ndjson');
    const sink = new FileSink({ path: file });
    const parts = { source: {}, mapping: {}, sink } as unknown as PipelineParts;
    return { file, raw: sink, parts: guardPipelineSinks(parts, { pipeline: 'p1', lease, marginMs: 2000 }) };
  }

  it('writes while the lease is held beyond the margin, and refuses once it is not, writing nothing', async () => {
    let heldUntil = Date.now() + 10_000;
    const { file, raw, parts } = guarded({ token: 7, heldUntil: () => heldUntil });
    expect(parts.sink.type).toBe('file');
    await parts.sink.open(undefined, signal);
    await parts.sink.write(batch(['1', '2']), signal);
    // The worker stalled: its last renewal went out 9 s ago, 1 s of the lease is left.
    heldUntil = Date.now() + 1000;
    const refused = await parts.sink.write(batch(['3']), signal).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LeaseExpiringError);
    expect(isLeaseLost(refused)).toBe(true);
    expect((refused as LeaseExpiringError).message).toMatch(
      /Pipeline p1: lease \(token 7\) not renewed in time/,
    );
    // Reopening (which truncates to the committed position) is refused too.
    await expect(parts.sink.open({ offset: 0 }, signal)).rejects.toBeInstanceOf(LeaseExpiringError);
    await raw.close();
    const keys = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { key: string }).key);
    expect(keys).toEqual(['1', '2']);
  });

  it('guards a sink listed twice (sink and sinks[0]) once, keeping each part’s other fields', () => {
    const sink = new FileSink({ path: path.join(dir, 'a.ndjson') });
    const parts = {
      source: {},
      mapping: {},
      sink,
      sinks: [{ name: 'archive', checkpointKey: 'p1/archive', sink }],
    } as unknown as PipelineParts;
    const out = guardPipelineSinks(parts, {
      pipeline: 'p1',
      lease: { token: 1, heldUntil: () => Date.now() + 10_000 },
      marginMs: 2000,
    });
    expect(out.sinks?.[0]?.sink).toBe(out.sink);
    expect(out.sink).not.toBe(sink);
    expect(out.sinks?.[0]?.checkpointKey).toBe('p1/archive');
  });

  it('a fifth of the time to live is the margin', () => {
    expect(leaseWriteMargin(10_000)).toBe(2000);
  });
});

describe('the lease coordinator tells the pipeline how long its lease is held', () => {
  let dir: string;
  let store: CheckpointStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-lease-held-'));
    store = await CheckpointStore.open({ file: path.join(dir, 'state.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('heldUntil is the time to live after the acquisition, and moves on with each renewal', async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    const ttlMs = 3000;
    const started = Date.now();
    await runWithLeases({
      pipelines: ['p1'],
      leases: store.leases(),
      worker: newWorkerId(),
      ttlMs,
      renewEveryMs: 200,
      signal: stop.signal,
      run: async (_pipeline, lease, pipelineSignal) => {
        for (let i = 0; i < 8 && !pipelineSignal.aborted; i++) {
          seen.push(lease.heldUntil());
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        stop.abort();
      },
    });
    expect(seen.length).toBeGreaterThan(4);
    expect(seen[0]!).toBeGreaterThanOrEqual(started + ttlMs);
    expect(seen[0]!).toBeLessThanOrEqual(Date.now() + ttlMs);
    expect(seen.at(-1)!).toBeGreaterThan(seen[0]!);
  });
});
