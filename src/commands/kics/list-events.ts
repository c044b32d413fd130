import { isIP } from 'node:net';
import { z } from 'zod';
import { pages } from '../../kics/client/iterators.ts';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import { EVENT_SEVERITIES, EVENT_USER_STATES, TECHNOLOGIES, type KicsEvent } from '../../kics/model.ts';
import { MAX_LIMIT } from '../../kics/query/index.ts';
import { itemsTable } from '../core/result.ts';
import { EVENT_COLUMNS, eventRecord, eventRow } from './shared/events.ts';
import { wireOf } from './shared/json.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand, type KicsContext } from './shared/vendor.ts';

const TITLE = 'KICS List Events';

const input = z.object({
  severity: z
    .array(z.enum(EVENT_SEVERITIES))
    .min(1)
    .optional()
    .describe('Only events of one of these severities (Info, Warning, Critical)'),
  status: z
    .array(z.enum(EVENT_USER_STATES))
    .min(1)
    .optional()
    .describe('Only events in one of these processing states (Proposed = new, Active, Resolved)'),
  technology: z
    .array(z.enum(TECHNOLOGIES))
    .min(1)
    .optional()
    .describe('Only events raised by one of these detection technologies'),
  ipAddress: z
    .string()
    .refine((v) => isIP(v) !== 0, 'an IPv4 or IPv6 address')
    .optional()
    .describe('Only events with this IP address as the source or the destination of a communication'),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only events that started at or after this time (ISO 8601)'),
  afterId: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Only events after this id: give the LastEventId of the previous call to read on from there'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .describe(`Events to return at most; read ${MAX_LIMIT} per request until the limit or the last event`),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  EventIds: z.array(z.number().int()),
  EventsCount: z.number().int(),
  /** The id to give as `afterId` to read on; null when no event was returned. */
  LastEventId: z.number().int().nullable(),
  MoreAvailable: z.boolean(),
});

function eventQuery(given: Input) {
  const query = kicsQuery('events');
  if (given.severity !== undefined) query.where('severity', 'IsOneOf', given.severity);
  if (given.status !== undefined) query.where('status', 'IsOneOf', given.status);
  if (given.technology !== undefined) query.where('technology', 'IsOneOf', given.technology);
  if (given.since !== undefined) query.where('startTime', '>=', new Date(given.since));
  const ip = given.ipAddress;
  if (ip !== undefined)
    query.andGroup((g) => g.where('source:ipAddress', '=', ip).or('destination:ipAddress', '=', ip));
  return query.build();
}

/** The events of the filter after `afterId`, by id, at most `limit`, and whether more were there. */
async function readEvents(ctx: KicsContext, given: Input): Promise<{ events: KicsEvent[]; more: boolean }> {
  const events: KicsEvent[] = [];
  const options = {
    pageSize: Math.min(MAX_LIMIT, given.limit + 1),
    ...(given.afterId === undefined ? {} : { afterId: given.afterId }),
  };
  // One more than asked (when a page allows) tells whether more are there; leaving the loop stops the reading.
  for await (const page of pages(ctx.kics, 'events', eventQuery(given), options)) {
    events.push(...page);
    if (events.length > given.limit) break;
  }
  const more = events.length > given.limit;
  return { events: more ? events.slice(0, given.limit) : events, more };
}

/** `kics_list_events`: the events KICS for Networks registered, filtered, in id order, read on by `afterId`. */
export const kicsListEvents: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_events',
  title: TITLE,
  description:
    'Lists the events KICS for Networks registered — detections of its technologies (deep packet inspection, ' +
    'network integrity control, command control, intrusion detection, asset management) and system events — ' +
    'in the order KICS registered them (by id): title, severity, processing status, technology, protocol, ' +
    'start and last seen times, source and destination addresses, the devices and CVEs involved. Filters ' +
    'combine with AND: severity, status and technology take several values; ipAddress matches the source or ' +
    'the destination; since a start time. To read on without repeats or gaps, give the previous call’s ' +
    '`LastEventId` as `afterId`. Returns at most `limit` events. A bad filter value fails before any request.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying several events'] },
  hints: { cliAliases: { ipAddress: 'ip' } },
  example: { severity: ['Warning', 'Critical'], limit: 20 },
  async run(ctx, given) {
    const { events, more } = await readEvents(ctx, given);
    return {
      status: 'Successful',
      raw: wireOf(events),
      context: events.map(eventRecord),
      keyFields: {
        EventIds: events.map((e) => e.id),
        EventsCount: events.length,
        LastEventId: events.length === 0 ? null : events[events.length - 1]!.id,
        MoreAvailable: more,
      },
      result: itemsTable(TITLE, events, 'Events Count', EVENT_COLUMNS, eventRow),
      errors: [],
    };
  },
};
