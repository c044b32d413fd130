/**
 * IBM QRadar Log Event Extended Format 2.0: `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|attributes`, the
 * attributes `key=value` joined by the delimiter (tab by default, announced in the header as `x09`, as LEEF 2.0
 * allows a hex form). LEEF defines no escape inside values, so a value's delimiter characters and line breaks become
 * spaces (a receiver could not tell them from a separator); header fields escape `\` and `|` as CEF does.
 */
import { escapeCefHeader } from './cef.ts';
import type { EventView } from './event-view.ts';

/** kconnect's 0..4 scale on LEEF's `sev` 1..10 (unknown → 1). */
const LEEF_SEVERITY: readonly number[] = [1, 3, 5, 8, 10];

/** Java SimpleDateFormat, as QRadar reads `devTimeFormat`. */
export const LEEF_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

/** How the header announces a delimiter: one printable character as it is, anything else as `xHH`. */
export function leefDelimiterField(delimiter: string): string {
  const code = delimiter.charCodeAt(0);
  return code > 0x20 && code < 0x7f && delimiter !== '|' && delimiter !== '='
    ? delimiter
    : `x${code.toString(16).padStart(2, '0')}`;
}

export function escapeLeefValue(value: string, delimiter: string): string {
  return value
    .split(delimiter)
    .join(' ')
    .replace(/[\r\n]+/g, ' ');
}

export function leefAttributes(view: EventView): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string | number | undefined]> = [
    ['devTime', view.time === undefined ? undefined : new Date(view.time).toISOString()],
    ['devTimeFormat', view.time === undefined ? undefined : LEEF_TIME_FORMAT],
    ['sev', LEEF_SEVERITY[view.severityLevel] ?? 1],
    ['cat', view.category],
    ['externalId', view.eventId],
    ['identHostName', view.hostName],
    ['resource', view.hostId],
    ['src', view.srcIp],
    ['srcPort', view.srcPort],
    ['srcMAC', view.srcMac],
    ['dst', view.dstIp],
    ['dstPort', view.dstPort],
    ['dstMAC', view.dstMac],
    ['proto', view.protocol],
    ['usrName', view.user],
    ['fileName', view.fileName],
    ['filePath', view.filePath],
    ['action', view.action],
    ['msg', view.message],
  ];
  for (const custom of view.custom) pairs.push([custom.label, custom.value]);
  return pairs.flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)] as const]));
}

/** One event as a LEEF 2.0 line (no line break). */
export function formatLeef(view: EventView, delimiter = '\t'): string {
  const header = ['Kaspersky', view.product, view.productVersion, view.eventType].map(escapeCefHeader);
  const attributes = leefAttributes(view)
    .map(([key, value]) => `${key}=${escapeLeefValue(value, delimiter)}`)
    .join(delimiter);
  return `LEEF:2.0|${header.join('|')}|${leefDelimiterField(delimiter)}|${attributes}`;
}
