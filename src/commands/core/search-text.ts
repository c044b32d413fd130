import { z } from 'zod';
import { invalidInput } from './result.ts';

/**
 * C0 controls (NUL, tab, line breaks, ESC …), DEL and C1 controls. None belongs in a name, an id or a search
 * term, and each can smuggle something past the server that parses the filter or the logs that record it: a NUL
 * ends a C string early (so `host\0anything` may be searched as `host`), a line break forges a log line.
 */
// eslint-disable-next-line no-control-regex -- matching the control characters is the point of this pattern
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** The first control character of `value` and where it is, e.g. `U+0000 at position 5`; undefined when none. */
export function controlCharacterIn(value: string): string | undefined {
  const match = CONTROL_CHARACTER.exec(value);
  if (match === null) return undefined;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} at position ${match.index + 1}`;
}

function controlCharacterReason(found: string): string {
  return `it has a control character (${found}); names, ids and search terms are printable text`;
}

/**
 * Refuses a value with a control character as INVALID_INPUT naming `field`, before anything is sent: the
 * run-time twin of {@link searchText}, where a value reaches a search filter without passing that schema (a
 * library caller, or a reference taken from another system's answer).
 */
export function refuseControlCharacters(value: string, field: string): void {
  const found = controlCharacterIn(value);
  if (found !== undefined) throw invalidInput(field, controlCharacterReason(found));
}

/**
 * A text that goes into a vendor's search filter or query (a host, user, group, task, tag or node name):
 * trimmed, not empty, at most `maxLength` characters, without control characters.
 */
export function searchText(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(maxLength)
    .superRefine((value, ctx) => {
      const found = controlCharacterIn(value);
      if (found !== undefined) ctx.addIssue({ code: 'custom', message: controlCharacterReason(found) });
    });
}
