/**
 * What `kconnect intake run` shows on a terminal: one self-rewriting line per pipeline — one per sink for a
 * `sinks:` pipeline, since each sink runs from its own checkpoint — with backfill progress and an ETA when the
 * source says how far behind it is, then "following, lag 2 s"; warnings printed above. Lines are cut to the
 * terminal's width: a wrapped line would take two rows and the board would erase one too few.
 */
import { formatCount as count } from '../../commands/core/progress.ts';
import type { PipelineStatus } from '../../intake/status.ts';
import type { CliStream } from './cli-io.ts';

/** A terminal's stream: `columns` when it is one (Node's `process.stderr` has it). */
export type BoardStream = CliStream & { readonly columns?: number | undefined };

/** What the board knows of one pipeline, or of one sink of a `sinks:` pipeline. */
export interface PipelineView {
  /** `ksc-events`, or `ksc-to-bus [nats]` for a sink of a `sinks:` pipeline. */
  readonly name: string;
  readonly status: PipelineStatus | undefined;
  /** When the source last reported being at its head (ms): a following pipeline is at most this far behind. */
  readonly atHeadAt: number | undefined;
  /** Records read in this run, and since when, for the rate behind the ETA. */
  readonly readThisRun: number;
  readonly runStartedAt: number;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}:${String(s % 60).padStart(2, '0')}`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** One pipeline's line, without terminal codes. */
export function boardLine(view: PipelineView, now: number): string {
  const status = view.status;
  if (status === undefined) return `${view.name}: starting`;
  const totals = `${count(status.totals.records)} records, ${count(status.totals.documents)} documents${
    status.totals.gaps > 0 ? `, ${count(status.totals.gaps)} gaps` : ''
  }`;
  const lastError = status.errors[status.errors.length - 1];
  switch (status.state) {
    case 'starting':
      return `${view.name}: starting`;
    case 'backfill': {
      const behind = status.behind?.records;
      const elapsed = (now - view.runStartedAt) / 1000;
      const rate = elapsed > 0 ? view.readThisRun / elapsed : 0;
      const togo = behind === undefined ? '' : `, ${count(behind)} to go`;
      const eta = behind !== undefined && rate > 0 ? `, ~${duration(behind / rate)} left` : '';
      const late = status.behind?.seconds === undefined ? '' : `, ${duration(status.behind.seconds)} behind`;
      const speed = rate > 0 ? ` at ${count(rate)}/s` : '';
      return `${view.name}: backfill ${count(view.readThisRun)} read${speed}${togo}${eta}${late} (${totals})`;
    }
    case 'following': {
      const lag = view.atHeadAt === undefined ? '' : `, lag ${duration((now - view.atHeadAt) / 1000)}`;
      return `${view.name}: following${lag} (${totals})`;
    }
    case 'retrying': {
      const outage =
        status.blockedSince === undefined
          ? ''
          : `, ${status.blockedStage ?? 'step'} failing for ${duration((now - Date.parse(status.blockedSince)) / 1000)}`;
      return `${view.name}: retrying${outage}${lastError === undefined ? '' : ` after: ${lastError.message}`} (${totals})`;
    }
    case 'stopping':
      return `${view.name}: stopping, committing the batch in hand (${totals})`;
    case 'stopped':
      return `${view.name}: stopped at generation ${status.generation} (${totals})`;
    case 'failed':
      return `${view.name}: failed${lastError === undefined ? '' : `: ${lastError.message}`} (${totals})`;
  }
}

/** A line cut to a terminal's width (one column spare: some terminals wrap on the last one), or whole. */
export function fitLine(line: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2) return line;
  const room = columns - 1;
  const characters = [...line];
  return characters.length <= room ? line : `${characters.slice(0, room - 1).join('')}…`;
}

/** Redraws at most this often, and once a second so the lag ticks. */
const REDRAW_MS = 250;

/** The key of the one view of a pipeline with a single `sink:` (its statuses name no sink). */
const SINGLE = '';

/** The lines of every running pipeline on a terminal's stream; warnings go above them. */
export class IntakeBoard {
  /** Per pipeline (in the configuration's order), its views: one under SINGLE, or one per sink. */
  private readonly views = new Map<string, Map<string, PipelineView>>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastDraw = 0;

  constructor(
    private readonly stream: BoardStream,
    names: readonly string[],
    private readonly now: () => number,
  ) {
    const started = now();
    for (const name of names)
      this.views.set(
        name,
        new Map([
          [SINGLE, { name, status: undefined, atHeadAt: undefined, readThisRun: 0, runStartedAt: started }],
        ]),
      );
  }

  start(): void {
    this.draw();
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  /** A pipeline's new status (the runner's `onProgress`). */
  update(status: PipelineStatus): void {
    const sinks = this.views.get(status.pipeline);
    if (sinks === undefined) return;
    const key = status.sink ?? SINGLE;
    let view = sinks.get(key);
    if (view === undefined) {
      // The first status of one of its sinks: the pipeline's placeholder gives way to a line per sink.
      const placeholder = sinks.get(SINGLE);
      sinks.delete(SINGLE);
      view = {
        name: `${status.pipeline} [${key}]`,
        status: undefined,
        atHeadAt: placeholder?.atHeadAt,
        readThisRun: 0,
        runStartedAt: placeholder?.runStartedAt ?? this.now(),
      };
    }
    const read =
      view.status === undefined || status.totals.records < view.status.totals.records
        ? 0
        : status.totals.records - view.status.totals.records;
    sinks.set(key, { ...view, status, readThisRun: view.status === undefined ? 0 : view.readThisRun + read });
    if (this.now() - this.lastDraw >= REDRAW_MS || status.state !== view.status?.state) this.draw();
  }

  /** The pipeline's source reported being at its head just now (one source feeds all its sinks). */
  atHead(name: string): void {
    const sinks = this.views.get(name);
    if (sinks === undefined) return;
    for (const [key, view] of sinks) sinks.set(key, { ...view, atHeadAt: this.now() });
  }

  /** The lines the board shows now, without terminal codes, cut to the terminal's width. */
  lines(): string[] {
    const now = this.now();
    return [...this.views.values()].flatMap((sinks) =>
      [...sinks.values()].map((view) => fitLine(boardLine(view, now), this.stream.columns)),
    );
  }

  /** A line above the board (a warning), which then redraws below it. */
  print(line: string): void {
    this.erase();
    this.stream.write(`${line}\n`);
    this.draw();
  }

  /** Draws the final lines and leaves them on the terminal. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.drawn = 0;
  }

  private erase(): void {
    if (this.drawn === 0) return;
    this.stream.write(`\x1b[${this.drawn}A\r\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.erase();
    const lines = this.lines().map((line) => `\x1b[K${line}\n`);
    this.stream.write(lines.join(''));
    this.drawn = lines.length;
    this.lastDraw = this.now();
  }
}
