import { z } from 'zod';
import { filter } from '../../ksc/filter/index.ts';
import { recordsTable, statusOf } from '../core/result.ts';
import {
  EVENT_FIELDS,
  EVENT_RANGE_METHODS,
  eventContextRecord,
  readEventRange,
  streamEventRange,
} from './shared/events.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import type { KscCommand, KscContext } from './shared/vendor.ts';

const input = z.object({
  since: z
    .string()
    .max(64)
    .refine(
      (text) => !Number.isNaN(Date.parse(text)),
      'expected an ISO 8601 time such as 2025-01-31T08:00:00Z',
    )
    .optional()
    .describe(
      'Only events raised at or after this time (ISO 8601, e.g. 2025-01-31T08:00:00Z); default: any time',
    ),
  limit: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .describe('How many of the newest events at most (1–500)'),
});

const keyFields = z.object({
  EventIDs: z.array(z.number()),
  NewestRiseTime: z.string().nullable(),
});

const TITLE = 'List Recent Events';
const COLUMNS = [
  'event_id',
  'rise_time',
  'severityName',
  'event_type_display_name',
  'hostdn',
  'task_display_name',
];

/**
 * The newest events, newest first: what a live view shows. Fetch Event (oldest first, seed 001) serves a reader
 * that must not miss one; a view that polls more rarely than `limit` events arrive skips the older ones of the
 * gap, and says so.
 */
export const listRecentEvents: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_recent_events',
  title: TITLE,
  description:
    'Lists the newest events of the Administration Server, newest first (at most 500), optionally only those ' +
    'raised since a time, each with its severity in words. Meant for a live view that looks every few seconds ' +
    'with `since` set to the newest time it has seen; to read every event exactly once in order use Fetch ' +
    'Event instead. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: ['EventProcessingFactory.CreateEventProcessing2', ...EVENT_RANGE_METHODS],
  },
  example: { limit: 20 },
  async run(ctx, { since, limit }) {
    const { records, items } = await readEventRange(ctx, await openNewestFirst(ctx, since), limit);
    const events = records.map(eventContextRecord);
    const ids = events.flatMap((e) => (typeof e['event_id'] === 'number' ? [e['event_id']] : []));
    const newest = events[0]?.['rise_time'];
    return {
      status: statusOf(1, 0),
      raw: items,
      context: events,
      keyFields: { EventIDs: ids, NewestRiseTime: typeof newest === 'string' ? newest : null },
      result: recordsTable(TITLE, events, COLUMNS),
      errors: [],
    };
  },
  async *stream(ctx, { since, limit }) {
    for await (const page of streamEventRange(ctx, await openNewestFirst(ctx, since), limit)) {
      yield* page.records.map(eventContextRecord);
    }
  },
};

/** The events raised since `since` (any time when not given), newest first: the id of their result set. */
async function openNewestFirst(ctx: KscContext, since: string | undefined): Promise<string> {
  const opened = await ctx.ksc.call('EventProcessingFactory.CreateEventProcessing2', {
    pFilter:
      since === undefined ? {} : { KLEVP_RFC2254_FILTER: filter.ge('rise_time', new Date(since)).text },
    vecFieldsToReturn: [...EVENT_FIELDS],
    vecFieldsToOrder: [{ Name: 'rise_time', Asc: false }],
    lifetimeSec: 60,
  });
  return opened.strIteratorId;
}
