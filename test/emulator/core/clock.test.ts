import { describe, expect, it } from 'vitest';
import { EmulatorClock, LATEST_CLOCK_TIME, MAX_ADVANCE_MS } from '../../../src/emulator/core/clock.ts';

describe('EmulatorClock', () => {
  it('follows real time plus what was advanced; frozen, only advancing moves it; resumed, it goes on without a jump', () => {
    let real = 1_000_000;
    const clock = new EmulatorClock(() => real);
    real += 500;
    expect(clock.now()).toBe(1_000_500);
    clock.advance(10_000);
    expect(clock.now()).toBe(1_010_500);

    clock.freeze();
    real += 60_000;
    expect(clock.now()).toBe(1_010_500);
    clock.advance(1_000);
    expect(clock.now()).toBe(1_011_500);
    clock.freeze(); // freezing twice keeps the first stop
    expect(clock.frozen).toBe(true);

    clock.resume();
    expect(clock.now()).toBe(1_011_500);
    real += 250;
    expect(clock.now()).toBe(1_011_750);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

describe('EmulatorClock offset', () => {
  it('tells how far it stands ahead of real time, and a new clock continues from that offset', () => {
    let real = 1_000_000;
    const clock = new EmulatorClock(() => real);
    clock.advance(60_000);
    expect(clock.offsetMs).toBe(60_000);
    clock.freeze();
    real += 10_000;
    expect(clock.offsetMs).toBe(50_000);

    const restarted = new EmulatorClock(() => real, clock.offsetMs);
    expect(restarted.now()).toBe(clock.now());
    expect(() => new EmulatorClock(() => real, Number.NaN)).toThrow(RangeError);
  });

  it('moves at most ten years at a time and never past what KLOAPI can encode; a refused move changes nothing', () => {
    const real = Date.UTC(2026, 0, 1);
    const clock = new EmulatorClock(() => real);
    expect(() => clock.advance(1e16)).toThrow(RangeError);
    expect(() => clock.advance(MAX_ADVANCE_MS + 1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(clock.now()).toBe(real);
    for (let i = 0; i < 797; i++) clock.advance(MAX_ADVANCE_MS);
    expect(() => clock.advance(MAX_ADVANCE_MS)).toThrow(RangeError);
    expect(clock.now()).toBeLessThanOrEqual(LATEST_CLOCK_TIME);
    expect(new Date(clock.now()).toISOString()).toMatch(/^99\d\d-/);
  });

  it('restores an offset saved before a restart, frozen or not, and refuses one past the latest time', () => {
    let real = 5_000_000;
    const clock = new EmulatorClock(() => real);
    clock.restoreOffset(86_400_000);
    expect(clock.now()).toBe(real + 86_400_000);
    clock.freeze();
    real += 1000;
    clock.restoreOffset(0);
    expect(clock.now()).toBe(real);
    expect(() => clock.restoreOffset(LATEST_CLOCK_TIME)).toThrow(RangeError);
    expect(() => clock.restoreOffset(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toBe(real);
  });
});
