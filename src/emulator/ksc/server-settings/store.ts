import { sql, type Kysely } from 'kysely';
import { decodeParams, stringifyParams } from '../../../ksc/codec.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { parseWireJson } from '../../../wire/json.ts';
import type { ServerSettingsTables } from '../store/tables/server-settings.ts';
import type { KscWorld } from '../world.ts';

/** The server settings clients can write, by the name they are stored under. */
export type ServerSettingName =
  | 'notification-defaults'
  | 'notification-limits'
  | 'update-agents'
  | 'assign-uas-automatically'
  | 'list-tags'
  | 'license-keys'
  | 'mobile-devices'
  | 'mobile-eulas'
  | 'multitenancy-servers'
  | 'enrollment-packages'
  | 'ad-organization-units'
  | 'file-categories'
  | 'sent-mail'
  | 'outbreak-policies'
  | 'outbreaks'
  | 'secondary-servers'
  | 'virtual-servers'
  | 'vserver-certificate-recalls';

function db(world: KscWorld): Kysely<ServerSettingsTables> {
  return world.db.withTables<ServerSettingsTables>();
}

/** A setting as last written on this virtual server, or `undefined` while it is still its default. */
export async function storedSetting(
  world: KscWorld,
  vserverId: number,
  name: ServerSettingName,
): Promise<KlParams | undefined> {
  const row = await db(world)
    .selectFrom('server_settings')
    .select('data')
    .where('vserver_id', '=', vserverId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row === undefined ? undefined : decodeParams(parseWireJson(row.data));
}

/** Replaces a setting (an upsert on both backends). */
export async function storeSetting(
  world: KscWorld,
  vserverId: number,
  name: ServerSettingName,
  value: KlParams,
): Promise<void> {
  const data = stringifyParams(value);
  await db(world)
    .insertInto('server_settings')
    .values({ vserver_id: vserverId, name, data })
    .onConflict((c) => c.columns(['vserver_id', 'name']).doUpdateSet({ data }))
    .execute();
}

/** A change of a stored setting: the value to write (`undefined`: write nothing) and what the caller answers. */
export interface SettingChange<T> {
  readonly value: KlParams | undefined;
  readonly result: T;
}

/**
 * Reads a setting, lets `change` compute the new value and writes it, in one transaction, so two clients changing
 * the same setting of one virtual server cannot lose either change. On PostgreSQL a transaction-scoped advisory lock
 * on (setting, virtual server) serializes the writers (a row lock would not cover a setting not stored yet); on
 * SQLite Kysely runs a transaction on its one connection, which no other query shares until it ends. `change` must
 * not query the database itself: on SQLite that query would wait for the transaction it runs in.
 */
export async function updateSetting<T>(
  world: KscWorld,
  vserverId: number,
  name: ServerSettingName,
  change: (stored: KlParams | undefined) => SettingChange<T> | Promise<SettingChange<T>>,
): Promise<T> {
  return db(world)
    .transaction()
    .execute(async (trx) => {
      if (world.store.kind === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtext(${name}), ${vserverId})`.execute(trx);
      const row = await trx
        .selectFrom('server_settings')
        .select('data')
        .where('vserver_id', '=', vserverId)
        .where('name', '=', name)
        .executeTakeFirst();
      const stored = row === undefined ? undefined : decodeParams(parseWireJson(row.data));
      const { value, result } = await change(stored);
      if (value !== undefined) {
        const data = stringifyParams(value);
        await trx
          .insertInto('server_settings')
          .values({ vserver_id: vserverId, name, data })
          .onConflict((c) => c.columns(['vserver_id', 'name']).doUpdateSet({ data }))
          .execute();
      }
      return result;
    });
}
