import { sql, type Kysely } from 'kysely';
import type { AgentWork } from '../agents/scheduler.ts';
import type { ListTables } from '../store/tables/lists.ts';
import type { WorldDatabase } from '../store/tables/table-set.ts';
import { findItems, isListName, LIST_NAMES, type ListName } from './items.ts';

/** What the hosts reported of one network list's items since a moment: rescans (updates) and removals. */
export interface ListOperations {
  readonly updated: number;
  readonly deleted: number;
}

/**
 * Per network list, the item operations hosts reported since `since` (epoch ms): an item rescanned then (its
 * `checked_at`) was updated, one restored or deleted (its `removed_at`) was deleted. Both times stay with the
 * item, so the counts hold across restarts.
 */
export async function listOperationsSince(
  world: WorldDatabase,
  vserverIds: readonly number[],
  since: number,
): Promise<Map<ListName, ListOperations>> {
  const counts = new Map<ListName, ListOperations>(
    LIST_NAMES.map((name) => [name, { updated: 0, deleted: 0 }]),
  );
  if (vserverIds.length === 0) return counts;
  const db: Kysely<ListTables> = world.db.withTables<ListTables>();
  const rows = await db
    .selectFrom('list_items')
    .where('vserver_id', 'in', vserverIds)
    .where((eb) => eb.or([eb('checked_at', '>', since), eb('removed_at', '>', since)]))
    .select([
      'list_name',
      sql<number>`sum(case when checked_at > ${since} then 1 else 0 end)`.as('updated'),
      sql<number>`sum(case when removed_at > ${since} then 1 else 0 end)`.as('deleted'),
    ])
    .groupBy('list_name')
    .execute();
  for (const row of rows) {
    if (isListName(row.list_name))
      counts.set(row.list_name, { updated: Number(row.updated), deleted: Number(row.deleted) });
  }
  return counts;
}

/** Per network list, the actions queued for the hosts' next syncs and not yet done (`list.*` agent work). */
export async function queuedListActions(
  world: WorldDatabase,
  pending: readonly AgentWork[],
): Promise<Map<ListName, number>> {
  const queued = new Map<ListName, number>(LIST_NAMES.map((name) => [name, 0]));
  const itemIds = new Map<AgentWork, number>();
  for (const work of pending) {
    const payload = work.payload as { itemId?: unknown } | null;
    if (work.kind.startsWith('list.') && typeof payload?.itemId === 'number')
      itemIds.set(work, payload.itemId);
  }
  const items = await findItems(world, [...itemIds.values()]);
  for (const itemId of itemIds.values()) {
    const item = items.get(itemId);
    if (item !== undefined) queued.set(item.list, (queued.get(item.list) ?? 0) + 1);
  }
  return queued;
}
