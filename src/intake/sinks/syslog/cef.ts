/**
 * ArcSight Common Event Format (CEF) 0: `CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension`. Header
 * fields escape `\` and `|`; extension values escape `\` and `=` and write line breaks as `\n` / `\r` (the CEF
 * implementation standard), so a value may hold spaces and pipes as they are.
 */
import type { EventView } from './event-view.ts';

/** kconnect's 0..4 scale (unknown, Information, Warning, Error, Critical) on CEF's 0..10. */
const CEF_SEVERITY: readonly number[] = [0, 3, 5, 8, 10];

export function cefSeverity(level: number): number {
  return CEF_SEVERITY[level] ?? 0;
}

export function escapeCefHeader(value: string): string {
  return value.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

export function escapeCefValue(value: string): string {
  return value.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, (c) => (c === '\r' ? '\\r' : '\\n'));
}

/** The CEF extension's key=value pairs of one event, in a stable order; absent values are left out. */
export function cefExtension(view: EventView): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string | number | undefined]> = [
    ['rt', view.time],
    ['externalId', view.eventId],
    ['dvchost', view.hostName],
    ['dhost', view.hostName],
    ['deviceExternalId', view.hostId],
    ['src', view.srcIp],
    ['spt', view.srcPort],
    ['smac', view.srcMac],
    ['dst', view.dstIp],
    ['dpt', view.dstPort],
    ['dmac', view.dstMac],
    ['proto', view.protocol],
    ['suser', view.user],
    ['fname', view.fileName],
    ['filePath', view.filePath],
    ['act', view.action],
    ['cat', view.category],
    ['msg', view.message],
  ];
  view.custom.forEach((custom, index) => {
    pairs.push([`cs${index + 1}`, custom.value], [`cs${index + 1}Label`, custom.label]);
  });
  return pairs.flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)] as const]));
}

/** One event as a CEF line (no line break). */
export function formatCef(view: EventView): string {
  const header = [
    'Kaspersky',
    view.product,
    view.productVersion,
    view.eventType,
    view.name,
    String(cefSeverity(view.severityLevel)),
  ].map(escapeCefHeader);
  const extension = cefExtension(view)
    .map(([key, value]) => `${key}=${escapeCefValue(value)}`)
    .join(' ');
  return `CEF:0|${header.join('|')}|${extension}`;
}
