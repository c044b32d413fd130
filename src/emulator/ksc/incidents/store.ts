import type { Kysely } from 'kysely';
import { decodeParams, stringifyParams } from '../../../ksc/codec.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { parseWireJson } from '../../../wire/json.ts';
import type { IncidentTables } from '../store/tables/incidents.ts';
import type { KscWorld } from '../world.ts';

/** A stored incident: its id, server, host and the attributes a client set. */
export interface IncidentRow {
  readonly id: number;
  readonly vserverId: number;
  readonly hostId: string;
  readonly attributes: KlParams;
}

function db(world: KscWorld): Kysely<IncidentTables> {
  return world.db.withTables<IncidentTables>();
}

function fromRow(row: { id: number; vserver_id: number; host_id: string; attrs: string }): IncidentRow {
  return {
    id: Number(row.id),
    vserverId: row.vserver_id,
    hostId: row.host_id,
    attributes: decodeParams(parseWireJson(row.attrs)),
  };
}

/** Stores a new incident and returns its id (one more than the largest ever stored). */
export async function insertIncident(
  world: KscWorld,
  vserverId: number,
  hostId: string,
  attributes: KlParams,
): Promise<number> {
  return db(world)
    .transaction()
    .execute(async (trx) => {
      const top = await trx
        .selectFrom('incidents')
        .select((eb) => eb.fn.max('id').as('top'))
        .executeTakeFirst();
      const id = Number(top?.top ?? 0) + 1;
      await trx
        .insertInto('incidents')
        .values({ id, vserver_id: vserverId, host_id: hostId, attrs: stringifyParams(attributes) })
        .execute();
      return id;
    });
}

export async function findIncident(
  world: KscWorld,
  vserverId: number,
  id: number,
): Promise<IncidentRow | undefined> {
  const row = await db(world)
    .selectFrom('incidents')
    .selectAll()
    .where('id', '=', id)
    .where('vserver_id', '=', vserverId)
    .executeTakeFirst();
  return row === undefined ? undefined : fromRow(row);
}

export async function saveIncidentAttributes(
  world: KscWorld,
  id: number,
  attributes: KlParams,
): Promise<void> {
  await db(world)
    .updateTable('incidents')
    .set({ attrs: stringifyParams(attributes) })
    .where('id', '=', id)
    .execute();
}

export async function deleteIncident(world: KscWorld, vserverId: number, id: number): Promise<boolean> {
  const result = await db(world)
    .deleteFrom('incidents')
    .where('id', '=', id)
    .where('vserver_id', '=', vserverId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function incidentsOf(world: KscWorld, vserverId: number): Promise<IncidentRow[]> {
  const rows = await db(world)
    .selectFrom('incidents')
    .selectAll()
    .where('vserver_id', '=', vserverId)
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}
