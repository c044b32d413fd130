import type { KscWorld } from '../world.ts';

/** The `meta` row that keeps how far the emulator's clock stands ahead of real time, ms. */
const CLOCK_OFFSET_KEY = 'clock_offset_ms';

/** The clock offset a previous run saved, or `undefined` (a new world, or one saved before offsets were kept). */
export async function readClockOffset(world: KscWorld): Promise<number | undefined> {
  const row = await world.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', CLOCK_OFFSET_KEY)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const offset = Number(row.value);
  return Number.isFinite(offset) ? offset : undefined;
}

/** Saves the clock offset, so a restart on the same database continues from the same time. */
export async function saveClockOffset(world: KscWorld, offsetMs: number): Promise<void> {
  const value = String(Math.round(offsetMs));
  await world.db
    .insertInto('meta')
    .values({ key: CLOCK_OFFSET_KEY, value })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
    .execute();
}
