/** A source of "now" in epoch milliseconds. Everything time-dependent in an emulator reads it, never Date.now. */
export interface Clock {
  now(): number;
}

/**
 * An emulator's clock: real time plus an offset the control API can advance, so tests make sessions expire,
 * agents synchronise and isolation end without waiting.
 */
export class EmulatorClock implements Clock {
  private offset = 0;
  /** While frozen, the real time at which the clock stopped: only `advance` moves it then. */
  private frozenAt: number | undefined;

  /**
   * @param base the real time.
   * @param offsetMs where to start ahead of real time: an offset read from {@link offsetMs} before a restart.
   */
  constructor(
    private readonly base: () => number = Date.now,
    offsetMs = 0,
  ) {
    if (!Number.isFinite(offsetMs)) throw new RangeError('the clock offset must be a finite number');
    this.offset = offsetMs;
  }

  now(): number {
    return (this.frozenAt ?? this.base()) + this.offset;
  }

  /**
   * How far the clock stands ahead of real time, ms: what a restart needs to continue from the same time (a
   * frozen clock falls behind as real time goes on, so the offset shrinks while it is frozen).
   */
  get offsetMs(): number {
    return this.now() - this.base();
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
    this.offset += this.frozenAt - this.base();
    this.frozenAt = undefined;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.offset += ms;
    return this.now();
  }
}
