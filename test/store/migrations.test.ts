import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseIdempotencyStore } from '../../src/adapters/http/idempotency.ts';
import {
  migrateServiceDatabase,
  SERVICE_MIGRATIONS,
  type ServiceTables,
} from '../../src/adapters/http/store.ts';
import { EMULATOR_MIGRATIONS, migrateToLatest } from '../../src/emulator/ksc/store/migrations.ts';
import { openDatabase, type DatabaseKind, type OpenDatabase } from '../../src/store/database.ts';
import { migrate, MigrationError, type MigrationSet } from '../../src/store/migrations.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';

/** A part whose migrations count how often they ran. */
function countingSet(name: string, runs: Map<string, number>, failAt?: string): MigrationSet {
  const migration =
    (id: string, table: string): Migration['up'] =>
    async (db: Kysely<unknown>) => {
      runs.set(id, (runs.get(id) ?? 0) + 1);
      await db.schema
        .createTable(table)
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .execute();
      if (id === failAt) throw new Error(`${id} broke`);
    };
  return {
    name,
    migrations: () => ({
      '0001-first': { up: migration('0001-first', `${name}_first`) },
      '0002-second': { up: migration('0002-second', `${name}_second`) },
    }),
  };
}

async function bookkeeping(db: Kysely<unknown>, table: string): Promise<Array<[string, string]>> {
  const { rows } = await sql<{
    name: string;
    timestamp: string;
  }>`select name, timestamp from ${sql.table(table)} order by name`.execute(db);
  return rows.map((row) => [row.name, row.timestamp]);
}

async function tableExists(db: Kysely<unknown>, table: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === table);
}

/** The code path of earlier versions: Kysely's Migrator with the part's bookkeeping tables, nothing around it. */
async function migrateAsEarlierVersions(
  db: Kysely<unknown>,
  table: string,
  migrations: Record<string, Migration>,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

const CHILD = fileURLToPath(new URL('./support/migrate-child.ts', import.meta.url));
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

interface ChildRun {
  /** Resolves once the child has loaded and waits for the start signal. */
  readonly ready: Promise<void>;
  start(): void;
  readonly done: Promise<{ code: number | null; output: string }>;
}

/** A process that migrates the database at `where` when {@link ChildRun.start} is called. */
function migrateInChild(where: string): ChildRun {
  const child = spawn(process.execPath, ['--import', TSX, CHILD, where], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.startsWith('ready\n')) signalReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      signalReady();
      resolve({ code, output });
    });
  });
  return { ready, start: () => child.stdin.end('go\n'), done };
}

describe.each(['sqlite', 'postgres'] as const)('migrate on %s', (kind: DatabaseKind) => {
  let dir: string | undefined;
  const databases: TestDatabase[] = [];
  const handles: Array<OpenDatabase<unknown>> = [];

  beforeAll(() => {
    if (kind === 'sqlite') dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-migrate-'));
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await Promise.all(databases.map((d) => d.drop()));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** A new, empty database: its location, and `open()` for as many handles (processes) as a test wants. */
  async function freshDatabase(label: string) {
    let where: string;
    if (kind === 'postgres') {
      const database = await createTestDatabase(inject('pgUrl'), `migrate_${label}`);
      databases.push(database);
      where = database.url;
    } else {
      where = path.join(dir!, `${label}.sqlite`);
    }
    const location = kind === 'postgres' ? { url: where } : { file: where };
    return {
      where,
      open: <T = unknown>() => {
        const handle = openDatabase<T>(location, { poolSize: 4 });
        handles.push(handle as OpenDatabase<unknown>);
        return handle;
      },
    };
  }

  it('runs each migration once; a second start finds nothing to do and keeps the bookkeeping rows', async () => {
    const runs = new Map<string, number>();
    const set = countingSet('counting', runs);
    const { db } = (await freshDatabase('twice')).open();
    await migrate(db, kind, set);
    const rows = await bookkeeping(db, 'kconnect_counting_migrations');
    expect(rows.map(([name]) => name)).toEqual(['0001-first', '0002-second']);
    await migrate(db, kind, set);
    expect(await bookkeeping(db, 'kconnect_counting_migrations')).toEqual(rows);
    expect([...runs.values()]).toEqual([1, 1]);
    expect(await tableExists(db, 'kconnect_counting_migrations_lock')).toBe(true);
  });

  it('opens a database the earlier code path migrated, for the emulator and the service alike', async () => {
    const { db } = (await freshDatabase('earlier')).open<ServiceTables>();
    const plain = db as Kysely<unknown>;
    // Before the helper: the emulator's and the service's own Migrator set-ups, the service at its first migration.
    await migrateAsEarlierVersions(plain, 'kconnect_migrations', { ...EMULATOR_MIGRATIONS.migrations(kind) });
    const serviceFirst = SERVICE_MIGRATIONS.migrations(kind)['0001-service']!;
    await migrateAsEarlierVersions(plain, 'kconnect_service_migrations', { '0001-service': serviceFirst });
    const emulatorRows = await bookkeeping(plain, 'kconnect_migrations');
    const serviceRows = await bookkeeping(plain, 'kconnect_service_migrations');
    // A key an earlier replica finished an hour ago, still in its window.
    const now = Date.now();
    const result = {
      status: 'Successful',
      raw: { taskId: 2n ** 60n },
      context: null,
      keyFields: {},
      result: { title: 'Scan Hosts', columns: [], rows: [] },
      errors: [],
    } as const;
    await db
      .insertInto('idempotency_keys')
      .values({
        scope: 'prod/tok_1',
        command: 'scan_hosts',
        key: 'k-before-upgrade',
        state: 'done',
        owner: 'old-replica/1',
        result:
          '{"status":"Successful","raw":{"taskId":1152921504606846976},"context":null,"keyFields":{},"result":{"title":"Scan Hosts","columns":[],"rows":[]},"errors":[]}',
        claimed_at: now - 3_600_000,
        lease_until: now - 3_600_000,
        expires_at: now + 82_800_000,
      })
      .execute();

    await migrateToLatest(plain, kind);
    await migrateServiceDatabase(plain, kind);

    expect(await bookkeeping(plain, 'kconnect_migrations')).toEqual(emulatorRows);
    const after = await bookkeeping(plain, 'kconnect_service_migrations');
    expect(after.slice(0, 1)).toEqual(serviceRows);
    expect(after.map(([name]) => name)).toEqual(Object.keys(SERVICE_MIGRATIONS.migrations(kind)));
    expect((await bookkeeping(plain, 'kconnect_state_migrations')).map(([name]) => name)).toEqual([
      '0001-state',
    ]);
    // The key the earlier version kept is honoured after the upgrade.
    const store = new DatabaseIdempotencyStore(db).scoped('prod/tok_1');
    expect(await store.get('scan_hosts', 'k-before-upgrade')).toEqual(result);
    expect(
      await store.once('scan_hosts', 'k-before-upgrade', () => Promise.reject(new Error('ran'))),
    ).toEqual(result);
  });

  it('is safe from several handles at once: each migration runs once, every caller gets an up-to-date database', async () => {
    const runs = new Map<string, number>();
    const set = countingSet('together', runs);
    const database = await freshDatabase('together');
    const all = Array.from({ length: 4 }, () => database.open());
    await Promise.all(all.map(({ db }) => migrate(db, kind, set)));
    expect([...runs.values()]).toEqual([1, 1]);
    for (const { db } of all) expect(await tableExists(db, 'together_second')).toBe(true);
  });

  it('is safe from several processes at once', async () => {
    const database = await freshDatabase('processes');
    const children = Array.from({ length: 3 }, () => migrateInChild(database.where));
    // All loaded first, then all at once: the migrations race for real.
    await Promise.all(children.map((c) => c.ready));
    for (const child of children) child.start();
    const outcomes = await Promise.all(children.map((c) => c.done));
    for (const outcome of outcomes) expect(outcome).toEqual({ code: 0, output: 'ready\nmigrated\n' });
    const { db } = database.open();
    expect((await bookkeeping(db, 'kconnect_service_migrations')).map(([name]) => name)).toEqual(
      Object.keys(SERVICE_MIGRATIONS.migrations(kind)),
    );
  });

  it('reports a failing migration with its part and name, and keeps nothing of it', async () => {
    const runs = new Map<string, number>();
    const { db } = (await freshDatabase('failing')).open();
    const error = await migrate(db, kind, countingSet('failing', runs, '0002-second')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'INTERNAL', part: 'failing', migration: '0002-second' });
    expect((error as Error).message).toContain('0002-second broke');
    // All or nothing: neither the failed migration's table nor a bookkeeping row for it.
    expect(await tableExists(db, 'failing_second')).toBe(false);
    expect(await tableExists(db, 'failing_first')).toBe(false);
    // Fixed, it runs.
    await migrate(db, kind, countingSet('failing', runs));
    expect(await tableExists(db, 'failing_second')).toBe(true);
  });
});
