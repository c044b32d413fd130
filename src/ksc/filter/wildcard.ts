import type { CharSetElement, CharSetItem, PatternElement, WildcardPattern } from './ast.ts';
import { foldCase } from './casefold.ts';

/** Whether `text` contains a character that makes it a wildcard pattern (`*`, `?` or `[`). */
export function hasWildcardCharacters(text: string): boolean {
  return text.includes('*') || text.includes('?') || text.includes('[');
}

/** Result of {@link parseWildcardPattern}: the pattern, or where (0-based index into the text) and why it is malformed. */
export type WildcardParseResult =
  | { readonly ok: true; readonly pattern: WildcardPattern }
  | { readonly ok: false; readonly index: number; readonly reason: string };

/**
 * Parses the text of a quoted filter string (already unescaped) as a wildcard pattern.
 *
 * `*` is any sequence, `?` one character, `[…]` one character of a set with ranges `a-f`, and
 * `[^…]` one character outside it. A `]` right after `[` or `[^` is a member, not the end, which is
 * how a literal `]`, `*`, `?` or `[` is written (`[]]`, `[*]`, `[?]`, `[[]`). A `-` first or last
 * in a set is literal. Consecutive `*` collapse into one, which does not change what matches.
 */
export function parseWildcardPattern(text: string): WildcardParseResult {
  const elements: PatternElement[] = [];
  let literal = '';
  const flushLiteral = (): void => {
    if (literal !== '') elements.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = codePointAt(text, i);
    if (ch === '*') {
      flushLiteral();
      if (elements.at(-1)?.kind !== 'anySequence') elements.push({ kind: 'anySequence' });
      i += 1;
    } else if (ch === '?') {
      flushLiteral();
      elements.push({ kind: 'anyChar' });
      i += 1;
    } else if (ch === '[') {
      const set = parseCharSet(text, i);
      if (!set.ok) return set;
      flushLiteral();
      elements.push(set.element);
      i = set.end;
    } else {
      literal += ch;
      i += ch.length;
    }
  }
  flushLiteral();
  return { ok: true, pattern: elements };
}

type CharSetParseResult =
  | { readonly ok: true; readonly element: CharSetElement; readonly end: number }
  | { readonly ok: false; readonly index: number; readonly reason: string };

function parseCharSet(text: string, open: number): CharSetParseResult {
  let i = open + 1;
  const negated = text[i] === '^';
  if (negated) i += 1;
  const items: CharSetItem[] = [];
  let first = true;
  for (;;) {
    if (i >= text.length) return { ok: false, index: open, reason: 'Unterminated character set.' };
    const ch = codePointAt(text, i);
    if (ch === ']' && !first) return { ok: true, element: { kind: 'charSet', negated, items }, end: i + 1 };
    first = false;
    const afterCh = i + ch.length;
    if (text[afterCh] === '-' && afterCh + 1 < text.length && text[afterCh + 1] !== ']') {
      const to = codePointAt(text, afterCh + 1);
      if (codePointOf(foldCase(ch)) > codePointOf(foldCase(to))) {
        return { ok: false, index: i, reason: `Invalid character range '${ch}-${to}'.` };
      }
      items.push({ kind: 'range', from: ch, to });
      i = afterCh + 1 + to.length;
    } else {
      items.push({ kind: 'char', char: ch });
      i = afterCh;
    }
  }
}

/**
 * Compiles a pattern once into a case-insensitive, anchored matcher.
 *
 * Why not a RegExp: V8's backtracking engine is exponential in the number of `*` for some
 * non-matching inputs, and filters come from API callers. This greedy matcher with one-star
 * backtracking is O(value length × pattern length) in the worst case, whatever the pattern.
 * Both sides are case-folded with {@link foldCase}; set ranges compare folded code points.
 */
export function compileWildcard(pattern: WildcardPattern): (value: string) => boolean {
  const steps: Step[] = [];
  for (const element of pattern) {
    switch (element.kind) {
      case 'literal':
        for (const ch of foldCase(element.text)) steps.push({ kind: 'char', char: ch });
        break;
      case 'anyChar':
        steps.push({ kind: 'any' });
        break;
      case 'anySequence':
        steps.push({ kind: 'star' });
        break;
      case 'charSet':
        steps.push(compileCharSet(element));
        break;
    }
  }
  return (value) => matchSteps(steps, Array.from(foldCase(value)));
}

type Step =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | {
      readonly kind: 'set';
      readonly negated: boolean;
      readonly chars: ReadonlySet<string>;
      readonly ranges: readonly (readonly [number, number])[];
    };

function compileCharSet(element: CharSetElement): Step {
  const chars = new Set<string>();
  const ranges: (readonly [number, number])[] = [];
  for (const item of element.items) {
    if (item.kind === 'char') chars.add(foldCase(item.char));
    else ranges.push([codePointOf(foldCase(item.from)), codePointOf(foldCase(item.to))]);
  }
  return { kind: 'set', negated: element.negated, chars, ranges };
}

function matchesOne(step: Step, ch: string): boolean {
  switch (step.kind) {
    case 'char':
      return step.char === ch;
    case 'any':
      return true;
    case 'star':
      return false;
    case 'set': {
      let found = step.chars.has(ch);
      if (!found) {
        const cp = codePointOf(ch);
        found = step.ranges.some(([from, to]) => cp >= from && cp <= to);
      }
      return found !== step.negated;
    }
  }
}

function matchSteps(steps: readonly Step[], chars: readonly string[]): boolean {
  let s = 0;
  let c = 0;
  // Where to resume after a mismatch: the step after the last `*`, and the character it now starts at.
  let starStep = -1;
  let starChar = 0;
  while (c < chars.length) {
    const step = steps[s];
    if (step?.kind === 'star') {
      starStep = s;
      starChar = c;
      s += 1;
    } else if (step !== undefined && matchesOne(step, chars[c] ?? '')) {
      s += 1;
      c += 1;
    } else if (starStep >= 0) {
      starChar += 1;
      s = starStep + 1;
      c = starChar;
    } else {
      return false;
    }
  }
  while (steps[s]?.kind === 'star') s += 1;
  return s === steps.length;
}

function codePointAt(text: string, index: number): string {
  const cp = text.codePointAt(index);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function codePointOf(ch: string): number {
  return ch.codePointAt(0) ?? 0;
}
