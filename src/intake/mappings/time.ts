/**
 * Times in one place. Records carry ISO 8601 text: KSC's `rise_time` and KICS's `UtcTime` with a `Z`, KICS's
 * `ZonelessTime` (devices) without a zone, which KICS means as UTC (src/kics/model.ts).
 */

const ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO 8601 text with an explicit zone (a zoneless KICS time is UTC); undefined when the text is no time. */
export function isoUtc(text: string | undefined): string | undefined {
  if (text === undefined || !ISO_DATE_TIME.test(text.trim())) return undefined;
  const trimmed = text.trim().replace(' ', 'T');
  const zoned = ZONE.test(trimmed) ? trimmed : `${trimmed}Z`;
  return Number.isNaN(Date.parse(zoned)) ? undefined : zoned;
}

/** Milliseconds since the epoch (OCSF `timestamp_t`); undefined when the text is no time. */
export function epochMillis(text: string | undefined): number | undefined {
  const iso = isoUtc(text);
  return iso === undefined ? undefined : Date.parse(iso);
}
