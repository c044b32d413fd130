import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, parseFilter } from '../../../src/ksc/index.ts';

/** Seed 001 shows these messages for its List Hosts / List Groups error samples. */
describe('the error messages of seed 001', () => {
  it("reproduces 'Pos 28. Closing bracket ')' expected.' from seed 001's own List Hosts example filter", () => {
    // Seed 001's List Hosts input example lacks the '&' between the two terms.
    const text = '((KLHST_WKS_FQDN="kasper*")(KLHST_WKS_OS_NAME="*Server 2019"))';
    expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
    expect(() => parseFilter(text)).toThrow("Pos 28. Closing bracket ')' expected.");
    // With the operator it is a valid filter.
    expect(parseFilter(`(&${text.slice(1)}`)).toMatchObject({ kind: 'and' });
  });

  it("reproduces 'Pos 1. Unknown attribute 'ol'.' when the attribute set is known", () => {
    expect(() => parseFilter('ol = 1', { attributes: new Set(['name', 'id']) })).toThrow(
      "Pos 1. Unknown attribute 'ol'.",
    );
  });
});
