import type { ComparisonOperator } from './ast.ts';
import { FilterSyntaxError } from './errors.ts';

/** One token of filter text. `pos` is the 1-based position of its first character. */
export type Token =
  | { readonly kind: 'lparen' | 'rparen' | 'amp' | 'pipe' | 'bang' | 'end'; readonly pos: number }
  | { readonly kind: 'op'; readonly op: ComparisonOperator; readonly pos: number }
  | { readonly kind: 'ident'; readonly name: string; readonly pos: number }
  | { readonly kind: 'int'; readonly value: bigint; readonly pos: number }
  | { readonly kind: 'hex'; readonly digits: string; readonly value: bigint; readonly pos: number }
  /** `text` is unescaped; `contentPos` is the 1-based position right after the opening quote. */
  | { readonly kind: 'string'; readonly text: string; readonly contentPos: number; readonly pos: number }
  /** `T"…"`: `text` is what is between the quotes, not yet validated. */
  | { readonly kind: 'time'; readonly text: string; readonly pos: number };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Attribute names: a letter or `_`, then letters, digits, `_`, `.` or `-`. */
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Whether `name` can be written as an attribute in a filter. */
export function isValidAttributeName(name: string): boolean {
  return ATTRIBUTE_NAME.test(name);
}

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isHexDigit = (ch: string | undefined): boolean => ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
const isNameStart = (ch: string | undefined): boolean => ch !== undefined && /^[A-Za-z_]$/.test(ch);
const isNamePart = (ch: string | undefined): boolean => ch !== undefined && /^[A-Za-z0-9_.-]$/.test(ch);
const isSpace = (ch: string | undefined): boolean =>
  ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v';

/**
 * Splits filter text into tokens on demand, with one token of lookahead. The token set is the same
 * in every context (`&` is both "and" and the bit-mask operator; the parser tells them apart), which
 * keeps positions exact and the lexer trivially linear.
 */
export class Lexer {
  private readonly text: string;
  private index = 0;
  private lookahead: Token | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** The next token, without consuming it. */
  peek(): Token {
    this.lookahead ??= this.scan();
    return this.lookahead;
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  private scan(): Token {
    const text = this.text;
    while (isSpace(text[this.index])) this.index += 1;
    const start = this.index;
    const pos = start + 1;
    const ch = text[start];
    if (ch === undefined) return { kind: 'end', pos };
    switch (ch) {
      case '(':
        this.index += 1;
        return { kind: 'lparen', pos };
      case ')':
        this.index += 1;
        return { kind: 'rparen', pos };
      case '&':
        this.index += 1;
        return { kind: 'amp', pos };
      case '|':
        this.index += 1;
        return { kind: 'pipe', pos };
      case '!':
        this.index += 1;
        return { kind: 'bang', pos };
      case '=':
        this.index += 1;
        return { kind: 'op', op: '=', pos };
      case '<':
      case '>': {
        const second = text[start + 1];
        if (ch === '<' && second === '>') return this.op('<>', pos, 2);
        if (second === '=') return this.op(ch === '<' ? '<=' : '>=', pos, 2);
        return this.op(ch, pos, 1);
      }
      case '"':
        return this.scanString(start);
    }
    if ((ch === 'T' || ch === 't') && text[start + 1] === '"') return this.scanTime(start);
    if (isDigit(ch) || ((ch === '-' || ch === '+') && isDigit(text[start + 1])))
      return this.scanNumber(start);
    if (isNameStart(ch)) {
      let end = start + 1;
      while (isNamePart(text[end])) end += 1;
      this.index = end;
      return { kind: 'ident', name: text.slice(start, end), pos };
    }
    throw new FilterSyntaxError(pos, `Unexpected character ${describeChar(text, start)}.`);
  }

  private op(op: ComparisonOperator, pos: number, length: number): Token {
    this.index += length;
    return { kind: 'op', op, pos };
  }

  private scanString(start: number): Token {
    const text = this.text;
    let out = '';
    let i = start + 1;
    for (;;) {
      const close = text.indexOf('"', i);
      if (close < 0) throw new FilterSyntaxError(start + 1, 'Unterminated string.');
      out += text.slice(i, close);
      if (text[close + 1] === '"') {
        out += '"';
        i = close + 2;
      } else {
        this.index = close + 1;
        return { kind: 'string', text: out, contentPos: start + 2, pos: start + 1 };
      }
    }
  }

  private scanTime(start: number): Token {
    const close = this.text.indexOf('"', start + 2);
    if (close < 0) throw new FilterSyntaxError(start + 1, 'Unterminated string.');
    this.index = close + 1;
    return { kind: 'time', text: this.text.slice(start + 2, close), pos: start + 1 };
  }

  private scanNumber(start: number): Token {
    const text = this.text;
    const pos = start + 1;
    let end = start;
    if (text[end] === '0' && (text[end + 1] === 'x' || text[end + 1] === 'X')) {
      end += 2;
      while (isHexDigit(text[end])) end += 1;
      const digits = text.slice(start + 2, end);
      if (digits === '' || isNamePart(text[end])) throw new FilterSyntaxError(pos, 'Invalid number.');
      this.index = end;
      return { kind: 'hex', digits: digits.toLowerCase(), value: BigInt(`0x${digits}`), pos };
    }
    if (text[end] === '-' || text[end] === '+') end += 1;
    while (isDigit(text[end])) end += 1;
    if (isNamePart(text[end])) throw new FilterSyntaxError(pos, 'Invalid number.');
    const value = BigInt(text.slice(start, end).replace(/^\+/, ''));
    if (value < INT64_MIN || value > INT64_MAX) throw new FilterSyntaxError(pos, 'Integer out of range.');
    this.index = end;
    return { kind: 'int', value, pos };
  }
}

/** Maps an index into a string token's unescaped text back to its 1-based position in the filter. */
export function positionInString(filter: string, contentPos: number, textIndex: number): number {
  let i = contentPos - 1;
  for (let k = 0; k < textIndex; k += 1) i += filter[i] === '"' ? 2 : 1;
  return i + 1;
}

function describeChar(text: string, index: number): string {
  const cp = text.codePointAt(index) ?? 0;
  // Control and invisible characters would make the message unreadable, so show their code point.
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${String.fromCodePoint(cp)}'`;
}
