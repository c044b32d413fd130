/** The soak's memory judgement (proof/memory-trend.ts): V8's full-GC lines read, a slope with its interval. */
import { describe, expect, it } from 'vitest';
import { growsAtLeast, parseFullGc, trend } from '../../proof/memory-trend.ts';

describe('soak memory trend', () => {
  it('reads the heap a full GC left from a --trace-gc line, and nothing from a scavenge or a log line', () => {
    expect(
      parseFullGc(
        '[16722:0x12371180]    79058 ms: Mark-Compact 190.9 (216.8) -> 47.4 (117.9) MB, 41.12 / 0.08 ms  (average mu = 0.964)',
      ),
    ).toEqual({ uptimeMs: 79058, liveMb: 47.4 });
    expect(
      parseFullGc(
        '[1:0x1]   188030 ms: Mark-Compact (reduce) 185.8 (211.5) -> 43.5 (118.0) MB, 9.1 / 0.0 ms',
      ),
    ).toEqual({ uptimeMs: 188030, liveMb: 43.5 });
    expect(
      parseFullGc('[1:0x1]    62116 ms: Scavenge 145.3 (165.2) -> 131.2 (164.3) MB, 33.57 / 0.00 ms'),
    ).toBe(undefined);
    expect(parseFullGc('{"level":"debug","message":"call"}')).toBe(undefined);
  });

  it('finds an exact line, and a growing heap through noise', () => {
    const exact = trend([0, 1, 2, 3].map((x) => [x, 40 + 2 * x] as const));
    expect(exact.slope).toBeCloseTo(2);
    expect(exact.halfWidth95).toBeCloseTo(0);
    expect(growsAtLeast(exact, 1)).toBe(true);
    // 10 MB/h with ±2 MB of in-flight noise over an hour of full GCs stands out of its interval.
    const noise = [1.5, -2, 0.5, 2, -1, -1.5, 1, -0.5, 2, -2];
    const leaking = trend(
      Array.from({ length: 60 }, (_, i) => [i / 60, 45 + 10 * (i / 60) + noise[i % 10]!] as const),
    );
    expect(leaking.slope).toBeGreaterThan(5);
    expect(growsAtLeast(leaking, 1)).toBe(true);
  });

  it('does not call a flat heap with noise growing, and says how wide its interval is', () => {
    const flat = trend([42.5, 42.5, 45.7, 46.7, 46.7, 46.8, 43.5, 44.1].map((y, i) => [i / 120, y] as const));
    expect(flat.halfWidth95).toBeGreaterThan(Math.abs(flat.slope) / 10);
    expect(
      growsAtLeast(
        trend([
          [0, 45],
          [0.1, 44],
          [0.2, 46],
          [0.3, 45],
        ]),
        1,
      ),
    ).toBe(false);
    // Too few points to judge: an infinite interval, never "grows".
    expect(
      trend([
        [0, 1],
        [1, 2],
      ]).halfWidth95,
    ).toBe(Infinity);
  });
});
