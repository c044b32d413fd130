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

  constructor(private readonly base: () => number = Date.now) {}

  now(): number {
    return this.base() + this.offsetMs;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
    return this.now();
  }
}
