import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

interface Schema {
  items: { id: number; label: string | null; big: number };
}

describe.each(['sqlite', 'postgres'] as const)('bulkInsert (%s)', (backend) => {
  let store: OpenDatabase<Schema>;
  let database: TestDatabase | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    if (backend === 'postgres') {
      database = await createTestDatabase(inject('pgUrl'), 'bulk');
      store = openDatabase<Schema>({ url: database.url });
    } else {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bulk-'));
      store = openDatabase<Schema>({ file: path.join(dir, 'bulk.sqlite') });
    }
    await sql`CREATE TABLE items (id integer PRIMARY KEY, label text, big bigint NOT NULL)`.execute(store.db);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stores every row exactly, including tabs, newlines, backslashes, quotes, unicode and nulls', async () => {
    const labels = [
      'plain',
      'tab\there',
      'line\nbreak',
      'cr\rhere',
      'back\\slash \\N',
      '{"json":"a\\"b"}',
      'ünïcødé ✓',
      null,
      '',
    ];
    const rows = labels.map((label, i) => [i + 1, label, 2 ** 53 - 1 - i] as const);
    expect(await store.bulkInsert('items', ['id', 'label', 'big'], rows)).toBe(labels.length);
    const stored = await store.db.selectFrom('items').selectAll().orderBy('id').execute();
    expect(stored.map((r) => r.label)).toEqual(labels);
    expect(stored.map((r) => Number(r.big))).toEqual(rows.map((r) => r[2]));
  });

  it('stores nothing when producing the rows fails half-way', async () => {
    const before = await store.db.selectFrom('items').select('id').execute();
    function* failing(): Generator<[number, string, number]> {
      for (let i = 0; i < 3000; i++) yield [1000 + i, `row ${i}`, i];
      throw new Error('source broke');
    }
    await expect(store.bulkInsert('items', ['id', 'label', 'big'], failing())).rejects.toThrow(
      'source broke',
    );
    expect(await store.db.selectFrom('items').select('id').execute()).toHaveLength(before.length);
    // The store is still usable afterwards.
    expect(await store.bulkInsert('items', ['id', 'label', 'big'], [[5000, 'after', 1]])).toBe(1);
  });

  it('plucks the first column of a compiled query, with its parameters, in order', async () => {
    const query = store.db
      .selectFrom('items')
      .select('label')
      .where('id', '>=', 2)
      .where('id', '<=', 4)
      .orderBy('id', 'desc')
      .compile();
    expect(await store.pluck<string | null>(query)).toEqual(['cr\rhere', 'line\nbreak', 'tab\there']);
    // The same text with other parameters (SQLite reuses the prepared statement).
    const other = store.db
      .selectFrom('items')
      .select('label')
      .where('id', '>=', 1)
      .where('id', '<=', 1)
      .orderBy('id', 'desc')
      .compile();
    expect(await store.pluck<string>(other)).toEqual(['plain']);
    await expect(
      store.pluck(
        store.db
          .selectFrom('nosuch' as never)
          .selectAll()
          .compile(),
      ),
    ).rejects.toThrow();
  });

  it('refuses identifiers that are not plain names', async () => {
    await expect(store.bulkInsert('items; drop table items', ['id'], [])).rejects.toThrow(
      /invalid identifier/,
    );
  });
});
