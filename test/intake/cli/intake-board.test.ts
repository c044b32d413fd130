/** The terminal line of `kconnect intake run`: backfill with an ETA, then following with the lag. */
import { describe, expect, it } from 'vitest';
import { boardLine, fitLine, IntakeBoard } from '../../../src/adapters/cli/intake-board.ts';
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

describe('IntakeBoard', () => {
  /** A terminal of `columns` columns that keeps what was written. */
  const terminal = (columns: number | undefined) => {
    const written: string[] = [];
    return { written, stream: { isTTY: true, columns, write: (text: string) => written.push(text) } };
  };

  it('shows one line per sink of a sinks: pipeline, each from its own status, next to a single-sink one', () => {
    let now = 10_000;
    const { stream } = terminal(200);
    const board = new IntakeBoard(stream, ['ksc-to-bus', 'kics-events'], () => now);
    expect(board.lines()).toEqual(['ksc-to-bus: starting', 'kics-events: starting']);
    board.update(status({ pipeline: 'ksc-to-bus', sink: 'nats', state: 'following' }));
    board.update(
      status({
        pipeline: 'ksc-to-bus',
        sink: 'syslog',
        state: 'retrying',
        totals: { records: 400, documents: 400, gaps: 0 },
        blockedStage: 'sink-write',
        blockedSince: new Date(now - 65_000).toISOString(),
        errors: [
          {
            at: '2024-06-24T00:00:00.000Z',
            stage: 'sink-write',
            name: 'SyslogUnavailableError',
            code: 'UNAVAILABLE',
            message: 'refused',
            retryable: true,
          },
        ],
      }),
    );
    board.update(
      status({ pipeline: 'kics-events', state: 'following', totals: { records: 7, documents: 7, gaps: 0 } }),
    );
    board.atHead('ksc-to-bus');
    now += 3_000;
    // The syslog sink's line does not replace the NATS one's.
    expect(board.lines()).toEqual([
      'ksc-to-bus [nats]: following, lag 3 s (20,000 records, 20,000 documents)',
      'ksc-to-bus [syslog]: retrying, sink-write failing for 1:08 after: refused (400 records, 400 documents)',
      'kics-events: following (7 records, 7 documents)',
    ]);
  });

  it('cuts lines to the terminal width, so none wraps and the redraw erases exactly its lines', () => {
    const { stream, written } = terminal(40);
    const board = new IntakeBoard(stream, ['a-pipeline-with-a-long-name'], () => 0);
    board.update(status({ pipeline: 'a-pipeline-with-a-long-name', sink: 'postgres', state: 'following' }));
    const [line] = board.lines();
    expect(line).toBe('a-pipeline-with-a-long-name [postgres]…');
    expect([...line!].length).toBe(39);
    board.start();
    board.stop();
    expect(written.slice(-2).join('')).toBe('\x1b[1A\r\x1b[J\x1b[Ka-pipeline-with-a-long-name [postgres]…\n');
    expect(fitLine('short', 40)).toBe('short');
    expect(fitLine('no terminal width: whole', undefined)).toBe('no terminal width: whole');
  });
});
