import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KconnectError } from '../../../src/errors.ts';
import {
  compileFilter,
  filter,
  FilterBuildError,
  FilterExpression,
  parseFilter,
  type FilterRecord,
} from '../../../src/ksc/filter/index.ts';

/** Builder output, parsed back and compiled, as the server (or the emulator) would see it. */
function evaluate(built: FilterExpression, now?: () => number): (record: FilterRecord) => boolean {
  return compileFilter(parseFilter(built.toString()), now === undefined ? {} : { now });
}

function buildError(build: () => unknown): FilterBuildError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(FilterBuildError);
    return error as FilterBuildError;
  }
  throw new Error('expected the builder to throw');
}

describe('filter builder', () => {
  it('writes comparisons with quoted, literal strings', () => {
    expect(filter.eq('KLHST_WKS_DN', 'WIN10-PC01').toString()).toBe('(KLHST_WKS_DN = "WIN10-PC01")');
    expect(filter.eq('KLHST_WKS_DN', 'some "computer"').toString()).toBe(
      '(KLHST_WKS_DN = "some ""computer""")',
    );
    expect(filter.eq('KLHST_WKS_DN', 'a*b?c[d]').toString()).toBe('(KLHST_WKS_DN = "a[*]b[?]c[[]d]")');
    expect(`${filter.ne('KLHST_WKS_DN', 'x')}`).toBe('(KLHST_WKS_DN <> "x")');
    expect(`${filter.ne('KLHST_WKS_DN', 'x*')}`).toBe('(!(KLHST_WKS_DN = "x[*]"))');
  });

  it('a hostname of * matches only a host literally named *', () => {
    const f = evaluate(filter.eq('KLHST_WKS_DN', '*'));
    expect(f({ KLHST_WKS_DN: '*' })).toBe(true);
    expect(f({ KLHST_WKS_DN: 'WIN10-PC01' })).toBe(false);
    expect(f({ KLHST_WKS_DN: '' })).toBe(false);
    const g = evaluate(filter.eq('KLHST_WKS_DN', 'WIN?-[a-z]'));
    expect(g({ KLHST_WKS_DN: 'win?-[A-Z]' })).toBe(true);
    expect(g({ KLHST_WKS_DN: 'WIN1-a' })).toBe(false);
  });

  it('writes numbers, bigints, booleans, dates and relative times', () => {
    expect(filter.eq('KLHST_WKS_GROUPID', 0).toString()).toBe('(KLHST_WKS_GROUPID = 0)');
    expect(filter.lt('A', -5).toString()).toBe('(A < -5)');
    expect(filter.eq('KLHST_WKS_IP_LONG', 9007199254740993n).toString()).toBe(
      '(KLHST_WKS_IP_LONG = 9007199254740993)',
    );
    expect(filter.eq('A', true).toString()).toBe('(A = 1)');
    expect(
      filter.ge('KLHST_WKS_AV_BASES_DATE', new Date(Date.UTC(2017, 7, 3, 2, 5, 7, 900))).toString(),
    ).toBe('(KLHST_WKS_AV_BASES_DATE >= T"2017-08-03 02:05:07")');
    expect(filter.time(new Date('0005-01-02T00:00:00Z')).toString()).toBe('T"0005-01-02 00:00:00"');
    expect(filter.gt('KLHST_WKS_LAST_INFOUDATE', filter.curtime(-86400)).toString()).toBe(
      '(KLHST_WKS_LAST_INFOUDATE > CURTIME(-86400))',
    );
    expect(filter.curtime().toString()).toBe('CURTIME()');
    expect(filter.curtime(60).toString()).toBe('CURTIME(60)');
    expect(filter.le('A', filter.time(new Date(0))).toString()).toBe('(A <= T"1970-01-01 00:00:00")');
  });

  it('writes bit tests that evaluate as masks', () => {
    expect(filter.bitSet('KLHST_WKS_STATUS', 4).toString()).toBe('(KLHST_WKS_STATUS & 0x4 <> 0)');
    expect(filter.bitClear('KLHST_WKS_STATUS', 0x20n).toString()).toBe('(KLHST_WKS_STATUS & 0x20 = 0)');
    const set = evaluate(filter.bitSet('S', 0b101));
    expect(set({ S: 4 })).toBe(true);
    expect(set({ S: 2 })).toBe(false);
    const clear = evaluate(filter.bitClear('S', 0b101));
    expect(clear({ S: 2 })).toBe(true);
    expect(clear({ S: 1 })).toBe(false);
  });

  it('composes with and / or / not', () => {
    const f = filter.and(
      filter.or(filter.eq('KLHST_WKS_GROUPID', 0), filter.eq('KLHST_WKS_GROUPID', 1)),
      filter.not(filter.like('KLHST_WKS_PRODUCT_DISPLAY_VERSION', '5*')),
      filter.bitSet('KLHST_WKS_STATUS', 1),
    );
    expect(f.toString()).toBe(
      '(&(|(KLHST_WKS_GROUPID = 0)(KLHST_WKS_GROUPID = 1))(!(KLHST_WKS_PRODUCT_DISPLAY_VERSION = "5*"))(KLHST_WKS_STATUS & 0x1 <> 0))',
    );
    const test = evaluate(f);
    const host = { KLHST_WKS_GROUPID: 1, KLHST_WKS_PRODUCT_DISPLAY_VERSION: '6.0', KLHST_WKS_STATUS: 1 };
    expect(test(host)).toBe(true);
    expect(test({ ...host, KLHST_WKS_PRODUCT_DISPLAY_VERSION: '5.5' })).toBe(false);
    expect(test({ ...host, KLHST_WKS_GROUPID: 7 })).toBe(false);
  });

  it('handles the match-all filter in compositions', () => {
    const a = filter.eq('A', 1);
    expect(filter.all().toString()).toBe('');
    expect(filter.and().toString()).toBe('');
    expect(filter.and(filter.all(), a)).toBe(a);
    expect(filter.or(a)).toBe(a);
    expect(filter.or(a, filter.all()).matchesAll).toBe(true);
    expect(buildError(() => filter.or()).code).toBe('INVALID_INPUT');
    expect(buildError(() => filter.not(filter.all())).code).toBe('INVALID_INPUT');
  });

  it('validates attribute names and names the bad one', () => {
    for (const bad of ['', 'a b', 'x)(|(y=1', '1abc', 'a"b', 'ü']) {
      const error = buildError(() => filter.eq(bad, 1));
      expect(error).toBeInstanceOf(KconnectError);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.argument).toBe(bad);
      expect(error.message).toContain(JSON.stringify(bad));
    }
    expect(buildError(() => filter.bitSet('a b', 1)).argument).toBe('a b');
    expect(buildError(() => filter.ne('a b', 'x*')).argument).toBe('a b');
    expect(buildError(() => filter.like('a b', 'x*')).argument).toBe('a b');
  });

  it('rejects values it cannot write safely', () => {
    expect(buildError(() => filter.eq('A', 2 ** 53)).argument).toBe('A');
    expect(buildError(() => filter.eq('A', 1.5)).argument).toBe('A');
    expect(buildError(() => filter.eq('A', 2n ** 63n)).argument).toBe('A');
    expect(buildError(() => filter.eq('A', new Date(Number.NaN))).argument).toBe('A');
    expect(buildError(() => filter.eq('A', new Date(Date.UTC(10000, 0, 1)))).argument).toBe('A');
    expect(buildError(() => filter.gt('A', 'a*')).argument).toBe('A');
    expect(buildError(() => filter.le('A', '[x')).argument).toBe('A');
    expect(buildError(() => filter.bitSet('A', 0)).argument).toBe('A');
    expect(buildError(() => filter.bitSet('A', -1n)).argument).toBe('A');
    expect(buildError(() => filter.like('A', '[z-a]')).message).toContain("Invalid character range 'z-a'.");
    expect(buildError(() => filter.curtime(0.5)).code).toBe('INVALID_INPUT');
    expect(() => filter.time(new Date(Number.NaN))).toThrow(FilterBuildError);
  });

  it('cannot be forged from outside', () => {
    const Ctor = FilterExpression as unknown as new (mint: symbol, text: string) => FilterExpression;
    expect(() => new Ctor(Symbol('kconnect.filter.mint'), '(A = 1)')).toThrow(TypeError);
  });

  it('relative times evaluate against the clock', () => {
    const now = Date.UTC(2024, 5, 1);
    const f = evaluate(filter.gt('D', filter.curtime(-60)), () => now);
    expect(f({ D: new Date(now - 30_000) })).toBe(true);
    expect(f({ D: new Date(now - 90_000) })).toBe(false);
  });
});

describe('filter builder properties', () => {
  const special = fc.string({
    unit: fc.constantFrom(
      '"',
      '*',
      '?',
      '[',
      ']',
      '^',
      '-',
      'a',
      'B',
      ' ',
      '\n',
      '(',
      ')',
      '&',
      '|',
      '!',
      '=',
      '<',
    ),
    maxLength: 16,
  });
  const anyText = fc.oneof(
    special,
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.string({ maxLength: 16 }),
  );

  it('eq matches exactly the value itself, compared case-insensitively', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const f = evaluate(filter.eq('A', s));
        expect(f({ A: s })).toBe(true);
        expect(f({ A: `${s}x` })).toBe(false);
        expect(f({ A: `x${s}` })).toBe(false);
        if (/^[\x20-\x7e]*$/.test(s)) {
          expect(f({ A: s.toUpperCase() })).toBe(true);
          expect(f({ A: s.toLowerCase() })).toBe(true);
        }
        for (const wildcard of ['*', '?', '[']) {
          if (s.includes(wildcard)) {
            expect(f({ A: s.replace(wildcard, 'zz') })).toBe(false);
            expect(f({ A: s.replace(wildcard, '') })).toBe(false);
            expect(f({ A: s.replace(wildcard, 'q') })).toBe(false);
          }
        }
        expect(f({})).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });

  it('ne matches everything but the value itself', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const f = evaluate(filter.ne('A', s));
        expect(f({ A: s })).toBe(false);
        expect(f({ A: `${s}x` })).toBe(true);
        if (/^[\x20-\x7e]*$/.test(s)) expect(f({ A: s.toUpperCase() })).toBe(false);
        for (const wildcard of ['*', '?', '[']) {
          if (s.includes(wildcard)) expect(f({ A: s.replace(wildcard, 'zz') })).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('integers round-trip exactly through text', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        expect(evaluate(filter.eq('N', a))({ N: b })).toBe(a === b);
        expect(evaluate(filter.lt('N', a))({ N: b })).toBe(b < a);
        expect(evaluate(filter.ge('N', a))({ N: b })).toBe(b >= a);
      }),
      { numRuns: 500 },
    );
  });

  it('dates round-trip to the second', () => {
    const date = fc.date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(date, date, (a, b) => {
        const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
        expect(evaluate(filter.eq('D', a))({ D: b })).toBe(seconds(a) === seconds(b));
        expect(evaluate(filter.gt('D', a))({ D: b })).toBe(seconds(b) > seconds(a));
        expect(evaluate(filter.eq('D', a))({ D: a })).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
