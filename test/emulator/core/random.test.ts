import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, WeightedTable, hashString } from '../../../src/emulator/core/random.ts';

const draw = (rng: Random, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

describe('Random (seeded sfc32)', () => {
  it('repeats its sequence for the same seed and stream, and differs otherwise', () => {
    expect(draw(new Random(7), 20)).toEqual(draw(new Random(7), 20));
    expect(draw(new Random(7), 20)).not.toEqual(draw(new Random(8), 20));
    expect(draw(new Random(7, 1), 20)).not.toEqual(draw(new Random(7, 2), 20));
    expect(draw(Random.derive(7, 'hosts/0'), 5)).toEqual(draw(Random.derive(7, 'hosts/0'), 5));
    expect(draw(Random.derive(7, 'hosts/0'), 5)).not.toEqual(draw(Random.derive(7, 'hosts/1'), 5));
  });

  it('tells seeds beyond 32 bits apart', () => {
    expect(draw(new Random(2 ** 40), 5)).not.toEqual(draw(new Random(0), 5));
  });

  it('rejects a seed that is not a finite number', () => {
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
  });

  it('keeps int(min, max) within both bounds', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (seed, min, span) => {
          const rng = new Random(seed);
          for (let i = 0; i < 20; i++) {
            const value = rng.int(min, min + span);
            expect(Number.isInteger(value)).toBe(true);
            expect(value).toBeGreaterThanOrEqual(min);
            expect(value).toBeLessThanOrEqual(min + span);
          }
        },
      ),
    );
  });

  it('draws floats in [0, 1) with a plausible mean', () => {
    const rng = new Random(3);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = rng.float();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      sum += value;
    }
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
  });

  it('makes lowercase version-4 GUIDs, all distinct', () => {
    const rng = new Random(11);
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const guid = rng.guid();
      expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(guid);
    }
    expect(seen.size).toBe(5_000);
  });

  it('picks from a list and refuses an empty one', () => {
    const rng = new Random(1);
    expect(['a', 'b', 'c']).toContain(rng.pick(['a', 'b', 'c']));
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});

describe('WeightedTable', () => {
  it('picks in proportion to the weights and never a zero-weight value', () => {
    const table = new WeightedTable([
      ['often', 8],
      ['rarely', 2],
      ['never', 0],
    ] as const);
    const rng = new Random(5);
    const counts = { often: 0, rarely: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[table.pick(rng)] += 1;
    expect(counts.never).toBe(0);
    expect(counts.often / 10_000).toBeGreaterThan(0.77);
    expect(counts.often / 10_000).toBeLessThan(0.83);
  });

  it('needs a positive weight', () => {
    expect(() => new WeightedTable([['x', 0]])).toThrow(RangeError);
  });
});

describe('hashString', () => {
  it('is the 32-bit FNV-1a hash', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
  });
});
