import type { EventUserState, KicsEvent, Technology } from '../../../kics/model.ts';
import type { PlainJson } from '../../core/types.ts';

/** An event's detection technology in words. */
export const TECHNOLOGY_WORDS: { readonly [T in Technology]: string } = {
  Dpi: 'Deep packet inspection',
  Nic: 'Network integrity control',
  Cc: 'Command control',
  Ids: 'Intrusion detection',
  Am: 'Asset management',
  External: 'External system',
  System: 'KICS for Networks itself',
};

/** An event's processing status in words. */
export const EVENT_STATUS_WORDS: { readonly [S in EventUserState]: string } = {
  Proposed: 'New (not yet processed)',
  Active: 'In progress',
  Resolved: 'Resolved',
};

function words(table: Readonly<Record<string, string>>, value: string): string {
  return Object.hasOwn(table, value) ? table[value]! : value;
}

function distinct(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null && v !== ''))];
}

export function sourceIpsOf(event: KicsEvent): string[] {
  return distinct(event.communications.map((c) => c.source.ipAddress));
}

export function destinationIpsOf(event: KicsEvent): string[] {
  return distinct(event.communications.map((c) => c.destination.ipAddress));
}

/** One event of `context`: the codes KICS uses with their words beside, and the addresses flat. */
export function eventRecord(event: KicsEvent): { [key: string]: PlainJson } {
  return {
    id: event.id,
    eventType: event.eventType,
    title: event.title,
    severity: event.severity,
    status: event.status,
    statusText: words(EVENT_STATUS_WORDS, event.status),
    technology: event.technology,
    technologyText: words(TECHNOLOGY_WORDS, event.technology),
    protocol: event.protocol,
    startTime: event.startTime,
    lastSeenTime: event.lastSeenTime,
    endTime: event.endTime,
    totalAppearances: event.totalAppearances,
    sourceIps: sourceIpsOf(event),
    destinationIps: destinationIpsOf(event),
    devices: event.assets.map((a) => ({ id: a.id, name: a.name, ipAddress: a.ipAddress })),
    cves: distinct(event.vulnerabilities.map((v) => v.cveId)),
    triggeredRule: event.triggeredRule,
    monitoringPoint: event.monitoringPoint,
    mark: event.mark,
    description: event.description,
  };
}

export const EVENT_COLUMNS = ['ID', 'Start Time', 'Severity', 'Title', 'Status', 'Source', 'Destination'];

export function eventRow(event: KicsEvent): PlainJson[] {
  return [
    event.id,
    event.startTime,
    event.severity,
    event.title,
    words(EVENT_STATUS_WORDS, event.status),
    sourceIpsOf(event).join(', '),
    destinationIpsOf(event).join(', '),
  ];
}
