import { formatCount as count } from '../../commands/core/progress.ts';
import type { ProgressUpdate } from '../../commands/core/types.ts';
import type { CliStream } from './cli-io.ts';

/** Wall-clock seconds as `m:ss`. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Cells of the reading bar. */
const BAR_WIDTH = 20;
/** At most ~10 redraws a second: a terminal gains nothing from more, and a fast read would spend time on it. */
const REDRAW_MS = 100;
/** A read that ends sooner needs no bar; one that shows for a few milliseconds is only flicker. */
const SHOW_AFTER_MS = 250;

function bar(done: number, total: number): string {
  const filled = total <= 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.floor((BAR_WIDTH * done) / total));
  return '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
}

/**
 * One self-rewriting stderr line for a command's long work. While it reads a large result set:
 * `List Hosts: reading ███████░░░░░░░░░░░░░ 7,000/10,000 hosts` (or `reading 7,000 records` when KSC gave no
 * count); while it waits between polls (a task, an isolation, a removal):
 * `Isolate Hosts: waiting 0:42 (look 3, up to 5:00)`. Only for a terminal; the caller decides that.
 */
export class ProgressLine {
  private looks = 0;
  private readonly started: number;
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  /** When the reading bar was last drawn, or undefined while it is not on the line. */
  private barDrawnAt: number | undefined;

  constructor(
    private readonly stream: CliStream,
    private readonly title: string,
    private readonly now: () => number,
    private readonly limitSeconds: number | undefined,
  ) {
    this.started = now();
  }

  /** Wraps the command's sleep: the line shows while it sleeps and ticks once a second. */
  sleeper(sleep: (ms: number) => Promise<void>): (ms: number) => Promise<void> {
    return async (ms) => {
      this.looks++;
      this.draw();
      this.timer ??= setInterval(() => this.draw(), 1000);
      this.timer.unref();
      try {
        await sleep(ms);
      } finally {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /**
   * The command's progress listener. Reading draws the bar, throttled; a read whose first page was the whole
   * set, or that ends within {@link SHOW_AFTER_MS}, draws nothing. Waiting is the {@link sleeper}'s line, which
   * ticks by itself, so `waiting` updates are not drawn again here.
   */
  readonly update = (update: ProgressUpdate): void => {
    if (update.phase !== 'reading') return;
    const { done, total } = update;
    const complete = total !== undefined && done >= total;
    const now = this.now();
    if (this.barDrawnAt === undefined) {
      if (complete || now - this.started < SHOW_AFTER_MS) return;
    } else if (!complete && now - this.barDrawnAt < REDRAW_MS) {
      return;
    }
    const amount = total === undefined ? count(done) : `${bar(done, total)} ${count(done)}/${count(total)}`;
    this.stream.write(`\r\x1b[K${this.title}: reading ${amount} ${update.label}`);
    this.shown = true;
    this.barDrawnAt = now;
  };

  private draw(): void {
    const limit = this.limitSeconds === undefined ? '' : `, up to ${clock(this.limitSeconds)}`;
    const elapsed = clock((this.now() - this.started) / 1000);
    this.stream.write(`\r\x1b[K${this.title}: waiting ${elapsed} (look ${this.looks}${limit})`);
    this.shown = true;
    this.barDrawnAt = undefined;
  }

  /** Removes the line, so the result starts on a clean one. */
  clear(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
    this.barDrawnAt = undefined;
  }
}
