import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import { filter } from '../../ksc/filter/index.ts';
import type { KlParams, KlValue } from '../../ksc/values.ts';
import {
  EVENT_FIELDS,
  EVENT_RANGE_METHODS,
  eventContextRecord,
  readEventRange,
  streamEventRange,
} from './shared/events.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { ATTRIBUTE_NAME, inputs } from './shared/inputs.ts';
import { enrichWire } from './shared/plain.ts';
import { isoTimeOf, numberOf, textOf } from './shared/records.ts';
import { invalidInput, recordsTable } from '../core/result.ts';

const UTC_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Milliseconds since the epoch of a UTC time as seed 001 writes it (`2016-06-24 00:00`) or ISO 8601
 * (`2016-06-24T00:00:00Z`, an offset is honoured); undefined when the text is neither or names no real time.
 */
export function parseUtcTime(text: string): number | undefined {
  const m = UTC_TIME.exec(text.trim());
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-30 over into March: a time that does not come back unchanged was not a real one.
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    year < 1970
  ) {
    return undefined;
  }
  const zone = m[7];
  if (zone === undefined || zone.toUpperCase() === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return ms - sign * offsetMinutes * 60_000;
}

const utcTime = () =>
  z
    .string()
    .trim()
    .refine((text) => parseUtcTime(text) !== undefined, {
      message: 'expected a UTC time such as "2024-06-24 00:00" or "2024-06-24T00:00:00Z"',
    });

/** Integer event attributes (spec §6.3): `GNRL_EA_SEVERITY=4` must reach KSC as the int 4, not the text "4". */
const INT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'GNRL_EA_SEVERITY',
  'GNRL_EA_ID',
  'GNRL_COMPLETED_PERCENT',
  'KLVSRV_ID',
  'event_id',
  'event_type_id',
  'group_id',
  'host_id',
  'host_type',
  'task_id',
  'task_old_state',
  'task_new_state',
]);

const conditionValue = z.union([z.string().max(1000), z.number().int(), z.boolean()]);
const conditionObject = z.record(z.string().regex(ATTRIBUTE_NAME, 'an event attribute name'), conditionValue);

const FIELD = 'searchCondition';

function conditionMember(name: string, value: string | number | boolean): KlValue {
  if (name.toUpperCase().startsWith('KLEVP_')) {
    throw invalidInput(FIELD, `${name} is not an event attribute; give the time range as startTime/endTime`);
  }
  if (!INT_ATTRIBUTES.has(name)) return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d{1,10}$/.test(value.trim())) return Number(value.trim());
  throw invalidInput(FIELD, `${name} takes an integer, not ${JSON.stringify(value)}`);
}

/** `attr1=value1 attr2="value with spaces"` (seed 001's second format) as attribute/value pairs. */
function parsePairs(text: string): Array<[string, string]> {
  const pair = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"]|"")*"|[^\s"]+)\s*/y;
  const out: Array<[string, string]> = [];
  while (pair.lastIndex < text.length) {
    const at = pair.lastIndex;
    const m = pair.exec(text);
    if (m === null) {
      throw invalidInput(
        FIELD,
        `expected attribute=value pairs separated by spaces, or a JSON object; cannot read "${text.slice(at, at + 30)}"`,
      );
    }
    const raw = m[2]!;
    out.push([m[1]!, raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw]);
  }
  return out;
}

/** Seed 001's Search Condition in either format, as `pFilter` members (attribute equalities, decisions/0005). */
export function searchConditionFilter(condition: z.infer<typeof searchCondition> | undefined): KlParams {
  if (condition === undefined) return {};
  let pairs: Array<[string, string | number | boolean]>;
  if (typeof condition === 'string') {
    const text = condition.trim();
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalidInput(FIELD, 'it starts with "{" but is not a JSON object');
      }
      const checked = conditionObject.safeParse(parsed);
      if (!checked.success) {
        throw invalidInput(FIELD, 'a JSON condition maps attribute names to strings, integers or booleans');
      }
      pairs = Object.entries(checked.data);
    } else {
      pairs = parsePairs(text);
    }
  } else {
    pairs = Object.entries(condition);
  }
  const out: Record<string, KlValue> = {};
  for (const [name, value] of pairs) {
    if (name in out) throw invalidInput(FIELD, `${name} is given twice`);
    out[name] = conditionMember(name, value);
  }
  return out;
}

const searchCondition = z
  .union([conditionObject, z.string().max(4096)])
  .describe(
    'Search Condition: event attributes that must match, as a JSON object ({"GNRL_EA_SEVERITY": 4}) or as ' +
      'attribute=value pairs separated by spaces (GNRL_EA_SEVERITY=4 event_type="GNRL_EV_VIRUS_FOUND"). ' +
      'Attributes: KSC event filter attributes (GNRL_EA_SEVERITY 1-4, event_type, hostdn, hostname, product_name, …)',
  );

const input = z.object({
  startTime: utcTime().describe(
    'Start Time: events raised at or after this UTC time, e.g. "2024-06-24 00:00" or "2024-06-24T00:00:00Z"',
  ),
  endTime: utcTime()
    .optional()
    .describe('End Time: events raised at or before this UTC time; default: up to now'),
  limit: inputs
    .limit(20, 10_000)
    .describe('Number of Event(s) Fetched: the most events to return, oldest first (1–10000, default 20)'),
  searchCondition: searchCondition.optional(),
});

const keyFields = z.object({
  EventIDs: z.array(z.number()),
  EventTypes: z.array(z.string()),
  EventTypeIDs: z.array(z.number()),
  /** The ids other commands take (`hostname`, i.e. `KLHST_WKS_HOSTNAME`), not the numeric `host_id`. */
  HostIDs: z.array(z.string()),
  HostNames: z.array(z.string()),
  EventTimes: z.array(z.string()),
});

/** Seed 001's Result columns, in its order. */
const RESULT_COLUMNS = [
  'GNRL_EA_DESCRIPTION',
  'GNRL_EA_ID',
  'GNRL_EA_PARAM_1',
  'GNRL_EA_SEVERITY',
  'KLVSRV_ID',
  'event_id',
  'event_type',
  'event_type_display_name',
  'event_type_id',
  'group_id',
  'host_id',
  'host_type',
  'hostdn',
  'hostname',
  'registration_time',
  'rise_time',
  'task_new_state',
  'severityName',
];

/** `Fetch Event` (seed 001): `CreateEventProcessing2` over a time range and attribute equalities, oldest first. */
export const fetchEvent: KscCommand<typeof input, typeof keyFields> = {
  name: 'fetch_event',
  title: 'Fetch Event',
  description:
    'Fetches events of the Administration Server raised between startTime and endTime (UTC), oldest first, ' +
    'optionally only those whose attributes match a search condition (e.g. severity 4 = Critical, an event ' +
    'type, a host). Returns each event with its attributes and a severityName, and the event ids, types, ' +
    'hosts and times as key fields. Use it to pull detections and status changes into a SIEM or a case; for ' +
    'the next batch, call again with startTime at the last event time. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: ['EventProcessingFactory.CreateEventProcessing2', ...EVENT_RANGE_METHODS],
  },
  example: { startTime: '2024-01-01 00:00', limit: 20, searchCondition: { GNRL_EA_SEVERITY: 4 } },
  async run(ctx, query) {
    const { items, records } = await readEventRange(ctx, await openEventWindow(ctx, query), query.limit);
    const context = records.map(eventContextRecord);
    return {
      status: 'Successful',
      raw: {
        pParamsEvents: {
          KLEVP_EVENT_RANGE_ARRAY: items.map((item, i) =>
            enrichWire(item, { severityName: context[i]?.['severityName'] ?? 'Unknown' }),
          ),
        },
      },
      context,
      keyFields: {
        EventIDs: records.flatMap((r) => numberOf(r, 'event_id')),
        EventTypes: records.flatMap((r) => textOf(r, 'event_type')),
        EventTypeIDs: records.flatMap((r) => numberOf(r, 'event_type_id')),
        HostIDs: records.flatMap((r) => textOf(r, 'hostname')),
        HostNames: records.flatMap((r) => textOf(r, 'hostdn')),
        EventTimes: records.flatMap((r) => isoTimeOf(r, 'rise_time')),
      },
      result: recordsTable('Fetch Event', context, RESULT_COLUMNS),
      errors: [],
    };
  },
  async *stream(ctx, query) {
    for await (const page of streamEventRange(ctx, await openEventWindow(ctx, query), query.limit)) {
      yield* page.records.map(eventContextRecord);
    }
  },
};

/** The events of an input's time range and search condition, oldest first: the id of their result set. */
async function openEventWindow(
  ctx: KscContext,
  { startTime, endTime, searchCondition: condition }: z.output<typeof input>,
): Promise<string> {
  const since = parseUtcTime(startTime);
  const until = endTime === undefined ? undefined : parseUtcTime(endTime);
  if (since === undefined) throw invalidInput('startTime', 'not a UTC time');
  if (until !== undefined && until < since) throw invalidInput('endTime', 'it is before startTime');
  const window = filter.and(
    filter.ge('rise_time', new Date(since)),
    ...(until === undefined ? [] : [filter.le('rise_time', new Date(until))]),
  );
  const opened = await ctx.ksc.call('EventProcessingFactory.CreateEventProcessing2', {
    pFilter: { ...searchConditionFilter(condition), KLEVP_RFC2254_FILTER: window.text },
    vecFieldsToReturn: [...EVENT_FIELDS],
    vecFieldsToOrder: [{ Name: 'rise_time', Asc: true }],
    lifetimeSec: 300,
  });
  return opened.strIteratorId;
}
