import { JsonSyntaxError } from '../../ksc/codec-errors.ts';

/**
 * How deep a request body may nest, as the lossless parser's own cap (src/wire/json.ts): KLOAPI arguments are a
 * few levels deep, and decoding deeper text recurses until the stack overflows.
 */
export const MAX_JSON_NESTING = 1000;

/**
 * Throws the parser's own {@link JsonSyntaxError} ("nesting too deep", with the 1-based position) when `text`
 * nests objects and arrays deeper than `maxDepth`. The fast path of `parseWireJson` (`JSON.parse`) has no cap, so
 * the emulator checks what it receives before parsing it; a plain scan, since the text is not parsed yet.
 */
export function checkJsonNesting(text: string, maxDepth = MAX_JSON_NESTING): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new JsonSyntaxError(i + 1, 'nesting too deep');
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}
