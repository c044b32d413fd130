import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  compileWildcard,
  parseFilter,
  parseWildcardPattern,
  type PatternElement,
} from '../../../src/ksc/filter/index.ts';

/** `(A = "pattern")` with the pattern quoted, evaluated through the whole pipeline. */
function matches(pattern: string, value: string): boolean {
  const text = `(A = "${pattern.replaceAll('"', '""')}")`;
  return compileFilter(parseFilter(text))({ A: value });
}

describe('wildcard matching', () => {
  const table: readonly (readonly [pattern: string, value: string, expected: boolean])[] = [
    ['*', '', true],
    ['*', 'anything at all', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['*c', 'abcd', false],
    ['a*c', 'ac', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'abbbcd', false],
    ['*b*', 'abc', true],
    ['*b*', 'acd', false],
    ['a**b', 'ab', true],
    ['?', 'x', true],
    ['?', '', false],
    ['?', 'xy', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['???', 'abc', true],
    ['?*', '', false],
    ['?*', 'a', true],
    ['[abc]', 'b', true],
    ['[abc]', 'd', false],
    ['[abc]', 'ab', false],
    ['[a-f]', 'c', true],
    ['[a-f]', 'g', false],
    ['[a-f]x', 'fx', true],
    ['[0-9][0-9]', '42', true],
    ['[0-9][0-9]', '4x', false],
    ['[^a-f]', 'g', true],
    ['[^a-f]', 'c', false],
    ['[^a-f]', '', false],
    ['[^abc]', 'B', false],
    ['[]]', ']', true],
    ['[]]', 'a', false],
    ['[^]]', 'a', true],
    ['[^]]', ']', false],
    ['[*]', '*', true],
    ['[*]', 'a', false],
    ['[*]', '', false],
    ['[?]', '?', true],
    ['[?]', 'a', false],
    ['[[]', '[', true],
    ['[[]', 'a', false],
    ['a[*]b', 'a*b', true],
    ['a[*]b', 'axb', false],
    ['[a-]', '-', true],
    ['[-a]', '-', true],
    ['[a-]', 'b', false],
    ['[^^]', '^', false],
    ['[^^]', 'a', true],
    ['a]b', 'a]b', true],
    ['a^b*', 'a^bc', true],
    ['WIN10-*', 'win10-pc', true],
    ['win10-*', 'WIN10-PC', true],
    ['[A-F]', 'c', true],
    ['[a-f]', 'C', true],
    ['[^a-f]', 'C', false],
    ['[XYZ]', 'y', true],
    ['Straße*', 'STRASSE', false],
    ['ÄÖ*', 'äöü', true],
    ['?', '😀', true],
    ['a?b', 'a😀b', true],
    ['[😀-😂]', '😁', true],
    ['*', 'line1\nline2', true],
    ['a?b', 'a\nb', true],
  ];

  it.each(table)('%j against %j → %s', (pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  });

  it('is linear enough that star-heavy patterns cannot hang', () => {
    const pattern = `${'*a'.repeat(500)}*b`;
    const value = 'a'.repeat(5000);
    const started = Date.now();
    expect(matches(pattern, value)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('parseWildcardPattern', () => {
  it('splits a pattern into elements', () => {
    const parsed = parseWildcardPattern('ab*?[^x-z]c**');
    expect(parsed).toEqual({
      ok: true,
      pattern: [
        { kind: 'literal', text: 'ab' },
        { kind: 'anySequence' },
        { kind: 'anyChar' },
        { kind: 'charSet', negated: true, items: [{ kind: 'range', from: 'x', to: 'z' }] },
        { kind: 'literal', text: 'c' },
        { kind: 'anySequence' },
      ],
    });
  });

  it('reports malformed sets with their index', () => {
    expect(parseWildcardPattern('ab[cd')).toEqual({
      ok: false,
      index: 2,
      reason: 'Unterminated character set.',
    });
    expect(parseWildcardPattern('[]')).toEqual({
      ok: false,
      index: 0,
      reason: 'Unterminated character set.',
    });
    expect(parseWildcardPattern('x[f-a]')).toEqual({
      ok: false,
      index: 2,
      reason: "Invalid character range 'f-a'.",
    });
  });
});

/**
 * An independent reference: the pattern as a RegExp over lower-cased ASCII. Used only on ASCII
 * input, where lower-casing is the whole of case folding.
 */
function referenceRegExp(elements: readonly PatternElement[]): RegExp {
  const escape = (ch: string): string => `\\u{${ch.codePointAt(0)?.toString(16)}}`;
  let source = '';
  for (const element of elements) {
    switch (element.kind) {
      case 'literal':
        source += Array.from(element.text.toLowerCase(), escape).join('');
        break;
      case 'anyChar':
        source += '.';
        break;
      case 'anySequence':
        source += '.*';
        break;
      case 'charSet': {
        const items = element.items.map((item) =>
          item.kind === 'char'
            ? escape(item.char.toLowerCase())
            : `${escape(item.from.toLowerCase())}-${escape(item.to.toLowerCase())}`,
        );
        source += `[${element.negated ? '^' : ''}${items.join('')}]`;
        break;
      }
    }
  }
  return new RegExp(`^${source}$`, 'su');
}

describe('compileWildcard agrees with a RegExp reference', () => {
  const alphabet = fc.constantFrom('a', 'b', 'A', 'B', 'c', '-', '^', '*', '?', '[', ']', 'z', '0');
  const valueAlphabet = fc.constantFrom('a', 'b', 'A', 'B', 'c', '-', '^', '*', '?', '[', ']', 'z', '0', 'x');

  it('on random ASCII patterns and values', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 12 }),
        fc.array(fc.string({ unit: valueAlphabet, maxLength: 10 }), { minLength: 1, maxLength: 8 }),
        (pattern, values) => {
          const parsed = parseWildcardPattern(pattern);
          fc.pre(parsed.ok);
          if (!parsed.ok) return;
          const ours = compileWildcard(parsed.pattern);
          const reference = referenceRegExp(parsed.pattern);
          for (const value of values) expect(ours(value)).toBe(reference.test(value.toLowerCase()));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
