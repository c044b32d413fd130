import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements } from '../../src/store/sqlite-statements.ts';

interface Schema {
  items: { id: number; label: string };
}

/** A real in-memory SQLite database whose `prepare` calls are counted. */
function counted(entries?: number): { db: Kysely<Schema>; prepares: () => number } {
  const sqlite = new BetterSqlite3(':memory:');
  let prepares = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    prepares++;
    return prepare(source);
  }) as typeof sqlite.prepare;
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: cachingStatements(sqlite, entries) }),
  });
  return { db, prepares: () => prepares };
}

describe('cachingStatements', () => {
  let db: Kysely<Schema> | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  async function withItems(entries?: number): Promise<{ db: Kysely<Schema>; prepares: () => number }> {
    const opened = counted(entries);
    db = opened.db;
    await sql`CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL)`.execute(opened.db);
    await opened.db
      .insertInto('items')
      .values([1, 2, 3].map((id) => ({ id, label: `item ${id}` })))
      .execute();
    return opened;
  }

  it('prepares a query text once and answers each call with its own parameters', async () => {
    const { db, prepares } = await withItems();
    const find = (id: number) => db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
    const before = prepares();
    expect(await find(1)).toEqual({ id: 1, label: 'item 1' });
    expect(await find(2)).toEqual({ id: 2, label: 'item 2' });
    expect(await find(9)).toBeUndefined();
    expect(prepares() - before).toBe(1);
  });

  it('gives a statement that is still iterating to no one else', () => {
    const sqlite = new BetterSqlite3(':memory:');
    const database = cachingStatements(sqlite);
    try {
      database.prepare('CREATE TABLE items (id integer PRIMARY KEY)').run([]);
      database.prepare('INSERT INTO items (id) VALUES (1), (2), (3)').run([]);
      const text = 'SELECT id FROM items ORDER BY id';
      const reading = database.prepare(text).iterate([]);
      expect(reading.next().value).toEqual({ id: 1 });
      // A stream left unfinished (Kysely's `stream()` between two rows): the same text gets a statement of its own.
      expect(database.prepare(text).all([])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(reading.next().value).toEqual({ id: 2 });
      reading.return?.();
      expect(database.prepare(text).all([])).toHaveLength(3);
    } finally {
      database.close();
    }
  });

  it('serves a query again after a stream of it was left early', async () => {
    const { db } = await withItems();
    const all = () => db.selectFrom('items').selectAll().orderBy('id');
    for await (const row of all().stream()) {
      expect(row.id).toBe(1);
      break;
    }
    expect((await all().execute()).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('keeps no more than its bound: texts past it are prepared afresh, answers unchanged', async () => {
    const { db, prepares } = await withItems(2);
    const byIds = (ids: number[]) => db.selectFrom('items').select('id').where('id', 'in', ids).execute();
    const before = prepares();
    for (let round = 0; round < 2; round++) {
      expect((await byIds([1])).length).toBe(1);
      expect((await byIds([1, 2])).length).toBe(2);
      expect((await byIds([1, 2, 3])).length).toBe(3);
    }
    // Three texts through a cache of two, in a cycle: each is evicted before it comes back.
    expect(prepares() - before).toBe(6);
  });
});
