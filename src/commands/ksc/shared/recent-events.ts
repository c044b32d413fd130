import { filter } from '../../../ksc/filter/index.ts';
import { EVENT_FIELDS, readEventRange, severityName } from './events.ts';
import { plainRecord } from './plain.ts';
import type { CommandContext, PlainJson } from '../../core/types.ts';

/** One event as a live view shows it: its attributes as plain JSON, with the severity in words. */
export type RecentEvent = { [key: string]: PlainJson };

/**
 * The newest events (raised at or after `since` when given), newest first, at most `limit`. A live view wants the latest
 * events, where Fetch Event (oldest first, seed 001) serves a reader that must not miss one; a view that polls
 * more rarely than `limit` events arrive skips the older ones of the gap, which it shows as such.
 */
export async function readRecentEvents(
  ctx: CommandContext,
  options: { readonly since?: number | undefined; readonly limit: number },
): Promise<RecentEvent[]> {
  const opened = await ctx.ksc.call('EventProcessingFactory.CreateEventProcessing2', {
    pFilter:
      options.since === undefined
        ? {}
        : { KLEVP_RFC2254_FILTER: filter.ge('rise_time', new Date(options.since)).text },
    vecFieldsToReturn: [...EVENT_FIELDS],
    vecFieldsToOrder: [{ Name: 'rise_time', Asc: false }],
    lifetimeSec: 60,
  });
  const { records } = await readEventRange(ctx, opened.strIteratorId, options.limit);
  return records.map((r) => ({ ...plainRecord(r), severityName: severityName(r['GNRL_EA_SEVERITY']) }));
}
