import { sql } from 'kysely';
import { KlDouble } from '../../ksc/values.ts';
import type { KscWorld } from './world.ts';

/** Bytes a stored event takes beside its attributes (ids, times, type, severity, index entries). */
const ROW_OVERHEAD_BYTES = 96;

/**
 * `KLADMSRV_EV_EV_SIZE` of `HostGroup.GetStaticInfo`: the average size of a stored event in kilobytes, a double
 * (KSC reports it to size the events database). Measured over the virtual server's stored events; 0 without any.
 */
export async function averageEventSizeKb(world: KscWorld, vserverId: number): Promise<KlDouble> {
  const row = await world.db
    .selectFrom('events')
    .where('vserver_id', '=', vserverId)
    .select([sql<number | string | null>`avg(length(attrs))`.as('avgLength')])
    .executeTakeFirst();
  const average = Number(row?.avgLength ?? 0);
  if (!(average > 0)) return new KlDouble(0);
  // Two decimals: the figure is an estimate, and a stable value keeps recorded responses comparable.
  return new KlDouble(Math.round(((average + ROW_OVERHEAD_BYTES) / 1024) * 100) / 100);
}
