import type { ComparisonNode, ComparisonOperator, FilterNode, FilterValue, StringValue } from './ast.ts';
import { FilterSyntaxError } from './errors.ts';
import { Lexer, positionInString, type Token } from './lexer.ts';
import { parseTimeLiteral } from './time.ts';
import { hasWildcardCharacters, parseWildcardPattern } from './wildcard.ts';

/** Default cap on nesting (brackets and `!`), far above anything a person writes, far below the stack limit. */
export const DEFAULT_MAX_DEPTH = 200;
/** Default cap on the filter text length, in UTF-16 code units. */
export const DEFAULT_MAX_LENGTH = 65_536;
/** Largest accepted `CURTIME` offset magnitude in seconds: the whole range of a JavaScript Date. */
export const MAX_CURTIME_OFFSET_SECONDS = 8_640_000_000_000;

/** Options of {@link parseFilter}. */
export interface ParseFilterOptions {
  /**
   * The attributes this context knows. When given, any other attribute is an error
   * (`Pos 1. Unknown attribute 'ol'.`), as the server reports for its per-method attribute sets.
   */
  readonly attributes?: ReadonlySet<string> | ((name: string) => boolean);
  /** Maximum nesting depth; default {@link DEFAULT_MAX_DEPTH}. */
  readonly maxDepth?: number;
  /** Maximum text length; default {@link DEFAULT_MAX_LENGTH}. */
  readonly maxLength?: number;
}

/**
 * Parses KSC search-filter text into an AST. Empty or whitespace-only text is the match-all node.
 *
 * Accepts the documented grammar plus what KSC's own examples use: `>=`/`<=`, `attr & mask op value`,
 * `T"…"` with 1- or 2-digit fields, `CURTIME(±s)`, `!` before a bare comparison, a bare comparison
 * (or `&…`, `|…`, `!…`) at top level, redundant brackets, and whitespace between any two tokens.
 *
 * @throws FilterSyntaxError on any malformed input, and nothing else; recursion is bounded by
 * `maxDepth` and input by `maxLength`.
 */
export function parseFilter(text: string, options: ParseFilterOptions = {}): FilterNode {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    throw new FilterSyntaxError(maxLength + 1, `Filter too long (more than ${maxLength} characters).`);
  }
  return new Parser(text, options).parseAll();
}

class Parser {
  private readonly text: string;
  private readonly lexer: Lexer;
  private readonly maxDepth: number;
  private readonly isKnownAttribute: ((name: string) => boolean) | undefined;

  constructor(text: string, options: ParseFilterOptions) {
    this.text = text;
    this.lexer = new Lexer(text);
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    const attributes = options.attributes;
    this.isKnownAttribute =
      attributes === undefined
        ? undefined
        : typeof attributes === 'function'
          ? attributes
          : (name): boolean => attributes.has(name);
  }

  parseAll(): FilterNode {
    if (this.lexer.peek().kind === 'end') return { kind: 'all' };
    const node = this.parseComponent(0, false);
    const rest = this.lexer.peek();
    if (rest.kind !== 'end')
      throw new FilterSyntaxError(rest.pos, 'Unexpected data after the end of the filter.');
    return node;
  }

  /** `filtercomp`, extended with a bracketed filter (redundant brackets) and bare comparisons. */
  private parseComponent(depth: number, inBrackets: boolean): FilterNode {
    const token = this.lexer.peek();
    switch (token.kind) {
      case 'amp':
      case 'pipe': {
        this.lexer.next();
        const children = this.parseList(depth);
        return token.kind === 'amp' ? { kind: 'and', children } : { kind: 'or', children };
      }
      case 'bang':
        this.checkDepth(depth + 1, token.pos);
        this.lexer.next();
        return { kind: 'not', child: this.parseComponent(depth + 1, inBrackets) };
      case 'lparen':
        return this.parseBracketed(depth + 1);
      case 'ident':
        return this.parseComparison();
      default:
        throw new FilterSyntaxError(
          token.pos,
          inBrackets ? 'Attribute expected.' : "Opening bracket '(' expected.",
        );
    }
  }

  /** `"(" filtercomp ")"`; the caller has seen the `(`. */
  private parseBracketed(depth: number): FilterNode {
    this.checkDepth(depth, this.lexer.next().pos);
    const node = this.parseComponent(depth, true);
    this.expectClosing();
    return node;
  }

  /** `1*filter`: the members of `&` and `|`, each in its own brackets. */
  private parseList(depth: number): FilterNode[] {
    const children: FilterNode[] = [];
    while (this.lexer.peek().kind === 'lparen') children.push(this.parseBracketed(depth + 1));
    if (children.length === 0)
      throw new FilterSyntaxError(this.lexer.peek().pos, "Opening bracket '(' expected.");
    return children;
  }

  /** Bounds recursion so that hostile input gets an error instead of a stack overflow. */
  private checkDepth(depth: number, pos: number): void {
    if (depth > this.maxDepth)
      throw new FilterSyntaxError(pos, `Nesting too deep (more than ${this.maxDepth} levels).`);
  }

  private expectClosing(): void {
    const token = this.lexer.next();
    if (token.kind !== 'rparen') throw new FilterSyntaxError(token.pos, "Closing bracket ')' expected.");
  }

  private parseComparison(): ComparisonNode {
    const attr = this.lexer.next();
    if (attr.kind !== 'ident') throw new FilterSyntaxError(attr.pos, 'Attribute expected.');
    if (this.isKnownAttribute !== undefined && !this.isKnownAttribute(attr.name)) {
      throw new FilterSyntaxError(attr.pos, `Unknown attribute '${attr.name}'.`);
    }
    let mask: bigint | undefined;
    if (this.lexer.peek().kind === 'amp') {
      this.lexer.next();
      const maskToken = this.lexer.next();
      if (maskToken.kind === 'hex' || (maskToken.kind === 'int' && maskToken.value >= 0n))
        mask = maskToken.value;
      else throw new FilterSyntaxError(maskToken.pos, 'Integer mask expected.');
    }
    const opToken = this.lexer.next();
    if (opToken.kind !== 'op') throw new FilterSyntaxError(opToken.pos, 'Operator expected.');
    const valueToken = this.lexer.next();
    const value = this.parseValue(valueToken, opToken.op);
    if (mask !== undefined && value.kind !== 'integer' && value.kind !== 'binary') {
      throw new FilterSyntaxError(valueToken.pos, 'Integer value expected after a bit mask.');
    }
    const base = {
      kind: 'compare',
      attribute: attr.name,
      attributePos: attr.pos,
      op: opToken.op,
      value,
    } as const;
    return mask === undefined ? base : { ...base, mask };
  }

  private parseValue(token: Token, op: ComparisonOperator): FilterValue {
    switch (token.kind) {
      case 'int':
        return { kind: 'integer', value: token.value };
      case 'hex':
        return { kind: 'binary', hex: token.digits, value: token.value };
      case 'string':
        return this.stringValue(token.text, token.contentPos, token.pos, op);
      case 'time': {
        const epochMs = parseTimeLiteral(token.text);
        if (epochMs === undefined) throw new FilterSyntaxError(token.pos, 'Invalid time value.');
        return { kind: 'time', epochMs };
      }
      case 'ident':
        if (token.name.toUpperCase() === 'CURTIME')
          return { kind: 'curtime', offsetSeconds: this.parseCurtimeArgs() };
        break;
    }
    throw new FilterSyntaxError(token.pos, 'Value expected.');
  }

  private stringValue(text: string, contentPos: number, pos: number, op: ComparisonOperator): StringValue {
    if (!hasWildcardCharacters(text)) return { kind: 'string', text, hasWildcards: false };
    if (op !== '=') throw new FilterSyntaxError(pos, "Wildcards are only allowed with '='.");
    const parsed = parseWildcardPattern(text);
    if (!parsed.ok)
      throw new FilterSyntaxError(positionInString(this.text, contentPos, parsed.index), parsed.reason);
    return { kind: 'string', text, hasWildcards: true, pattern: parsed.pattern };
  }

  /** `( [signed integer] )` after `CURTIME`. */
  private parseCurtimeArgs(): number {
    const open = this.lexer.next();
    if (open.kind !== 'lparen') throw new FilterSyntaxError(open.pos, "Opening bracket '(' expected.");
    let offset = 0;
    const arg = this.lexer.peek();
    if (arg.kind === 'int') {
      this.lexer.next();
      const magnitude = arg.value < 0n ? -arg.value : arg.value;
      if (magnitude > BigInt(MAX_CURTIME_OFFSET_SECONDS)) {
        throw new FilterSyntaxError(arg.pos, 'CURTIME offset out of range.');
      }
      offset = Number(arg.value);
    }
    this.expectClosing();
    return offset;
  }
}
