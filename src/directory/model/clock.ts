import { DirectoryTimeError } from './errors.ts';

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})$/;

/**
 * The order key of an event: its `time` as UTC with nine fraction digits, a space, then its `id`. Fixed-width time
 * first, so comparing two keys as strings (JS `<`, SQLite's BINARY, PostgreSQL's "C" collation) compares by time
 * and breaks ties by id — what decides which of two events about one object is the newer.
 */
export function clockOf(time: string, id: string): string {
  const match = ISO_INSTANT.exec(time.trim());
  if (match === null) throw new DirectoryTimeError(id, time);
  const [, date, clock, fraction = '', zone = 'Z'] = match;
  const offset =
    zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${date}T${clock}${offset}`);
  if (Number.isNaN(ms)) throw new DirectoryTimeError(id, time);
  const utc = new Date(ms).toISOString().slice(0, 19);
  return `${utc}.${fraction.padEnd(9, '0')}Z ${id}`;
}

/** The time part of an order key, as ISO 8601 (what status reports). */
export function timeOfClock(clock: string): string {
  return clock.slice(0, clock.indexOf(' '));
}

export function laterClock(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
