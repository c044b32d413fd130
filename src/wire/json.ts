import { randomBytes } from 'node:crypto';
import { JsonSyntaxError } from '../ksc/codec-errors.ts';

/** JSON as KLOAPI needs it: integers outside the safe range are `bigint`, never rounded. */
export type WireJson = null | boolean | number | bigint | string | WireJson[] | { [key: string]: WireJson };

/** Fifteen digits can never exceed 2^53, so text without a sixteen-digit run parses exactly with JSON.parse. */
const POSSIBLY_UNSAFE_INTEGER = /\d{16}/;

/**
 * Parses JSON text without losing precision: an integer literal beyond ±(2^53 − 1) becomes a `bigint`.
 * Numbers with a fraction or exponent stay `number` (they are floating point on the server too).
 *
 * @throws {JsonSyntaxError} for text that is not JSON, with the 1-based position.
 */
export function parseWireJson(text: string): WireJson {
  if (!POSSIBLY_UNSAFE_INTEGER.test(text)) {
    try {
      return JSON.parse(text) as WireJson;
    } catch {
      // Fall through: the exact parser reports the position in a stable format.
    }
  }
  return new LosslessParser(text).parseDocument();
}

class LosslessParser {
  private pos = 0;
  private depth = 0;
  private static readonly MAX_DEPTH = 1000;

  constructor(private readonly text: string) {}

  parseDocument(): WireJson {
    this.skipWhitespace();
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  private fail(reason: string): never {
    throw new JsonSyntaxError(this.pos + 1, reason);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  private parseValue(): WireJson {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      case undefined:
        return this.fail('unexpected end of input');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  private enter(): void {
    if (++this.depth > LosslessParser.MAX_DEPTH) this.fail('nesting too deep');
  }

  private parseObject(): WireJson {
    this.enter();
    this.pos++;
    const result: { [key: string]: WireJson } = {};
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a member name');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue();
      // A member named "__proto__" must stay an own property, as JSON.parse keeps it.
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === '}') break;
      if (next !== ',') {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
    this.depth--;
    return result;
  }

  private parseArray(): WireJson {
    this.enter();
    this.pos++;
    const result: WireJson[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.parseValue());
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === ']') break;
      if (next !== ',') {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
    this.depth--;
    return result;
  }

  private parseLiteral<T extends WireJson>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos))
      this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
    this.pos += word.length;
    return value;
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++;
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) {
        const e = t[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) this.fail('invalid \\u escape');
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail('invalid escape');
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    // The slice is validated JSON string syntax, so the engine's parser decodes escapes exactly.
    return JSON.parse(t.slice(start, this.pos)) as string;
  }

  private parseNumber(): number | bigint {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (match === null) return this.fail('invalid number');
    const literal = match[0];
    this.pos += literal.length;
    const isInteger = match[1] === undefined && match[2] === undefined;
    if (isInteger) {
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  }
}

/** Per-process marker for bigints in the text JSON.stringify produces; unguessable, so no string can forge it. */
const NONCE = randomBytes(12).toString('hex');
const BIGINT_MARK = `\u0000kl-${NONCE}:`;
const BIGINT_MARK_PATTERN = new RegExp(`"\\\\u0000kl-${NONCE}:(-?\\d+)"`, 'g');

function replaceBigint(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${BIGINT_MARK}${value.toString()}` : value;
}

/**
 * Serialises {@link WireJson}: `bigint`s are written as bare integer literals, exactly.
 * The engine's JSON.stringify does the work (much faster than a serialiser written in JavaScript); only a
 * tree that holds bigints takes the second pass that splices them in.
 */
export function stringifyWireJson(value: WireJson): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  return JSON.stringify(value, replaceBigint).replace(BIGINT_MARK_PATTERN, '$1');
}
