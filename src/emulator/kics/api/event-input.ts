import {
  EVENT_ORIGINS,
  EVENT_SEVERITIES,
  EVENT_USER_STATES,
  type EventOrigin,
  type EventSeverity,
  type EventUserState,
  type NameValue,
} from '../../../kics/model.ts';
import { incorrectParameters } from './errors.ts';

function lowerKeys(record: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}

function member<T extends string>(members: readonly T[], field: string, value: unknown): T {
  const found =
    typeof value === 'string' ? members.find((m) => m.toLowerCase() === value.toLowerCase()) : undefined;
  if (found === undefined) throw incorrectParameters(field, value);
  return found;
}

function mark(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 7)
    throw incorrectParameters('mark', value);
  return value;
}

/** The body of an event edit: `status` and/or `mark` (0–7, null clears it). */
export interface EventEdit {
  readonly status?: EventUserState;
  readonly mark?: number | null;
}

export function checkEventEdit(body: Record<string, unknown>): EventEdit {
  const fields = lowerKeys(body);
  const edit: { status?: EventUserState; mark?: number | null } = {};
  if (fields.has('status')) edit.status = member(EVENT_USER_STATES, 'status', fields.get('status'));
  if (fields.has('mark')) edit.mark = mark(fields.get('mark'));
  if (edit.status === undefined && edit.mark === undefined)
    throw incorrectParameters('body', 'no status or mark');
  return edit;
}

/** An event registration (seed 002 "Registering an event"), checked against the schema's limits. */
export interface EventRegistration {
  readonly title: string;
  readonly severity: EventSeverity;
  readonly startTime: number | undefined;
  readonly lastSeenTime: number | undefined;
  readonly endTime: number | undefined;
  readonly totalAppearances: number | null;
  readonly description: string | null;
  readonly triggeredRuleName: string | null;
  readonly monitoringPointId: number | null;
  readonly mark: number | null;
  readonly origin: EventOrigin;
  readonly params: readonly NameValue[];
}

function text(field: string, value: unknown, min: number, max: number): string | null {
  if (value === undefined || value === null) {
    if (min > 0) throw incorrectParameters(field, value ?? '(missing)');
    return null;
  }
  if (typeof value !== 'string' || value.length < min || value.length > max)
    throw incorrectParameters(field, value);
  return value;
}

function integer(field: string, value: unknown, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw incorrectParameters(field, value);
  return value;
}

function time(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  // date-time (RFC 3339): a date, a time and a zone; a zone-less time is read as UTC (Q19).
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i.test(value)
  )
    throw incorrectParameters(field, value);
  const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/i.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw incorrectParameters(field, value);
  return ms;
}

function params(value: unknown): NameValue[] {
  if (value === undefined || value === null) return [];
  // The seed's sample sends name-value pairs as an object; an array of {name, value} is read too.
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => {
      const entry =
        typeof item === 'object' && item !== null ? lowerKeys(item as Record<string, unknown>) : new Map();
      const name = entry.get('name');
      if (typeof name !== 'string') throw incorrectParameters(`params[${index}].name`, name ?? '(missing)');
      return { name, value: String(entry.get('value') ?? '') };
    });
  }
  if (typeof value !== 'object') throw incorrectParameters('params', value);
  return Object.entries(value as Record<string, unknown>).map(([name, v]) => ({
    name,
    value: typeof v === 'string' ? v : JSON.stringify(v),
  }));
}

export function checkEventRegistration(body: Record<string, unknown>): EventRegistration {
  const f = lowerKeys(body);
  return {
    title: text('title', f.get('title'), 1, 4096) ?? '',
    severity: member(EVENT_SEVERITIES, 'severity', f.get('severity')),
    startTime: time('startTime', f.get('starttime')),
    lastSeenTime: time('lastSeenTime', f.get('lastseentime')),
    endTime: time('endTime', f.get('endtime')),
    totalAppearances: integer('totalAppearances', f.get('totalappearances'), 2147483647),
    description: text('description', f.get('description'), 0, 32000),
    triggeredRuleName: text('triggeredRuleName', f.get('triggeredrulename'), 0, 4096),
    monitoringPointId: integer('monitoringPointId', f.get('monitoringpointid'), 65535),
    mark: f.has('mark') ? mark(f.get('mark')) : null,
    origin: f.has('origin') ? member(EVENT_ORIGINS, 'origin', f.get('origin')) : 'User',
    params: params(f.get('params')),
  };
}
