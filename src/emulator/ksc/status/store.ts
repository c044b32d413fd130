import type { Kysely } from 'kysely';
import { decodeParams, stringifyParams } from '../../../ksc/codec.ts';
import { parseWireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import type { StatusTables } from '../store/tables/status.ts';
import type { KscWorld } from '../world.ts';

/** Which events a reset reason has already "seen": up to an event id, or risen up to a time. */
export interface ResetMark {
  readonly afterEventId: number | null;
  readonly sinceTime: number | null;
}

function db(world: KscWorld): Kysely<StatusTables> {
  return world.db.withTables<StatusTables>();
}

/** The last reset of each reason of a status on a virtual server, by bit. */
export async function resetMarks(
  world: KscWorld,
  vserverId: number,
  status: string,
): Promise<Map<number, ResetMark>> {
  const rows = await db(world)
    .selectFrom('status_resets')
    .select(['bit', 'after_event_id', 'since_time'])
    .where('vserver_id', '=', vserverId)
    .where('status', '=', status)
    .execute();
  return new Map(
    rows.map((row) => [
      row.bit,
      {
        afterEventId: row.after_event_id === null ? null : Number(row.after_event_id),
        sinceTime: row.since_time === null ? null : Number(row.since_time),
      },
    ]),
  );
}

export async function saveReset(
  world: KscWorld,
  vserverId: number,
  status: string,
  bit: number,
  at: number,
  mark: ResetMark,
): Promise<void> {
  const values = { reset_at: at, after_event_id: mark.afterEventId, since_time: mark.sinceTime };
  await db(world)
    .insertInto('status_resets')
    .values({ vserver_id: vserverId, status, bit, ...values })
    .onConflict((oc) => oc.columns(['vserver_id', 'status', 'bit']).doUpdateSet(values))
    .execute();
}

/** Server conditions set from outside the world (patches to approve, a pending reboot…), by bit. */
export async function conditions(
  world: KscWorld,
  vserverId: number,
  status: string,
): Promise<Map<number, KlParams>> {
  const rows = await db(world)
    .selectFrom('status_conditions')
    .select(['bit', 'params'])
    .where('vserver_id', '=', vserverId)
    .where('status', '=', status)
    .execute();
  return new Map(rows.map((row) => [row.bit, decodeParams(parseWireJson(row.params))]));
}

/** Makes a reason hold with the given output parameters (`null` clears it). For tooling and tests. */
export async function setCondition(
  world: KscWorld,
  vserverId: number,
  status: string,
  bit: number,
  params: KlParams | null,
): Promise<void> {
  await db(world)
    .deleteFrom('status_conditions')
    .where('vserver_id', '=', vserverId)
    .where('status', '=', status)
    .where('bit', '=', bit)
    .execute();
  if (params === null) return;
  // A condition set after a reset is news again.
  await db(world)
    .deleteFrom('status_resets')
    .where('vserver_id', '=', vserverId)
    .where('status', '=', status)
    .where('bit', '=', bit)
    .execute();
  await db(world)
    .insertInto('status_conditions')
    .values({ vserver_id: vserverId, status, bit, params: stringifyParams(params) })
    .execute();
}

/** A statistics request a client polls with `GetStatisticsData`. */
export interface StatisticsRequest {
  readonly id: string;
  readonly query: KlParams;
}

/** Requests older than this are forgotten (a client polls within seconds). */
const REQUEST_TTL_MS = 3600_000;

export async function saveRequest(
  world: KscWorld,
  vserverId: number,
  owner: string,
  id: string,
  at: number,
  query: KlParams,
): Promise<void> {
  await db(world)
    .deleteFrom('status_requests')
    .where('created_at', '<', at - REQUEST_TTL_MS)
    .execute();
  await db(world)
    .insertInto('status_requests')
    .values({ id, vserver_id: vserverId, owner, created_at: at, query: stringifyParams(query) })
    .execute();
}

export async function findRequest(
  world: KscWorld,
  vserverId: number,
  owner: string,
  id: string,
): Promise<StatisticsRequest | undefined> {
  const row = await db(world)
    .selectFrom('status_requests')
    .select(['id', 'query'])
    .where('id', '=', id)
    .where('vserver_id', '=', vserverId)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, query: decodeParams(parseWireJson(row.query)) };
}

export async function deleteRequest(
  world: KscWorld,
  vserverId: number,
  owner: string,
  id: string,
): Promise<boolean> {
  const result = await db(world)
    .deleteFrom('status_requests')
    .where('id', '=', id)
    .where('vserver_id', '=', vserverId)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
