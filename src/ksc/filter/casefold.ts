// eslint-disable-next-line no-control-regex -- the ASCII range is the point of this pattern
const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/**
 * Case-folds text for filter comparisons: each code point is replaced by its lower-case form when
 * that form is a single code point, and kept otherwise.
 *
 * Why not `String.prototype.toLowerCase` on the whole string: it is context-sensitive (Greek final
 * sigma) and can change the length ('İ' becomes two code points). A per-code-point, length-preserving
 * fold keeps literal comparison, wildcard matching and `?` ("exactly one character") consistent with
 * each other, whichever piece of a pattern a character lands in.
 */
export function foldCase(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    out += isSingleCodePoint(lower) ? lower : ch;
  }
  return out;
}

function isSingleCodePoint(text: string): boolean {
  const first = text.codePointAt(0);
  if (first === undefined) return false;
  return text.length === (first > 0xffff ? 2 : 1);
}
