import { describe, expect, it } from 'vitest';
import { KconnectError } from '../../../src/errors.ts';
import {
  FilterSyntaxError,
  parseFilter,
  type ComparisonNode,
  type FilterNode,
  type ParseFilterOptions,
} from '../../../src/ksc/filter/index.ts';

/** The thrown error, asserting it is a FilterSyntaxError. */
function syntaxError(text: string, options?: ParseFilterOptions): FilterSyntaxError {
  try {
    parseFilter(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError);
    return error as FilterSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

function asComparison(node: FilterNode): ComparisonNode {
  expect(node.kind).toBe('compare');
  return node as ComparisonNode;
}

describe('parseFilter: filters quoted in spec §4', () => {
  // Copied verbatim from spec/ksc-open-api.md §4; where the spec abbreviates with `…` or a
  // placeholder, the second column fills it in.
  const examples: readonly string[] = [
    '(KLHST_WKS_STATUS&1<>0)',
    'KLHST_WKS_STATUS_MASK_1 <> 0',
    '(KLHST_WKS_GROUPID = 0)',
    '(KLHST_WKS_FQDN="host.example")',
    'KLHST_WKS_DN = "name"',
    '(&(KLHST_WKS_GROUPID_GP <> 4)(KLHST_WKS_STATUS&1<>0))',
    '(KLHST_WKS_LAST_INFOUDATE > CURTIME(-86400))',
    'KLHST_WKS_STATUS & 0x00000004 <> 0',
    'KLHST_WKS_STATUS & 0x00000004 = 0',
    'KLHST_WKS_STATUS & 0x00000020 <> 0',
    '(KLHST_WKS_DN="WIN10-*")',
    // `(KLHST_WKS_IP_LONG=<uint32>)` and `(KLHST_WKS_DN="…")` with the placeholders filled in:
    '(KLHST_WKS_IP_LONG=3232235777)',
    '(KLHST_WKS_DN="WIN10-PC01")',
    // the SDKH and "Computer query format" examples without their trailing `…`:
    '(&(!KLHST_WKS_PRODUCT_DISPLAY_VERSION = "5*")(|(KLHST_WKS_GROUPID = 0)(KLHST_WKS_GROUPID = 1))(KLHST_WKS_STATUS_MASK_0 <> 0))',
    '(&(&(KLHST_WKS_AV_BASES_DATE>=T"2017-8-3 12:57:47")(KLHST_WKS_AV_BASES_DATE<=T"2017-8-3 13:57:47"))(&(KLHST_WKS_AV_BASES_RECORDS>=1)(KLHST_WKS_AV_BASES_RECORDS<=2000000000)))',
    // values quoted in the grammar notes, in a comparison:
    '(KLHST_WKS_DN = "some ""computer""")',
    '(KLHST_WKS_LAST_VISIBLE < T"2005-04-27 23:59:01")',
    '',
  ];

  it.each(examples)('parses %j', (text) => {
    expect(() => parseFilter(text)).not.toThrow();
  });

  it('reads the bitwise online test as a masked comparison', () => {
    const node = asComparison(parseFilter('(KLHST_WKS_STATUS&1<>0)'));
    expect(node).toEqual({
      kind: 'compare',
      attribute: 'KLHST_WKS_STATUS',
      attributePos: 2,
      mask: 1n,
      op: '<>',
      value: { kind: 'integer', value: 0n },
    });
  });

  it('reads a hex mask with spaces', () => {
    const node = asComparison(parseFilter('KLHST_WKS_STATUS & 0x00000020 <> 0'));
    expect(node.mask).toBe(0x20n);
    expect(node.attributePos).toBe(1);
  });

  it('reads non-padded T"…" fields as UTC', () => {
    const node = parseFilter(
      '(&(&(KLHST_WKS_AV_BASES_DATE>=T"2017-8-3 12:57:47")(KLHST_WKS_AV_BASES_DATE<=T"2017-8-3 13:57:47"))(&(KLHST_WKS_AV_BASES_RECORDS>=1)(KLHST_WKS_AV_BASES_RECORDS<=2000000000)))',
    );
    expect(node.kind).toBe('and');
    if (node.kind !== 'and') return;
    const dates = node.children[0];
    expect(dates?.kind).toBe('and');
    if (dates?.kind !== 'and') return;
    const [from, to] = dates.children.map(asComparison);
    expect(from?.op).toBe('>=');
    expect(from?.value).toEqual({ kind: 'time', epochMs: Date.UTC(2017, 7, 3, 12, 57, 47) });
    expect(to?.op).toBe('<=');
    expect(to?.value).toEqual({ kind: 'time', epochMs: Date.UTC(2017, 7, 3, 13, 57, 47) });
  });

  it('unescapes doubled quotes', () => {
    const node = asComparison(parseFilter('(KLHST_WKS_DN = "some ""computer""")'));
    expect(node.value).toEqual({ kind: 'string', text: 'some "computer"', hasWildcards: false });
  });

  it('reads `!` before a bare comparison as a negated comparison', () => {
    const node = parseFilter('(!KLHST_WKS_PRODUCT_DISPLAY_VERSION = "5*")');
    expect(node.kind).toBe('not');
    if (node.kind !== 'not') return;
    const inner = asComparison(node.child);
    expect(inner.value).toEqual({
      kind: 'string',
      text: '5*',
      hasWildcards: true,
      pattern: [{ kind: 'literal', text: '5' }, { kind: 'anySequence' }],
    });
  });

  it('accepts a bare comparison at top level', () => {
    expect(parseFilter('KLHST_WKS_DN = "name"')).toEqual({
      kind: 'compare',
      attribute: 'KLHST_WKS_DN',
      attributePos: 1,
      op: '=',
      value: { kind: 'string', text: 'name', hasWildcards: false },
    });
  });

  it('treats empty and whitespace-only text as match-all', () => {
    expect(parseFilter('')).toEqual({ kind: 'all' });
    expect(parseFilter(' \n\t ')).toEqual({ kind: 'all' });
  });

  it('accepts whitespace and newlines between terms and around operators', () => {
    const compact = parseFilter('(&(KLHST_WKS_GROUPID_GP<>4)(KLHST_WKS_STATUS&1<>0))');
    const spread = parseFilter(`
      (&
        ( KLHST_WKS_GROUPID_GP <> 4 )
        (
          KLHST_WKS_STATUS & 1
            <> 0
        )
      )
    `);
    const stripPositions = (node: FilterNode): unknown =>
      JSON.parse(
        JSON.stringify(node, (key, v: unknown) =>
          key === 'attributePos' ? undefined : typeof v === 'bigint' ? String(v) : v,
        ),
      );
    expect(stripPositions(spread)).toEqual(stripPositions(compact));
  });
});

describe('parseFilter: values and operators', () => {
  it.each(['=', '<>', '<', '>', '<=', '>='] as const)('reads operator %s', (op) => {
    expect(asComparison(parseFilter(`(A ${op} 1)`)).op).toBe(op);
    expect(asComparison(parseFilter(`(A${op}1)`)).op).toBe(op);
  });

  it('reads signed integers and keeps 64-bit values exact', () => {
    expect(asComparison(parseFilter('(A > -5)')).value).toEqual({ kind: 'integer', value: -5n });
    expect(asComparison(parseFilter('(A = +7)')).value).toEqual({ kind: 'integer', value: 7n });
    expect(asComparison(parseFilter('(A = 9007199254740993)')).value).toEqual({
      kind: 'integer',
      value: 9007199254740993n,
    });
    expect(asComparison(parseFilter('(A = -9223372036854775808)')).value).toEqual({
      kind: 'integer',
      value: -(2n ** 63n),
    });
  });

  it('reads 0x constants as binary values', () => {
    expect(asComparison(parseFilter('(A = 0x0A0b)')).value).toEqual({
      kind: 'binary',
      hex: '0a0b',
      value: 0x0a0bn,
    });
  });

  it('reads CURTIME with and without an offset', () => {
    expect(asComparison(parseFilter('(A > CURTIME())')).value).toEqual({ kind: 'curtime', offsetSeconds: 0 });
    expect(asComparison(parseFilter('(A > CURTIME(+60))')).value).toEqual({
      kind: 'curtime',
      offsetSeconds: 60,
    });
    expect(asComparison(parseFilter('(A > CURTIME( -86400 ))')).value).toEqual({
      kind: 'curtime',
      offsetSeconds: -86400,
    });
  });

  it('reads 1- and 2-digit time fields alike', () => {
    const a = asComparison(parseFilter('(A = T"2024-02-29 01:02:03")')).value;
    const b = asComparison(parseFilter('(A = T"2024-2-29 1:2:3")')).value;
    expect(a).toEqual({ kind: 'time', epochMs: Date.UTC(2024, 1, 29, 1, 2, 3) });
    expect(b).toEqual(a);
  });

  it('masks accept decimal and hex, with or without spaces', () => {
    for (const text of ['(A&4<>0)', '(A & 4 <> 0)', '(A&0x4<>0)', '(A & 0x00000004 <> 0)']) {
      expect(asComparison(parseFilter(text)).mask).toBe(4n);
    }
  });

  it('accepts the attribute name shapes in use', () => {
    for (const name of [
      'KLHST_WKS_STATUS',
      'rise_time',
      'KLHST_WKS_GROUPID_GP',
      'event_db_id',
      'a.b-c',
      '_x1',
    ]) {
      expect(asComparison(parseFilter(`(${name} = 1)`)).attribute).toBe(name);
    }
  });

  it('records where each attribute starts', () => {
    const text = '(&(A = 1)(|(BB = 2)(!CCC = 3)))';
    const node = parseFilter(text);
    const positions: Record<string, number> = {};
    const walk = (n: FilterNode): void => {
      if (n.kind === 'compare') positions[n.attribute] = n.attributePos;
      else if (n.kind === 'and' || n.kind === 'or') n.children.forEach(walk);
      else if (n.kind === 'not') walk(n.child);
    };
    walk(node);
    expect(positions).toEqual({
      A: text.indexOf('A') + 1,
      BB: text.indexOf('BB') + 1,
      CCC: text.indexOf('CCC') + 1,
    });
  });

  it('accepts redundant brackets and negated groups', () => {
    expect(parseFilter('((A = 1))')).toEqual({ ...parseFilter('(A = 1)'), attributePos: 3 });
    expect(parseFilter('(!(&(A = 1)(B = 2)))').kind).toBe('not');
  });

  it('keeps wildcard characters only with =', () => {
    expect(asComparison(parseFilter('(A = "a?[b-d][^x]*")')).value.kind).toBe('string');
    expect(asComparison(parseFilter('(A < "abc")')).value).toEqual({
      kind: 'string',
      text: 'abc',
      hasWildcards: false,
    });
  });
});

describe('parseFilter: errors', () => {
  it('reports the missing closing bracket where it should be', () => {
    const text = '(KLHST_WKS_DN = "WIN10-PC1"';
    expect(text).toHaveLength(27);
    const error = syntaxError(text);
    expect(error.message).toBe("Pos 28. Closing bracket ')' expected.");
    expect(error.position).toBe(28);
    expect(error.reason).toBe("Closing bracket ')' expected.");
    expect(error).toBeInstanceOf(KconnectError);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.httpStatus).toBe(400);
  });

  it('rejects unknown attributes when the known set is given', () => {
    const known = new Set(['KLHST_WKS_DN', 'KLHST_WKS_STATUS']);
    expect(syntaxError('ol = 1', { attributes: known }).message).toBe("Pos 1. Unknown attribute 'ol'.");
    expect(syntaxError('(ol = 1)', { attributes: (name) => known.has(name) }).message).toBe(
      "Pos 2. Unknown attribute 'ol'.",
    );
    const nested = '(&(KLHST_WKS_DN = "x")(kl_unknown = 1))';
    expect(syntaxError(nested, { attributes: known }).message).toBe(
      `Pos ${nested.indexOf('kl_unknown') + 1}. Unknown attribute 'kl_unknown'.`,
    );
    expect(() => parseFilter('(KLHST_WKS_STATUS & 1 <> 0)', { attributes: known })).not.toThrow();
    expect(() => parseFilter('ol = 1')).not.toThrow();
  });

  const cases: readonly (readonly [string, string])[] = [
    ['(KLHST_WKS_DN = "abc)', 'Pos 17. Unterminated string.'],
    ['(KLHST_WKS_DN = "ab""c)', 'Pos 17. Unterminated string.'],
    ['(KLHST_WKS_DN <> "WIN*")', "Pos 18. Wildcards are only allowed with '='."],
    ['(KLHST_WKS_DN > "a?")', "Pos 17. Wildcards are only allowed with '='."],
    ['(KLHST_WKS_DN <= "[ab]")', "Pos 18. Wildcards are only allowed with '='."],
    ['(A > T"2017-02-30 00:00:00")', 'Pos 6. Invalid time value.'],
    ['(A > T"2017-8-3")', 'Pos 6. Invalid time value.'],
    ['(A > T"17-8-3 1:2:3")', 'Pos 6. Invalid time value.'],
    ['(A > T"2017-8-3 24:00:00")', 'Pos 6. Invalid time value.'],
    ['(A > T"2017-13-3 12:57:47")', 'Pos 6. Invalid time value.'],
    ['(A > T"2017-8-3 12:57:47', 'Pos 6. Unterminated string.'],
    ['(A 1)', 'Pos 4. Operator expected.'],
    ['(A != 1)', 'Pos 4. Operator expected.'],
    ['(A = )', 'Pos 6. Value expected.'],
    ['(A = B)', 'Pos 6. Value expected.'],
    ['(A =', 'Pos 5. Value expected.'],
    ['(A = 1) x', 'Pos 9. Unexpected data after the end of the filter.'],
    ['(A = 1)(B = 2)', 'Pos 8. Unexpected data after the end of the filter.'],
    ['(A = 1 #)', "Pos 8. Unexpected character '#'."],
    ['(A = 1)\u0000', 'Pos 8. Unexpected character U+0000.'],
    ['(&)', "Pos 3. Opening bracket '(' expected."],
    ['(&(A = 1)', "Pos 10. Closing bracket ')' expected."],
    ['(|A = 1)', "Pos 3. Opening bracket '(' expected."],
    ['()', 'Pos 2. Attribute expected.'],
    ['(!)', 'Pos 3. Attribute expected.'],
    [')', "Pos 1. Opening bracket '(' expected."],
    ['(A & x = 0)', 'Pos 6. Integer mask expected.'],
    ['(A & -1 = 0)', 'Pos 6. Integer mask expected.'],
    ['(A & 1 = "x")', 'Pos 10. Integer value expected after a bit mask.'],
    ['(A = "[a")', 'Pos 7. Unterminated character set.'],
    ['(A = "x""[]")', 'Pos 10. Unterminated character set.'],
    ['(A = "[z-a]")', "Pos 8. Invalid character range 'z-a'."],
    ['(A = 9223372036854775808)', 'Pos 6. Integer out of range.'],
    ['(A = 12ab)', 'Pos 6. Invalid number.'],
    ['(A = 0x)', 'Pos 6. Invalid number.'],
    ['(A = 0x1g)', 'Pos 6. Invalid number.'],
    ['(A > CURTIME(x))', "Pos 14. Closing bracket ')' expected."],
    ['(A > CURTIME -5)', "Pos 14. Opening bracket '(' expected."],
    ['(A > CURTIME(99999999999999))', 'Pos 14. CURTIME offset out of range.'],
  ];

  it.each(cases)('%j → %s', (text, message) => {
    const error = syntaxError(text);
    expect(error.message).toBe(message);
    expect(`Pos ${error.position}. ${error.reason}`).toBe(message);
  });

  it('caps nesting depth with its own error', () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}A = 1${')'.repeat(depth)}`;
    expect(() => parseFilter(nested(5), { maxDepth: 5 })).not.toThrow();
    expect(syntaxError(nested(6), { maxDepth: 5 }).message).toBe(
      'Pos 6. Nesting too deep (more than 5 levels).',
    );
    expect(() => parseFilter(nested(200))).not.toThrow();
    expect(syntaxError(nested(201)).message).toBe('Pos 201. Nesting too deep (more than 200 levels).');
    expect(syntaxError('!'.repeat(6) + 'A = 1', { maxDepth: 5 }).reason).toBe(
      'Nesting too deep (more than 5 levels).',
    );
  });

  it('caps input length with its own error', () => {
    const text = `(A = "${'x'.repeat(100)}")`;
    expect(() => parseFilter(text, { maxLength: text.length })).not.toThrow();
    expect(syntaxError(text, { maxLength: text.length - 1 }).message).toBe(
      `Pos ${text.length}. Filter too long (more than ${text.length - 1} characters).`,
    );
    expect(syntaxError(' '.repeat(70_000)).reason).toBe('Filter too long (more than 65536 characters).');
  });
});
