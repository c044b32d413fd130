/** A source of "now" in epoch milliseconds. Everything time-dependent in the emulator reads it, never Date.now. */
export interface Clock {
  now(): number;
}

/**
 * The emulator's clock: real time plus an offset the control API can advance, so tests make sessions expire,
 * agents synchronise and isolation end without waiting.
 */
export class EmulatorClock implements Clock {
  private offsetMs = 0;
  /** While frozen, the real time at which the clock stopped: only `advance` moves it then. */
  private frozenAt: number | undefined;

  constructor(private readonly base: () => number = Date.now) {}

  now(): number {
    return (this.frozenAt ?? this.base()) + this.offsetMs;
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  /** Stops the clock (tests that assert "not yet" must not race the wall clock); `advance` still moves it. */
  freeze(): void {
    this.frozenAt ??= this.base();
  }

  /** Lets the clock run again from where it stands, without a jump. */
  resume(): void {
    if (this.frozenAt === undefined) return;
    this.offsetMs += this.frozenAt - this.base();
    this.frozenAt = undefined;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
    return this.now();
  }
}
