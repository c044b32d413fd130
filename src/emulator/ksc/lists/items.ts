import type { Kysely } from 'kysely';
import type { ListTables } from '../store/tables/lists.ts';
import type { WorldDatabase } from '../store/tables/table-set.ts';

/** The network lists of files that `QBTNetworkListApi` and the views of the same names serve (spec §5.2, §9.1). */
export const LIST_NAMES = ['Quarantine', 'Backup', 'TIF'] as const;
export type ListName = (typeof LIST_NAMES)[number];

export function isListName(name: string): name is ListName {
  return (LIST_NAMES as readonly string[]).includes(name);
}

/**
 * `iObjStatus` as the emulator uses it (decisions/0007). Seed 001's sample shows 4 for a file quarantined on
 * request; the others are the states a rescan can lead to.
 */
export const OBJECT_STATUS = Object.freeze({
  NOT_INFECTED: 0,
  INFECTED: 1,
  PROBABLY_INFECTED: 2,
  DISINFECTED: 3,
  ADDED_BY_USER: 4,
});

/** One file in a network list. Times are epoch ms on the emulator clock. */
export interface ListItem {
  /** `nId`: global over the whole emulator, never reused. */
  readonly id: number;
  readonly vserverId: number;
  readonly hostId: string;
  readonly list: ListName;
  /** `strId` / `ObjName`: the file's id in the host's own storage. */
  readonly localId: number;
  readonly path: string;
  readonly threat: string | null;
  readonly threatType: string | null;
  readonly status: number;
  readonly size: number;
  readonly storedAt: number;
  readonly checkedAt: number | null;
  readonly sentAt: number | null;
  readonly productName: string;
  readonly productVersion: string;
}

type Row = ListTables['list_items'];

function db(world: WorldDatabase): Kysely<ListTables> {
  return world.db.withTables<ListTables>();
}

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value));

function toItem(row: Row): ListItem {
  return {
    id: Number(row.id),
    vserverId: row.vserver_id,
    hostId: row.host_id,
    list: isListName(row.list_name) ? row.list_name : 'Quarantine',
    localId: row.local_id,
    path: row.path,
    threat: row.threat,
    threatType: row.threat_type,
    status: row.status,
    size: Number(row.size),
    storedAt: Number(row.stored_at),
    checkedAt: nullableNumber(row.checked_at),
    sentAt: nullableNumber(row.sent_at),
    productName: row.product_name,
    productVersion: row.product_version,
  };
}

export function itemRow(item: ListItem): Row {
  return {
    id: item.id,
    vserver_id: item.vserverId,
    host_id: item.hostId,
    list_name: item.list,
    local_id: item.localId,
    path: item.path,
    threat: item.threat,
    threat_type: item.threatType,
    status: item.status,
    size: item.size,
    stored_at: item.storedAt,
    checked_at: item.checkedAt,
    sent_at: item.sentAt,
    product_name: item.productName,
    product_version: item.productVersion,
    removed_at: null,
  };
}

/** An item still in its list, or undefined (unknown id, or restored/deleted already). */
export async function findItem(world: WorldDatabase, id: number): Promise<ListItem | undefined> {
  const row = await db(world)
    .selectFrom('list_items')
    .selectAll()
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : toItem(row);
}

/** An item still in a host's list, by its id on the host (`strId`): what the host's Network Agent looks up. */
export async function findHostItem(
  world: WorldDatabase,
  hostId: string,
  list: ListName,
  localId: number,
): Promise<ListItem | undefined> {
  const row = await db(world)
    .selectFrom('list_items')
    .selectAll()
    .where('host_id', '=', hostId)
    .where('list_name', '=', list)
    .where('local_id', '=', localId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : toItem(row);
}

/** Items of several ids still in their lists, by id. */
export async function findItems(
  world: WorldDatabase,
  ids: readonly number[],
): Promise<Map<number, ListItem>> {
  const found = new Map<number, ListItem>();
  if (ids.length === 0) return found;
  const rows = await db(world)
    .selectFrom('list_items')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .where('removed_at', 'is', null)
    .execute();
  for (const row of rows) found.set(Number(row.id), toItem(row));
  return found;
}

/** The items of a server's list, oldest first. */
export async function itemsOf(world: WorldDatabase, vserverId: number, list: ListName): Promise<ListItem[]> {
  const rows = await db(world)
    .selectFrom('list_items')
    .selectAll()
    .where('vserver_id', '=', vserverId)
    .where('list_name', '=', list)
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

/** The hosts that hold items in a server's list (each once, in no particular order). */
export async function hostsWithItems(
  world: WorldDatabase,
  vserverId: number,
  list: ListName,
): Promise<string[]> {
  const rows = await db(world)
    .selectFrom('list_items')
    .select('host_id')
    .distinct()
    .where('vserver_id', '=', vserverId)
    .where('list_name', '=', list)
    .where('removed_at', 'is', null)
    .execute();
  return rows.map((row) => row.host_id);
}

/** Hosts per query of `itemsOfHosts`: well under the bound-parameter limits of SQLite and PostgreSQL. */
const HOSTS_PER_QUERY = 500;

/** The items of a server's list stored by some hosts, oldest first (the order of `itemsOf`). */
export async function itemsOfHosts(
  world: WorldDatabase,
  vserverId: number,
  list: ListName,
  hostIds: readonly string[],
): Promise<ListItem[]> {
  const out: ListItem[] = [];
  for (let start = 0; start < hostIds.length; start += HOSTS_PER_QUERY) {
    const rows = await db(world)
      .selectFrom('list_items')
      .selectAll()
      .where('vserver_id', '=', vserverId)
      .where('list_name', '=', list)
      .where('host_id', 'in', hostIds.slice(start, start + HOSTS_PER_QUERY))
      .where('removed_at', 'is', null)
      .execute();
    out.push(...rows.map(toItem));
  }
  return out.sort((a, b) => a.id - b.id);
}

export type NewListItem = Omit<ListItem, 'id' | 'localId'>;

const insertQueues = new WeakMap<WorldDatabase, Promise<unknown>>();

/**
 * Adds an item with the next global id and the host's next local id. Insertions of one world run one after
 * another, so two agents reporting at the same sync never draw the same id.
 */
export function insertItem(world: WorldDatabase, item: NewListItem): Promise<ListItem> {
  const previous = insertQueues.get(world) ?? Promise.resolve();
  const run = previous.then(async () => {
    const q = db(world);
    const top = await q
      .selectFrom('list_items')
      .select((eb) => eb.fn.max('id').as('maxId'))
      .executeTakeFirst();
    const local = await q
      .selectFrom('list_items')
      .select((eb) => eb.fn.max('local_id').as('maxLocal'))
      .where('host_id', '=', item.hostId)
      .executeTakeFirst();
    const stored: ListItem = {
      ...item,
      id: Number(top?.maxId ?? 0) + 1,
      localId: Number(local?.maxLocal ?? 0) + 1,
    };
    await q.insertInto('list_items').values(itemRow(stored)).execute();
    return stored;
  });
  insertQueues.set(
    world,
    run.catch(() => undefined),
  );
  return run;
}

/** Takes an item out of its list (restored or deleted on the host); the row stays so its id is never reused. */
export async function removeItem(world: WorldDatabase, id: number, at: number): Promise<void> {
  await db(world).updateTable('list_items').set({ removed_at: at }).where('id', '=', id).execute();
}

/** Records the outcome of a rescan. */
export async function updateScan(
  world: WorldDatabase,
  id: number,
  status: number,
  at: number,
): Promise<void> {
  await db(world).updateTable('list_items').set({ status, checked_at: at }).where('id', '=', id).execute();
}
