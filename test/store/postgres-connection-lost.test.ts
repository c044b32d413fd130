/**
 * A PostgreSQL server may end an idle connection under the pool (a restart, an administrator's terminate, a
 * dropped database): the pool emits 'error' for that client, and without a listener Node ends the process. The
 * service, the intake and the emulators all hold their database through openDatabase, so it must survive this.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

let database: TestDatabase;
let store: OpenDatabase<Record<string, never>>;
let admin: OpenDatabase<Record<string, never>>;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgUrl'), 'connection_lost');
  store = openDatabase({ url: database.url }, { poolSize: 3 });
  admin = openDatabase({ url: inject('pgUrl') }, { poolSize: 1 });
}, 60_000);
afterAll(async () => {
  await store?.close();
  await admin?.close();
  await database?.drop();
});

it('keeps working after the server terminates its idle connections', async () => {
  // Three connections in the pool, then idle.
  await Promise.all([1, 2, 3].map(() => sql`select pg_sleep(0.05)`.execute(store.db)));
  const name = new URL(database.url).pathname.slice(1);
  const { rows } = await sql<{ ended: boolean }>`
    select pg_terminate_backend(pid) as ended from pg_stat_activity
    where datname = ${name} and pid <> pg_backend_pid()`.execute(admin.db);
  expect(rows.filter((r) => r.ended).length).toBeGreaterThanOrEqual(1);
  // The pool hears of the ended connections (its 'error' event) and drops them; nothing crashes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const again = await sql<{ one: number }>`select 1 as one`.execute(store.db);
  expect(again.rows[0]?.one).toBe(1);
});
