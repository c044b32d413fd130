import type { Kysely } from 'kysely';
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
  | 'ad-organization-units'
  | 'file-categories'
  | 'sent-mail'
  | 'outbreak-policies'
  | 'secondary-servers'
  | 'virtual-servers';

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
