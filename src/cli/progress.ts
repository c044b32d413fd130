import type { CliStream } from './cli-io.ts';

/** Wall-clock seconds as `m:ss`. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * One self-rewriting stderr line while a command waits between polls (a task, an isolation, a removal):
 * `Isolate Hosts: waiting 0:42 (look 3, up to 5:00)`. Only for a terminal; the caller decides that.
 */
export class ProgressLine {
  private looks = 0;
  private readonly started: number;
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

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

  private draw(): void {
    const limit = this.limitSeconds === undefined ? '' : `, up to ${clock(this.limitSeconds)}`;
    const elapsed = clock((this.now() - this.started) / 1000);
    this.stream.write(`\r\x1b[K${this.title}: waiting ${elapsed} (look ${this.looks}${limit})`);
    this.shown = true;
  }

  /** Removes the line, so the result starts on a clean one. */
  clear(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
