/**
 * The two timestamp spellings of the KICS API (model.ts): zone-less UTC for devices, rules and the license;
 * `…Z` for events, vulnerabilities and monitoring points. Both at whole seconds.
 */

const DAY_MS = 86_400_000;
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

// Formatting dominates the cost of a large world (several timestamps per device and event), and a world spans a
// few hundred days: the `YYYY-MM-DDT` prefix is built once per day, the clock part from a table.
const dayPrefixes = new Map<number, string>();

/** `2020-10-26T10:15:06` of an epoch-ms time. */
export function zonelessTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (dayPrefixes.size > 100_000) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const seconds = Math.floor((ms - day * DAY_MS) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${prefix}${TWO_DIGITS[hours] ?? '00'}:${TWO_DIGITS[minutes] ?? '00'}:${TWO_DIGITS[seconds % 60] ?? '00'}`;
}

/** `2020-10-27T17:32:25Z` of an epoch-ms time. */
export function utcTime(ms: number): string {
  return `${zonelessTime(ms)}Z`;
}

/** The epoch-ms time of a zone-less or `Z` timestamp written by this module. */
export function parseKicsTime(text: string): number {
  return Date.parse(text.endsWith('Z') ? text : `${text}Z`);
}

/** Whole seconds. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
