/**
 * The two timestamp spellings of the KICS API (model.ts): zone-less UTC for devices, rules and the license;
 * `…Z` for events, vulnerabilities and monitoring points. Both at whole seconds.
 */

/** `2020-10-26T10:15:06` of an epoch-ms time. */
export function zonelessTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `2020-10-27T17:32:25Z` of an epoch-ms time. */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The epoch-ms time of a zone-less or `Z` timestamp written by this module. */
export function parseKicsTime(text: string): number {
  return Date.parse(text.endsWith('Z') ? text : `${text}Z`);
}

/** Whole seconds. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
