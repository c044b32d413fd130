import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
  type FilterNode,
  type FilterRecord,
} from '../../../src/ksc/filter/index.ts';

const compile = (text: string, now?: () => number): ((record: FilterRecord) => boolean) =>
  compileFilter(parseFilter(text), now === undefined ? {} : { now });

describe('compileFilter: spec §4 examples', () => {
  it('(KLHST_WKS_STATUS&1<>0) selects online hosts', () => {
    const online = compile('(KLHST_WKS_STATUS&1<>0)');
    expect(online({ KLHST_WKS_STATUS: 1 })).toBe(true);
    expect(online({ KLHST_WKS_STATUS: 0x25 })).toBe(true);
    expect(online({ KLHST_WKS_STATUS: 0 })).toBe(false);
    expect(online({ KLHST_WKS_STATUS: 4 })).toBe(false);
    expect(online({})).toBe(false);
  });

  it('hex masks with spaces test the named bit', () => {
    const agent = compile('KLHST_WKS_STATUS & 0x00000004 <> 0');
    const noAgent = compile('KLHST_WKS_STATUS & 0x00000004 = 0');
    const roaming = compile('KLHST_WKS_STATUS & 0x00000020 <> 0');
    expect(agent({ KLHST_WKS_STATUS: 5 })).toBe(true);
    expect(agent({ KLHST_WKS_STATUS: 3 })).toBe(false);
    expect(noAgent({ KLHST_WKS_STATUS: 3 })).toBe(true);
    expect(noAgent({ KLHST_WKS_STATUS: 5 })).toBe(false);
    expect(roaming({ KLHST_WKS_STATUS: 0x20n })).toBe(true);
    expect(roaming({ KLHST_WKS_STATUS: 0x1fn })).toBe(false);
  });

  it('the old mask attribute form compares like any integer', () => {
    const f = compile('KLHST_WKS_STATUS_MASK_1 <> 0');
    expect(f({ KLHST_WKS_STATUS_MASK_1: 1 })).toBe(true);
    expect(f({ KLHST_WKS_STATUS_MASK_1: 0 })).toBe(false);
  });

  it('(KLHST_WKS_GROUPID = 0) and the group/status combination', () => {
    expect(compile('(KLHST_WKS_GROUPID = 0)')({ KLHST_WKS_GROUPID: 0 })).toBe(true);
    expect(compile('(KLHST_WKS_GROUPID = 0)')({ KLHST_WKS_GROUPID: 1 })).toBe(false);
    const f = compile('(&(KLHST_WKS_GROUPID_GP <> 4)(KLHST_WKS_STATUS&1<>0))');
    expect(f({ KLHST_WKS_GROUPID_GP: 3, KLHST_WKS_STATUS: 1 })).toBe(true);
    expect(f({ KLHST_WKS_GROUPID_GP: 4, KLHST_WKS_STATUS: 1 })).toBe(false);
    expect(f({ KLHST_WKS_GROUPID_GP: 3, KLHST_WKS_STATUS: 2 })).toBe(false);
  });

  it('the same filter spread over lines behaves the same', () => {
    const f = compile(`(&
      (KLHST_WKS_GROUPID_GP <> 4)
      (KLHST_WKS_STATUS & 1 <> 0)
    )`);
    expect(f({ KLHST_WKS_GROUPID_GP: 3, KLHST_WKS_STATUS: 1 })).toBe(true);
    expect(f({ KLHST_WKS_GROUPID_GP: 4, KLHST_WKS_STATUS: 1 })).toBe(false);
  });

  it('string equality ignores case; a bare comparison works at top level', () => {
    const fqdn = compile('(KLHST_WKS_FQDN="host.example")');
    expect(fqdn({ KLHST_WKS_FQDN: 'HOST.Example' })).toBe(true);
    expect(fqdn({ KLHST_WKS_FQDN: 'host.example.org' })).toBe(false);
    const dn = compile('KLHST_WKS_DN = "name"');
    expect(dn({ KLHST_WKS_DN: 'Name' })).toBe(true);
    expect(dn({ KLHST_WKS_DN: 'names' })).toBe(false);
  });

  it('a string with doubled quotes matches the quoted text', () => {
    const f = compile('(KLHST_WKS_DN = "some ""computer""")');
    expect(f({ KLHST_WKS_DN: 'some "computer"' })).toBe(true);
    expect(f({ KLHST_WKS_DN: 'some ""computer""' })).toBe(false);
    expect(f({ KLHST_WKS_DN: 'some computer' })).toBe(false);
  });

  it('the KB wildcard filter matches by prefix', () => {
    const f = compile('(KLHST_WKS_DN="WIN10-*")');
    expect(f({ KLHST_WKS_DN: 'WIN10-PC01' })).toBe(true);
    expect(f({ KLHST_WKS_DN: 'win10-' })).toBe(true);
    expect(f({ KLHST_WKS_DN: 'WIN11-PC01' })).toBe(false);
  });

  it('the SDKH example negates a wildcard comparison without brackets', () => {
    const f = compile(
      '(&(!KLHST_WKS_PRODUCT_DISPLAY_VERSION = "5*")(|(KLHST_WKS_GROUPID = 0)(KLHST_WKS_GROUPID = 1))(KLHST_WKS_STATUS_MASK_0 <> 0))',
    );
    const host = {
      KLHST_WKS_PRODUCT_DISPLAY_VERSION: '6.0.1',
      KLHST_WKS_GROUPID: 1,
      KLHST_WKS_STATUS_MASK_0: 1,
    };
    expect(f(host)).toBe(true);
    expect(f({ ...host, KLHST_WKS_PRODUCT_DISPLAY_VERSION: '5.1' })).toBe(false);
    expect(f({ ...host, KLHST_WKS_GROUPID: 2 })).toBe(false);
    expect(f({ ...host, KLHST_WKS_STATUS_MASK_0: 0 })).toBe(false);
    // No version at all: the comparison is false, so its negation holds.
    const { KLHST_WKS_PRODUCT_DISPLAY_VERSION: _drop, ...noVersion } = host;
    expect(f(noVersion)).toBe(true);
  });

  it('the bases-date example brackets a time window and a record count', () => {
    const f = compile(
      '(&(&(KLHST_WKS_AV_BASES_DATE>=T"2017-8-3 12:57:47")(KLHST_WKS_AV_BASES_DATE<=T"2017-8-3 13:57:47"))(&(KLHST_WKS_AV_BASES_RECORDS>=1)(KLHST_WKS_AV_BASES_RECORDS<=2000000000)))',
    );
    const at = (iso: string, records: number): FilterRecord => ({
      KLHST_WKS_AV_BASES_DATE: new Date(iso),
      KLHST_WKS_AV_BASES_RECORDS: records,
    });
    expect(f(at('2017-08-03T12:57:47Z', 1))).toBe(true);
    expect(f(at('2017-08-03T13:57:47Z', 2000000000))).toBe(true);
    expect(f(at('2017-08-03T13:00:00Z', 500))).toBe(true);
    expect(f(at('2017-08-03T12:57:46Z', 500))).toBe(false);
    expect(f(at('2017-08-03T13:57:48Z', 500))).toBe(false);
    expect(f(at('2017-08-03T13:00:00Z', 0))).toBe(false);
    expect(f(at('2017-08-03T13:00:00Z', 2000000001))).toBe(false);
    // ISO strings (the wire form) work like Dates.
    expect(f({ KLHST_WKS_AV_BASES_DATE: '2017-08-03T13:00:00Z', KLHST_WKS_AV_BASES_RECORDS: 5 })).toBe(true);
  });

  it('T"2005-04-27 23:59:01" compares as UTC', () => {
    const f = compile('(KLHST_WKS_LAST_VISIBLE < T"2005-04-27 23:59:01")');
    expect(f({ KLHST_WKS_LAST_VISIBLE: new Date('2005-04-27T23:59:00Z') })).toBe(true);
    expect(f({ KLHST_WKS_LAST_VISIBLE: new Date('2005-04-27T23:59:01Z') })).toBe(false);
  });

  it('(KLHST_WKS_LAST_INFOUDATE > CURTIME(-86400)) uses the injected clock', () => {
    const now = Date.UTC(2024, 0, 10, 12, 0, 0);
    const f = compile('(KLHST_WKS_LAST_INFOUDATE > CURTIME(-86400))', () => now);
    expect(f({ KLHST_WKS_LAST_INFOUDATE: new Date(now - 3_600_000) })).toBe(true);
    expect(f({ KLHST_WKS_LAST_INFOUDATE: new Date(now - 86_399_000) })).toBe(true);
    expect(f({ KLHST_WKS_LAST_INFOUDATE: new Date(now - 86_400_000) })).toBe(false);
    expect(f({ KLHST_WKS_LAST_INFOUDATE: new Date(now - 2 * 86_400_000) })).toBe(false);
    expect(f({})).toBe(false);
  });

  it('the empty filter matches everything', () => {
    const f = compile('');
    expect(f({})).toBe(true);
    expect(f({ KLHST_WKS_DN: 'x' })).toBe(true);
  });
});

describe('compileFilter: semantics', () => {
  it('compares longs past 2^53 exactly', () => {
    const f = compile('(KLHST_WKS_IP_LONG = 9007199254740993)');
    expect(f({ KLHST_WKS_IP_LONG: 9007199254740993n })).toBe(true);
    expect(f({ KLHST_WKS_IP_LONG: 9007199254740992n })).toBe(false);
    // 2^53 + 1 is not a double; the nearest number must not be taken for it.
    expect(f({ KLHST_WKS_IP_LONG: 9007199254740992 })).toBe(false);
    expect(compile('(A > 9007199254740992)')({ A: 9007199254740993n })).toBe(true);
    expect(compile('(A < 9007199254740993)')({ A: 9007199254740992 })).toBe(true);
    expect(compile('(A & 0x8000000000000000 <> 0)')({ A: 2n ** 63n })).toBe(true);
    expect(compile('(A & 0x8000000000000000 <> 0)')({ A: 2n ** 62n })).toBe(false);
  });

  it('compares non-integer numbers exactly against integers', () => {
    expect(compile('(A > 1)')({ A: 1.5 })).toBe(true);
    expect(compile('(A = 1)')({ A: 1.5 })).toBe(false);
    expect(compile('(A & 1 = 1)')({ A: 1.5 })).toBe(false);
    expect(compile('(A <> 1)')({ A: Number.NaN })).toBe(false);
  });

  it('treats booleans as 0 and 1', () => {
    expect(compile('(A = 1)')({ A: true })).toBe(true);
    expect(compile('(A = 0)')({ A: false })).toBe(true);
    expect(compile('(A = 1)')({ A: false })).toBe(false);
    expect(compile('(A & 1 <> 0)')({ A: true })).toBe(true);
  });

  it('is false for absent attributes, whatever the operator, and `!` of that is true', () => {
    for (const op of ['=', '<>', '<', '>', '<=', '>=']) {
      expect(compile(`(A ${op} 1)`)({})).toBe(false);
      expect(compile(`(A ${op} 1)`)({ A: null })).toBe(false);
      expect(compile(`(A ${op} 1)`)({ A: undefined })).toBe(false);
      expect(compile(`(!(A ${op} 1))`)({})).toBe(true);
    }
  });

  it('looks attributes up exactly, own properties only', () => {
    expect(compile('(KLHST_WKS_DN = "x")')({ klhst_wks_dn: 'x' })).toBe(false);
    expect(compile('(constructor = "x")')({})).toBe(false);
    expect(compile('(toString <> "x")')({})).toBe(false);
    expect(compile('(__proto__ <> 1)')({})).toBe(false);
  });

  it('compares a quoted decimal numerically against numbers, and nothing else', () => {
    expect(compile('(A = "5")')({ A: 5 })).toBe(true);
    expect(compile('(A > "5")')({ A: 6n })).toBe(true);
    expect(compile('(A = "x")')({ A: 5 })).toBe(false);
    expect(compile('(A <> "x")')({ A: 5 })).toBe(false);
    expect(compile('(A = 5)')({ A: '5' })).toBe(true);
    expect(compile('(A = 5)')({ A: 'five' })).toBe(false);
    expect(compile('(A = 5)')({ A: new Date(5) })).toBe(false);
    expect(compile('(A = "x*")')({ A: 5 })).toBe(false);
    expect(compile('(A = T"2020-1-1 0:0:0")')({ A: Date.UTC(2020, 0, 1) })).toBe(false);
    expect(compile('(A = 1)')({ A: { valueOf: () => 1 } })).toBe(false);
  });

  it('orders strings case-insensitively', () => {
    expect(compile('(A < "b")')({ A: 'A' })).toBe(true);
    expect(compile('(A < "B")')({ A: 'a' })).toBe(true);
    expect(compile('(A >= "abc")')({ A: 'ABC' })).toBe(true);
    expect(compile('(A > "abc")')({ A: 'ABC' })).toBe(false);
    expect(compile('(A <> "abc")')({ A: 'ABC' })).toBe(false);
    expect(compile('(A <> "abc")')({ A: 'abd' })).toBe(true);
  });

  it('compares times in whole seconds and ignores unusable time values', () => {
    const f = compile('(A = T"2020-01-01 00:00:00")');
    expect(f({ A: new Date(Date.UTC(2020, 0, 1) + 999) })).toBe(true);
    expect(f({ A: new Date(Date.UTC(2020, 0, 1) + 1000) })).toBe(false);
    expect(f({ A: '2020-01-01T01:00:00+01:00' })).toBe(true);
    expect(f({ A: '2020-01-01T00:00:00' })).toBe(false);
    expect(f({ A: '' })).toBe(false);
    expect(f({ A: new Date(Number.NaN) })).toBe(false);
  });

  it('reads the clock once per compile, and only when CURTIME is used', () => {
    let calls = 0;
    let t = Date.UTC(2024, 0, 1);
    const clock = (): number => {
      calls += 1;
      return t;
    };
    compileFilter(parseFilter('(A = 1)'), { now: clock });
    expect(calls).toBe(0);
    const f = compileFilter(parseFilter('(|(A > CURTIME())(B < CURTIME(60)))'), { now: clock });
    expect(calls).toBe(1);
    const record = { A: new Date(Date.UTC(2024, 0, 1) + 30_000) };
    expect(f(record)).toBe(true);
    t += 60_000;
    // The predicate keeps the instant it was compiled at.
    expect(f(record)).toBe(true);
    expect(calls).toBe(1);
    expect(compileFilter(parseFilter('(A > CURTIME())'), { now: clock })(record)).toBe(false);
  });

  it('combines and / or / not', () => {
    const f = compile('(|(&(A = 1)(B = 2))(!(C = 3)))');
    expect(f({ A: 1, B: 2, C: 3 })).toBe(true);
    expect(f({ A: 1, B: 1, C: 3 })).toBe(false);
    expect(f({ A: 1, B: 1, C: 4 })).toBe(true);
  });

  it('rejects hand-built ASTs that break parser rules', () => {
    const wildcardNe: FilterNode = {
      kind: 'compare',
      attribute: 'A',
      attributePos: 1,
      op: '<>',
      value: {
        kind: 'string',
        text: 'a*',
        hasWildcards: true,
        pattern: [{ kind: 'literal', text: 'a' }, { kind: 'anySequence' }],
      },
    };
    expect(() => compileFilter(wildcardNe)).toThrow(FilterSyntaxError);
    const stringMask: FilterNode = {
      kind: 'compare',
      attribute: 'A',
      attributePos: 1,
      mask: 1n,
      op: '=',
      value: { kind: 'string', text: '1', hasWildcards: false },
    };
    expect(() => compileFilter(stringMask)).toThrow(FilterSyntaxError);
  });
});

describe('matchesFilter', () => {
  it('parses text or takes an AST', () => {
    expect(matchesFilter('(A = 1)', { A: 1 })).toBe(true);
    expect(matchesFilter(parseFilter('(A = 1)'), { A: 2 })).toBe(false);
  });

  it('passes parse and compile options through', () => {
    expect(() => matchesFilter('(ol = 1)', {}, { attributes: new Set(['A']) })).toThrow(
      "Pos 2. Unknown attribute 'ol'.",
    );
    expect(matchesFilter('(A > CURTIME(-10))', { A: new Date(1_000_000) }, { now: () => 1_005_000 })).toBe(
      true,
    );
  });
});
