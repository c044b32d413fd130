/**
 * Times in KICS queries. Filter values are ISO 8601 with every part and a zone (`2020-10-25T17:32:25.707Z`, spec
 * §4.1); documents carry zone-less times (`2020-10-26T10:15:06`), which mean UTC (spec Q19), or `…Z`, or an
 * offset. Both become epoch milliseconds; digits past the millisecond are cut, not rounded.
 */

const FILTER_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** A filter value's time in epoch ms, or undefined when it is not a full ISO 8601 time with a zone. */
export function parseFilterTime(text: string): number | undefined {
  const match = FILTER_TIME.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const ms = fromParts(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), millis(fraction));
  if (ms === undefined || zone === undefined) return undefined;
  return ms - zoneOffsetMs(zone);
}

/**
 * A document's time in epoch ms, NaN when it is not one. Runs once per document and condition over a million
 * events, so it reads the fixed positions itself instead of running a RegExp or `Date.parse`.
 */
export function parseDocumentTime(text: string): number {
  if (text.length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 84)
    return parseLooseTime(text);
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const s = digits(text, 17, 2);
  let pos = 19;
  let ms = 0;
  if (text.charCodeAt(pos) === 46) {
    pos += 1;
    let scale = 100;
    while (pos < text.length && isDigit(text.charCodeAt(pos))) {
      ms += (text.charCodeAt(pos) - 48) * scale;
      scale /= 10;
      pos += 1;
    }
    ms = Math.floor(ms);
  }
  const base = utcMs(y, mo, d, h, mi, s, ms);
  if (pos === text.length) return base;
  const zone = text.slice(pos);
  if (zone === 'Z' || zone === 'z') return base;
  if (/^[+-]\d{2}:\d{2}$/.test(zone)) return base - zoneOffsetMs(zone);
  return Number.NaN;
}

/**
 * Epoch ms of UTC parts by integer arithmetic (days from the civil date, proleptic Gregorian): about twice as fast
 * as `Date.UTC`, which matters at a million documents. Parts out of range roll over as with `Date.UTC`.
 */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const year = mo <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * ((mo + 9) % 12) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms;
}

function parseLooseTime(text: string): number {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? Number.NaN : ms;
}

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return Number.NaN;
    value = value * 10 + (code - 48);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function millis(fraction: string | undefined): number {
  if (fraction === undefined) return 0;
  return Number(fraction.slice(0, 3).padEnd(3, '0'));
}

/** Epoch ms of UTC parts, undefined when a part is out of range (Date.UTC would roll 2020-02-31 over). */
function fromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const value = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return new Date(value).getUTCDate() === d ? value : undefined;
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  return sign * (hours * 60 + minutes) * 60_000;
}
