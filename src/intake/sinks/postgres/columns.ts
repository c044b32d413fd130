/**
 * The common columns of a row, read from a mapped document whatever the mapping (raw, d3, ecs, ocsf): the first of
 * a few known paths that holds a value. The whole document is in `document` anyway; these are for indexes and
 * plain SQL.
 */
import type { PlainJson } from '../../../commands/core/types.ts';
import type { MappedDocument } from '../../types.ts';

export interface CommonColumns {
  readonly source: string | null;
  /** ISO 8601, or null when the document has no readable time. */
  readonly time: string | null;
  readonly eventType: string | null;
  readonly severity: string | null;
  readonly host: string | null;
}

function at(document: MappedDocument, path: string): PlainJson | undefined {
  let value: PlainJson | undefined = document;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as { readonly [key: string]: PlainJson })[part];
  }
  return value;
}

function text(document: MappedDocument, paths: readonly string[]): string | null {
  for (const path of paths) {
    const value = at(document, path);
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return null;
}

function time(document: MappedDocument): string | null {
  for (const path of ['@timestamp', 'time', 'timestamp']) {
    const value = at(document, path);
    // OCSF times are milliseconds since the epoch.
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  return null;
}

export function commonColumns(document: MappedDocument): CommonColumns {
  return {
    source: text(document, ['source', 'metadata.product.feature.name', 'observer.product', 'event.module']),
    time: time(document),
    eventType: text(document, ['event_type', 'data.event_type', 'event.code', 'event.action', 'type_name']),
    severity: text(document, ['event.severity', 'severity', 'data.GNRL_EA_SEVERITY', 'data.severity']),
    host: text(document, ['host.name', 'device.hostname', 'device.name', 'data.hostdn', 'data.hostname']),
  };
}
