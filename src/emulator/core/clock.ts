/**
 * The latest time an emulator's clock may show: KLOAPI encodes datetimes with four-digit years (0000–9999), and a
 * year of room is left for what the emulator dates after "now" (lifetimes, schedules, isolation ends).
 */
export const LATEST_CLOCK_TIME = Date.UTC(9999, 0, 1);

/** The most one advance of the clock may skip: ten years. */
export const MAX_ADVANCE_MS = 10 * 365.25 * 86_400_000;

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
    if (this.now() > LATEST_CLOCK_TIME) throw new RangeError('the clock offset passes the latest clock time');
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

  /**
   * Continues from an offset a previous run read from {@link offsetMs}, so a restarted emulator keeps its time.
   *
   * @throws {RangeError} for a non-finite offset or one past {@link LATEST_CLOCK_TIME} (the clock is unchanged).
   */
  restoreOffset(offsetMs: number): void {
    if (!Number.isFinite(offsetMs)) throw new RangeError('the clock offset must be a finite number');
    const shift = offsetMs - this.offsetMs;
    if (this.now() + shift > LATEST_CLOCK_TIME)
      throw new RangeError('the clock offset passes the latest clock time');
    this.offset += shift;
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

  /**
   * Moves the clock forward by `ms` and returns the new time.
   *
   * @throws {RangeError} for a negative or non-finite `ms`, one beyond {@link MAX_ADVANCE_MS}, or one that would
   *   take the clock past {@link LATEST_CLOCK_TIME} (the clock stays where it was).
   */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    if (ms > MAX_ADVANCE_MS) throw new RangeError('the clock moves at most ten years at a time');
    if (this.now() + ms > LATEST_CLOCK_TIME)
      throw new RangeError(`the clock cannot pass ${new Date(LATEST_CLOCK_TIME).toISOString()}`);
    this.offset += ms;
    return this.now();
  }
}
