import { sql } from 'kysely';
import type { KlParams } from '../../../ksc/values.ts';
import type { KscWorld } from '../world.ts';

/**
 * The event-intake counters of `HostGroup.GetInstanceStatistics` (`KLSRV_ST_EVENTS_*`, `KLSRV_ST_EVENTBULKS_*`),
 * counted from the event store: every event that rose since the server started was received, and the events one
 * host published within one sync interval arrived as one bulk (an agent sends what it collected at its sync).
 * What the store held when the counters were first read is counted once and kept, so the oldest events the store
 * trims later are still counted as received; events stored after that (ids beyond the first read's highest) are
 * counted as they come (decision 0076).
 */

interface Intake {
  readonly events: number;
  readonly bulks: number;
}

interface Baseline extends Intake {
  /** The highest event id when the baseline was taken: later events are counted on each read. */
  readonly lastId: number;
}

const baselines = new WeakMap<KscWorld, Map<string, Promise<Baseline>>>();

async function intake(
  world: KscWorld,
  vserverIds: readonly number[],
  syncIntervalMs: number,
  filter: { readonly risenAfter: number } | { readonly idAbove: number },
): Promise<Intake & { readonly lastId: number }> {
  if (vserverIds.length === 0) return { events: 0, bulks: 0, lastId: 0 };
  let query = world.db.selectFrom('events').where('vserver_id', 'in', vserverIds);
  query =
    'risenAfter' in filter
      ? query.where('rise_time', '>', filter.risenAfter)
      : query.where('id', '>', filter.idAbove);
  const row = await query
    .select([
      sql<number>`count(*)`.as('events'),
      sql<number>`coalesce(max(id), 0)`.as('lastId'),
      // One bulk per host and sync interval; server events (no host) share one per interval.
      sql<number>`count(distinct coalesce(host_id, '') || ':' || cast(rise_time / ${sql.lit(Math.max(1, Math.floor(syncIntervalMs)))} as text))`.as(
        'bulks',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { events: Number(row.events), bulks: Number(row.bulks), lastId: Number(row.lastId) };
}

/** The events and bulks received since `start` by the virtual servers `vserverIds`. */
export async function eventIntake(
  world: KscWorld,
  vserverIds: readonly number[],
  start: number,
  syncIntervalMs: number,
): Promise<KlParams> {
  let perWorld = baselines.get(world);
  if (perWorld === undefined) {
    perWorld = new Map();
    baselines.set(world, perWorld);
    world.onReset(() => baselines.delete(world));
  }
  const key = vserverIds.join(',');
  let baseline = perWorld.get(key);
  if (baseline === undefined) {
    baseline = intake(world, vserverIds, syncIntervalMs, { risenAfter: start });
    perWorld.set(key, baseline);
    // A failed read (the database away) is not kept: the next read takes the baseline again.
    baseline.catch(() => perWorld.delete(key));
  }
  const before = await baseline;
  const since = await intake(world, vserverIds, syncIntervalMs, { idAbove: before.lastId });
  return {
    KLSRV_ST_EVENTS_CNT: before.events + since.events,
    KLSRV_ST_EVENTS_JN_CNT: 0,
    KLSRV_ST_EVENTS_REJECTED_CNT: 0,
    KLSRV_ST_EVENTS_ERROR_CNT: 0,
    KLSRV_ST_EVENTBULKS_CNT: before.bulks + since.bulks,
    KLSRV_ST_EVENTBULKS_JN_CNT: 0,
    KLSRV_ST_EVENTBULKS_REJECTED_CNT: 0,
    KLSRV_ST_EVENTBULKS_ERROR_CNT: 0,
  };
}
