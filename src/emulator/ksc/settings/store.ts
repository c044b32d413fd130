import type { Kysely } from 'kysely';
import { decodeParams, stringifyParams } from '../../../ksc/codec.ts';
import { parseWireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import type { SettingsTables } from '../store/tables/settings.ts';
import type { KscWorld } from '../world.ts';

/** Where one section lives: host, storage type, product, version key, section name. */
export interface SectionPath {
  readonly hostId: string;
  readonly type: string;
  readonly product: string;
  readonly version: string;
  readonly section: string;
}

/** A stored row: the section's content, or `null` for a removed section. */
export type StoredSection = KlParams | null;

function db(world: KscWorld): Kysely<SettingsTables> {
  return world.db.withTables<SettingsTables>();
}

/** The written sections of one product version on a host, by name. */
export async function storedSections(
  world: KscWorld,
  hostId: string,
  type: string,
  product: string,
  version: string,
): Promise<Map<string, StoredSection>> {
  const rows = await db(world)
    .selectFrom('host_settings')
    .select(['section', 'data', 'deleted'])
    .where('host_id', '=', hostId)
    .where('storage_type', '=', type)
    .where('product', '=', product)
    .where('version', '=', version)
    .execute();
  const out = new Map<string, StoredSection>();
  for (const row of rows)
    out.set(
      row.section,
      row.deleted !== 0 || row.data === null ? null : decodeParams(parseWireJson(row.data)),
    );
  return out;
}

/** The stored state of one section: content, `null` when removed, `undefined` when never written. */
export async function storedSection(world: KscWorld, path: SectionPath): Promise<StoredSection | undefined> {
  const sections = await storedSections(world, path.hostId, path.type, path.product, path.version);
  return sections.get(path.section);
}

/** Writes a section's whole content, or marks it removed (`null`). */
export async function storeSection(
  world: KscWorld,
  vserverId: number,
  path: SectionPath,
  content: StoredSection,
): Promise<void> {
  const data = content === null ? null : stringifyParams(content);
  const deleted = content === null ? 1 : 0;
  await db(world)
    .insertInto('host_settings')
    .values({
      vserver_id: vserverId,
      host_id: path.hostId,
      storage_type: path.type,
      product: path.product,
      version: path.version,
      section: path.section,
      data,
      deleted,
    })
    .onConflict((oc) =>
      oc.columns(['host_id', 'storage_type', 'product', 'version', 'section']).doUpdateSet({ data, deleted }),
    )
    .execute();
}

/** A host's current isolation, as its agent applied it. */
export interface IsolationState {
  readonly since: number;
  readonly until: number;
}

export async function isolationOf(world: KscWorld, hostId: string): Promise<IsolationState | undefined> {
  const row = await db(world)
    .selectFrom('host_isolation')
    .select(['since', 'until'])
    .where('host_id', '=', hostId)
    .executeTakeFirst();
  return row === undefined ? undefined : { since: Number(row.since), until: Number(row.until) };
}

export async function setIsolation(
  world: KscWorld,
  vserverId: number,
  hostId: string,
  state: IsolationState | undefined,
): Promise<void> {
  await db(world).deleteFrom('host_isolation').where('host_id', '=', hostId).execute();
  if (state === undefined) return;
  await db(world)
    .insertInto('host_isolation')
    .values({ host_id: hostId, vserver_id: vserverId, since: state.since, until: state.until })
    .execute();
}
