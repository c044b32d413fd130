import { describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../../src/emulator/core/clock.ts';

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
});
