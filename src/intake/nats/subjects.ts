/** NATS subjects: which stream filters cover which subjects, and the event-type token a sink may append. */
import type { MappedDocument } from '../types.ts';

/**
 * Whether every subject `pattern` matches is also matched by `filter` (both may hold `*` and `>`): a stream whose
 * subjects cover the sink's subject stores everything the sink publishes.
 */
export function subjectCovers(filter: string, pattern: string): boolean {
  const f = filter.split('.');
  const p = pattern.split('.');
  for (let i = 0; i < f.length; i += 1) {
    const token = f[i];
    if (token === '>') return i < p.length;
    const wanted = p[i];
    if (wanted === undefined || wanted === '>') return false;
    if (token === '*') continue;
    if (token !== wanted) return false;
  }
  return f.length === p.length;
}

function pathValue(document: MappedDocument, path: readonly string[]): unknown {
  let value: unknown = document;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Where each mapping keeps the event's type, tried in order: ECS `event.code`, D3 `Event Type`, OCSF `type_uid`,
 * and the vendor's own field under `raw` (`data.event_type` of KSC events, `data.eventType` / `data.type` of KICS
 * records, `data.change` of the asset streams).
 */
const EVENT_TYPE_PATHS: readonly (readonly string[])[] = [
  ['event', 'code'],
  ['Event Type'],
  ['type_uid'],
  ['data', 'event_type'],
  ['data', 'eventType'],
  ['data', 'type'],
  ['change'],
];

/** Subject tokens allow anything but whitespace, `.`, `*` and `>`; kconnect keeps to a portable set. */
export function sanitizeToken(text: string): string {
  const token = text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return token === '' ? 'other' : token;
}

/** The subject token of a document's event type; `other` when it has none. */
export function eventTypeToken(document: MappedDocument): string {
  for (const path of EVENT_TYPE_PATHS) {
    const value = pathValue(document, path);
    if (typeof value === 'string' && value !== '') return sanitizeToken(value);
    if (typeof value === 'number') return sanitizeToken(String(value));
  }
  return 'other';
}
