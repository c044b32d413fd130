import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  FilterSyntaxError,
  parseFilter,
  type FilterNode,
} from '../../../src/ksc/filter/index.ts';

/** Parses, returning the AST or the FilterSyntaxError; any other throw fails the test. */
function parseOrSyntaxError(text: string, maxLength?: number): FilterNode | FilterSyntaxError {
  try {
    return parseFilter(text, maxLength === undefined ? {} : { maxLength });
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw new Error(`parseFilter(${JSON.stringify(text.slice(0, 200))}) threw ${String(error)}`, {
      cause: error,
    });
  }
}

const fragments = [
  '(',
  ')',
  '&',
  '|',
  '!',
  '=',
  '<',
  '>',
  '<>',
  '<=',
  '>=',
  '"',
  '""',
  '*',
  '?',
  '[',
  ']',
  '^',
  '-',
  '+',
  '0',
  '1',
  '9',
  '0x',
  '0x1F',
  'x',
  'T',
  'T"',
  'T"2017-8-3 12:57:47"',
  'CURTIME',
  'CURTIME(',
  'CURTIME(-86400)',
  'KLHST_WKS_DN',
  'KLHST_WKS_STATUS',
  'rise_time',
  ' ',
  '\n',
  '\t',
  '"a*b"',
  '"[a-f]"',
  '"[^]]"',
  '-9223372036854775809',
  '9223372036854775807',
  '.',
  ',',
  '\u0000',
  '😀',
  '\ud800',
];

const filterish = fc.array(fc.constantFrom(...fragments), { maxLength: 40 }).map((parts) => parts.join(''));
const anything = fc.oneof(
  filterish,
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
const record = fc.dictionary(
  fc.constantFrom('KLHST_WKS_DN', 'KLHST_WKS_STATUS', 'rise_time', 'x', 'T'),
  fc.oneof(fc.string(), fc.integer(), fc.bigInt(), fc.boolean(), fc.date(), fc.constant(null)),
);

describe('parser robustness', () => {
  it('returns an AST or throws FilterSyntaxError for 10,000 random inputs; ASTs compile and evaluate', () => {
    let parsed = 0;
    let rejected = 0;
    fc.assert(
      fc.property(anything, record, (text, rec) => {
        const result = parseOrSyntaxError(text);
        if (result instanceof FilterSyntaxError) {
          rejected += 1;
          expect(result.message).toBe(`Pos ${result.position}. ${result.reason}`);
          expect(result.position).toBeGreaterThanOrEqual(1);
          expect(result.position).toBeLessThanOrEqual(text.length + 1);
        } else {
          parsed += 1;
          expect(typeof compileFilter(result, { now: () => 0 })(rec)).toBe('boolean');
        }
      }),
      { numRuns: 10_000 },
    );
    // Both outcomes must actually be exercised, or the generator is not doing its job.
    expect(parsed).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
  });

  it('gives the depth error, not a stack overflow, for 100,000 nested brackets', () => {
    const deep = '('.repeat(100_000);
    const result = parseOrSyntaxError(deep, Number.POSITIVE_INFINITY);
    expect(result).toBeInstanceOf(FilterSyntaxError);
    expect((result as FilterSyntaxError).message).toBe('Pos 201. Nesting too deep (more than 200 levels).');
    // Within the default length cap the same nesting hits the same error.
    expect((parseOrSyntaxError('('.repeat(60_000)) as FilterSyntaxError).reason).toBe(
      'Nesting too deep (more than 200 levels).',
    );
    // With the default cap, the length check comes first.
    expect((parseOrSyntaxError(deep) as FilterSyntaxError).reason).toBe(
      'Filter too long (more than 65536 characters).',
    );
  });

  it('bounds every recursive form', () => {
    for (const unit of ['!', '(!', '(&', '(|', '(&(A=1)', '(!(']) {
      const result = parseOrSyntaxError(unit.repeat(30_000), Number.POSITIVE_INFINITY);
      expect(result).toBeInstanceOf(FilterSyntaxError);
      expect((result as FilterSyntaxError).reason).toBe('Nesting too deep (more than 200 levels).');
    }
  });

  it('parses long flat filters and long strings quickly', () => {
    const wide = `(|${'(KLHST_WKS_DN = "x")'.repeat(3_000)})`;
    const started = Date.now();
    const node = parseOrSyntaxError(wide);
    expect(node).not.toBeInstanceOf(FilterSyntaxError);
    expect((node as FilterNode).kind).toBe('or');
    const longString = `(A = "${'""'.repeat(30_000)}")`;
    const str = parseOrSyntaxError(longString);
    expect(str).not.toBeInstanceOf(FilterSyntaxError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
