import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const burst = fileURLToPath(new URL('./heap-growth/promoted-garbage.ts', import.meta.url));

function peakHeapMb(mode: 'limit' | 'default'): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', burst, mode], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { peakMb: number }).peakMb;
}

describe('limitHeapGrowth (kconnect serve under bursts)', () => {
  it('keeps the heap near its live set when a burst promotes its garbage', () => {
    const unlimited = peakHeapMb('default');
    const limited = peakHeapMb('limit');
    // ~25 MB live: unlimited, V8 lets the burst reach ~250 MB of heap; limited, ~100 MB.
    expect(unlimited).toBeGreaterThan(150);
    expect(limited).toBeLessThan(unlimited * 0.7);
  });
});
