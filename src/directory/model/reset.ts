/**
 * The reset protocol (decision 0054): `ds_info_reset` opens a pending generation that the publisher's object events
 * fill while queries keep answering from the complete one; `ds_info_reset_complete` makes it the complete one and
 * drops the old; `abandonReset` drops the pending one. A second reset while one is open restarts it.
 */
import type { Db } from './objects.ts';
import type { PublisherRow } from './apply.ts';

export async function dropGeneration(db: Db, publisherId: number, generation: number): Promise<void> {
  for (const table of [
    'kconnect_directory_memberships',
    'kconnect_directory_identifiers',
    'kconnect_directory_objects',
  ] as const) {
    await db
      .deleteFrom(table)
      .where('publisher_id', '=', publisherId)
      .where('generation', '=', generation)
      .execute();
  }
}

/** `ds_info_reset`: stale when older than the reset that opened the current (or the pending) generation. */
export async function openReset(
  db: Db,
  publisher: PublisherRow,
  clock: string,
  now: number,
): Promise<boolean> {
  if (clock <= publisher.base_clock) return false;
  const id = Number(publisher.id);
  if (publisher.pending_generation !== null) {
    if (publisher.pending_base_clock !== null && clock <= publisher.pending_base_clock) return false;
    await dropGeneration(db, id, Number(publisher.pending_generation));
  }
  await db
    .updateTable('kconnect_directory_publishers')
    .set({
      pending_generation: Number(publisher.generation) + 1,
      pending_base_clock: clock,
      reset_started_at: now,
      reset_events: 0,
    })
    .where('id', '=', id)
    .execute();
  return true;
}

/** `ds_info_reset_complete`: stale when no reset is open or it is older than the open one. */
export async function completeReset(db: Db, publisher: PublisherRow, clock: string): Promise<boolean> {
  if (publisher.pending_generation === null || publisher.pending_base_clock === null) return false;
  if (clock <= publisher.pending_base_clock) return false;
  await dropGeneration(db, Number(publisher.id), Number(publisher.generation));
  await db
    .updateTable('kconnect_directory_publishers')
    .set({
      generation: Number(publisher.pending_generation),
      base_clock: publisher.pending_base_clock,
      pending_generation: null,
      pending_base_clock: null,
      reset_started_at: null,
      reset_events: 0,
    })
    .where('id', '=', Number(publisher.id))
    .execute();
  return true;
}

export async function abandonPending(db: Db, publisher: PublisherRow): Promise<void> {
  await dropGeneration(db, Number(publisher.id), Number(publisher.pending_generation));
  await db
    .updateTable('kconnect_directory_publishers')
    .set({ pending_generation: null, pending_base_clock: null, reset_started_at: null, reset_events: 0 })
    .where('id', '=', Number(publisher.id))
    .execute();
}
