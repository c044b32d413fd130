import type { BulkValue } from '../../../store/database.ts';
import { LIST_ITEM_COLUMNS } from '../store/tables/lists.ts';
import type { NewWorld } from '../store/tables/table-set.ts';
import { Random } from '../../core/random.ts';
import { securityApplication } from '../world/index.ts';
import { itemRow, OBJECT_STATUS, type ListItem, type ListName } from './items.ts';
import { objectSize, threatStatus } from './objects.ts';

/**
 * Which list a file lands in after each kind of event of the history: KES moves a detected file to Quarantine,
 * keeps a Backup copy before it deletes or disinfects one, and lists a file it could not disinfect among the
 * unprocessed files (TIF).
 */
const LIST_OF_EVENT: Readonly<Record<string, ListName>> = {
  GNRL_EV_OBJECT_QUARANTINED: 'Quarantine',
  GNRL_EV_OBJECT_DELETED: 'Backup',
  GNRL_EV_OBJECT_CURED: 'Backup',
  GNRL_EV_OBJECT_NOTCURED: 'TIF',
};

function stringAttr(attrs: Record<string, unknown>, key: string): string {
  const value = attrs[key];
  return typeof value === 'string' ? value : '';
}

/**
 * Fills the lists of a new world from its event history, so every seeded file matches an event a client can
 * read (same host, object, threat and time). Deterministic: events come in id order and the few random choices
 * are drawn from the world seed.
 */
export async function seedListItems(world: NewWorld): Promise<void> {
  const rng = Random.derive(world.seedValue, 'lists');
  const localIds = new Map<string, number>();
  let nextId = 1;
  // One pass over the history: paging with `id > last … LIMIT` rescanned the unindexed type filter per page and
  // took 12 s on PostgreSQL for a million events. The matching events are a small share of the history.
  const rows = await world.db
    .selectFrom('events')
    .select(['id', 'host_id', 'rise_time', 'event_type', 'attrs'])
    .where('event_type', 'in', Object.keys(LIST_OF_EVENT))
    .orderBy('id')
    .execute();
  const items: Array<Omit<ListItem, 'id'>> = [];
  for (const row of rows) {
    const list = LIST_OF_EVENT[row.event_type];
    const host = row.host_id === null ? undefined : world.hosts.get(row.host_id);
    const product = host === undefined ? undefined : securityApplication(host.products);
    if (list === undefined || host === undefined || product === undefined) continue;
    const attrs = JSON.parse(row.attrs) as Record<string, unknown>;
    const path = stringAttr(attrs, 'GNRL_EA_PARAM_1');
    const threat = stringAttr(attrs, 'GNRL_EA_PARAM_2');
    if (path === '' || threat === '') continue;
    const storedAt = Number(row.rise_time);
    const localId = (localIds.get(host.id) ?? 0) + 1;
    localIds.set(host.id, localId);
    items.push({
      vserverId: host.vserverId,
      hostId: host.id,
      list,
      localId,
      path,
      threat,
      threatType: stringAttr(attrs, 'GNRL_EA_PARAM_4') || null,
      status: row.event_type === 'GNRL_EV_OBJECT_CURED' ? OBJECT_STATUS.DISINFECTED : threatStatus(threat),
      size: objectSize(`${host.id}\u0000${path}\u0000${storedAt}`),
      storedAt,
      checkedAt: storedAt,
      // Some files were sent to Kaspersky for analysis a little after they were stored.
      sentAt: rng.chance(0.3) ? storedAt + rng.int(10, 600) * 1000 : null,
      productName: product.name,
      productVersion: product.version,
    });
  }
  // Quarantine first, then Backup, then TIF, each the main server's before the virtual servers', in event order:
  // File IDs 1, 2, 3… are quarantined files of the main server in every world with a few of them, whatever the
  // history's mix and its spread over virtual servers (both vary with the time of day the world was made), so
  // documented examples and tests can name them.
  const order: readonly ListName[] = ['Quarantine', 'Backup', 'TIF'];
  const batch: BulkValue[][] = [];
  for (const list of order) {
    for (const mainServer of [true, false]) {
      for (const item of items) {
        if (item.list !== list || (item.vserverId === 0) !== mainServer) continue;
        const values = itemRow({ ...item, id: nextId++ });
        batch.push(LIST_ITEM_COLUMNS.map((column) => values[column]));
      }
    }
  }
  await world.store.bulkInsert('list_items', LIST_ITEM_COLUMNS, batch);
}
