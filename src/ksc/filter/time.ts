const TIME_LITERAL = /^(\d{4})-(\d{1,2})-(\d{1,2}) +(\d{1,2}):(\d{1,2}):(\d{1,2})$/;

/**
 * Reads the inside of a `T"…"` literal (`YYYY-MM-DD hh:mm:ss`, UTC, month/day/hour/minute/second
 * with 1 or 2 digits, KSC's own examples drop the zero padding) as epoch milliseconds, or
 * `undefined` when it is not a real calendar time.
 */
export function parseTimeLiteral(text: string): number | undefined {
  const m = TIME_LITERAL.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return utcEpochMs(year, month, day, hour, minute, second);
}

/**
 * Formats an instant as the inside of a `T"…"` literal, zero-padded, in UTC, truncated to whole
 * seconds (the filter language has no sub-second precision). `undefined` when the instant has no
 * four-digit year (before year 0 or after 9999) or is not a valid time.
 */
export function formatTimeLiteral(epochMs: number): string | undefined {
  if (!Number.isFinite(epochMs)) return undefined;
  const d = new Date(Math.floor(epochMs / 1000) * 1000);
  const year = d.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) return undefined;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${String(year).padStart(4, '0')}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`
  );
}

// The KSC wire form is `2020-04-08T12:22:35Z`; an offset or fraction is accepted, a missing zone is
// not, because a zone-less time could be read two ways.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Reads an ISO 8601 date-time string with an explicit zone as epoch milliseconds, or `undefined`. */
export function parseIsoDateTime(text: string): number | undefined {
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function utcEpochMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  // Date.UTC maps years 0-99 to 1900-1999, so build the date in a leap year and then set the real year.
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year);
  return d.getTime();
}

// What Kaspersky's own filter examples quote for a datetime attribute: a date, or a date and time with `T` or a
// space between, with an optional zone (none means UTC, the server's time).
const QUOTED_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Reads a quoted string literal (`"2026-12-07"`, `"2020-03-31T00:00:00Z"`) as epoch milliseconds when it is a
 * calendar date or date-time, for comparison with a datetime attribute; `undefined` otherwise. Zone-less values
 * are UTC, as `T"…"` literals are.
 */
export function parseQuotedDateTime(text: string): number | undefined {
  const m = QUOTED_DATE_TIME.exec(text.trim());
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) =>
    Number(part ?? 0),
  ) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[7];
  const utc = utcEpochMs(year, month, day, hour, minute, second);
  if (zone === undefined || zone.toUpperCase() === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  return utc - sign * offsetMinutes * 60_000;
}
