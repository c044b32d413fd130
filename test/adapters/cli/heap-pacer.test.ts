import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { heapPacer } from '../../../src/adapters/cli/heap-trim.ts';

describe('heapPacer (kconnect serve under bursts)', () => {
  it('collects once the heap grew by the slack, and not while it stays put', async () => {
    const pacer = heapPacer({ slackBytes: 8 * 1024 * 1024, checkEveryMs: 10, minGapMs: 0 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 60));
      const quiet = pacer.collections();
      // Garbage the heap holds until a collection: 16 MB of small arrays, kept reachable only briefly.
      let held: number[][] = [];
      for (let i = 0; i < 2000; i++) held.push(Array.from({ length: 1000 }, (_, j) => j));
      expect(getHeapStatistics().used_heap_size).toBeGreaterThan(0);
      held = [];
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(held).toHaveLength(0);
      expect(pacer.collections()).toBeGreaterThan(quiet);
    } finally {
      pacer.stop();
    }
  });

  it('asks for at most one collection per minGapMs', async () => {
    const pacer = heapPacer({ slackBytes: 0, checkEveryMs: 5, minGapMs: 10_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pacer.collections()).toBe(1);
    } finally {
      pacer.stop();
    }
  });
});
