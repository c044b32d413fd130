import { describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../src/commands/core/idempotency.ts';
import type { CommandResult } from '../../src/commands/core/types.ts';

const result = (status: CommandResult['status'], n: number): CommandResult => ({
  status,
  raw: n,
  context: null,
  keyFields: {},
  result: { title: 't', columns: [], rows: [] },
  errors: [],
});

describe('MemoryIdempotencyStore', () => {
  it('runs the work once per key, also for concurrent callers, and remembers it for the window', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore(() => now, 1000);
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return result('Successful', runs);
    };
    const [a, b] = await Promise.all([store.once('scan', 'k1', work), store.once('scan', 'k1', work)]);
    expect(runs).toBe(1);
    expect(a).toBe(b);
    expect((await store.once('scan', 'k1', work)).raw).toBe(1);
    expect((await store.once('isolate', 'k1', work)).raw).toBe(2);
    now = 1001;
    expect((await store.once('scan', 'k1', work)).raw).toBe(3);
  });

  it('does not remember a failure, so a corrected retry with the same key acts', async () => {
    const store = new MemoryIdempotencyStore(() => 0);
    let runs = 0;
    const failing = () => Promise.resolve(result(++runs === 1 ? 'Failed' : 'Successful', runs));
    expect((await store.once('scan', 'k', failing)).status).toBe('Failed');
    expect((await store.once('scan', 'k', failing)).status).toBe('Successful');
    expect((await store.once('scan', 'k', failing)).raw).toBe(2);
  });
});
