/** The terminal line of `kconnect intake run`: backfill with an ETA, then following with the lag. */
import { describe, expect, it } from 'vitest';
import { boardLine } from '../../../src/adapters/cli/intake-board.ts';
import type { PipelineStatus } from '../../../src/intake/status.ts';

const status = (changes: Partial<PipelineStatus>): PipelineStatus => ({
  pipeline: 'ksc-events',
  state: 'backfill',
  generation: 4,
  sourceCursor: null,
  sinkPosition: null,
  behind: undefined,
  lastBatch: undefined,
  totals: { records: 20_000, documents: 20_000, gaps: 0 },
  errors: [],
  startedAt: '2024-06-24T00:00:00.000Z',
  ...changes,
});

describe('boardLine', () => {
  it('shows backfill progress with the rate and an ETA from how far behind the source is', () => {
    const line = boardLine(
      {
        name: 'ksc-events',
        status: status({ behind: { records: 30_000 } }),
        atHeadAt: undefined,
        readThisRun: 20_000,
        runStartedAt: 0,
      },
      10_000,
    );
    expect(line).toBe(
      'ksc-events: backfill 20,000 read at 2,000/s, 30,000 to go, ~15 s left (20,000 records, 20,000 documents)',
    );
  });

  it('shows following with the lag since the source was last at its head', () => {
    const line = boardLine(
      {
        name: 'ksc-events',
        status: status({ state: 'following', totals: { records: 5, documents: 5, gaps: 1 } }),
        atHeadAt: 8_000,
        readThisRun: 5,
        runStartedAt: 0,
      },
      10_000,
    );
    expect(line).toBe('ksc-events: following, lag 2 s (5 records, 5 documents, 1 gaps)');
  });
});
