import { Migrator, sql, type Kysely, type Migration, type MigrationResult } from 'kysely';
import { KconnectError } from '../errors.ts';
import type { DatabaseKind } from './database.ts';

/**
 * The migrations of one part of kconnect (the emulator's world, the HTTP service, the state store). Each part
 * keeps its own bookkeeping table, so parts that share a database never see each other's migrations.
 */
export interface MigrationSet {
  /** Names the part in errors: `emulator`, `service`, `state`. */
  readonly name: string;
  /**
   * The bookkeeping table (its lock table is `<table>_lock`). Default `kconnect_<name>_migrations`. Never renamed
   * once released: a database made by an earlier version would otherwise migrate again from the start.
   */
  readonly table?: string;
  /**
   * Migrations in code (not files on disk), so a part runs the same from `src/` and from `dist/`. Names sort in
   * the order they run (`0001-…`, `0002-…`); a released migration is never changed, a new one is added.
   */
  migrations(kind: DatabaseKind): Readonly<Record<string, Migration>>;
}

/** A migration of a part failed; nothing of that run is applied (PostgreSQL and SQLite both roll it back). */
export class MigrationError extends KconnectError {
  override readonly name = 'MigrationError';

  constructor(
    readonly part: string,
    /** The migration that failed, when one did (not the bookkeeping around it). */
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'INTERNAL',
      `Migrating the ${part} tables failed${migration === undefined ? '' : ` at ${migration}`}: ${reason}`,
      { cause },
    );
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function bookkeepingTable(set: MigrationSet): string {
  const table = set.table ?? `kconnect_${set.name}_migrations`;
  if (!IDENTIFIER.test(table)) {
    throw new KconnectError('INVALID_INPUT', `migrations: invalid table name ${JSON.stringify(table)}`);
  }
  return table;
}

/**
 * Brings the tables of one part up to date. Safe on every start and from several processes at once: a database
 * that is up to date costs one read; otherwise the migrations run under a lock, PostgreSQL's advisory lock in
 * one transaction (Kysely's), SQLite's write lock (`BEGIN IMMEDIATE`) around the whole run, so a second process
 * waits and then finds nothing left to do.
 *
 * @throws {MigrationError} when a migration fails, or the database holds migrations this version does not know
 *   (it was migrated by a newer kconnect).
 */
export async function migrate(db: Kysely<unknown>, kind: DatabaseKind, set: MigrationSet): Promise<void> {
  const table = bookkeepingTable(set);
  const migrations = set.migrations(kind);
  if (await upToDate(db, table, Object.keys(migrations))) return;
  const run = async (on: Kysely<unknown>): Promise<void> => {
    const migrator = new Migrator({
      db: on,
      provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
      migrationTableName: table,
      migrationLockTableName: `${table}_lock`,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) throw new MigrationError(set.name, failedMigration(results), error);
  };
  if (kind === 'postgres') await run(db);
  else await withSqliteWriteLock(db, run);
}

/** Whether exactly the given migrations are recorded; a missing bookkeeping table means a new database. */
async function upToDate(db: Kysely<unknown>, table: string, names: readonly string[]): Promise<boolean> {
  let done: Set<string>;
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db);
    done = new Set(rows.map((row) => row.name));
  } catch {
    return false;
  }
  return done.size === names.length && names.every((name) => done.has(name));
}

function failedMigration(results: readonly MigrationResult[] | undefined): string | undefined {
  return results?.find((result) => result.status === 'Error')?.migrationName;
}

/**
 * Processes in this one, each with its own handle on a file, queue here: better-sqlite3 waits for a busy file
 * synchronously, so a second handle of the same process would block the thread the first one needs to finish.
 */
const sqliteRuns = new Map<string, Promise<void>>();

/**
 * Runs `work` on one connection inside `BEGIN IMMEDIATE … COMMIT`: SQLite's DDL is transactional (Kysely does not
 * use that for SQLite), and the immediate write lock makes other processes wait for the whole run.
 */
async function withSqliteWriteLock(
  db: Kysely<unknown>,
  work: (on: Kysely<unknown>) => Promise<void>,
): Promise<void> {
  const { rows } = await sql<{
    file: string;
  }>`select file from pragma_database_list where name = 'main'`.execute(db);
  // An in-memory database (no file) has only this handle.
  const file = rows[0]?.file ?? '';
  const previous = file === '' ? Promise.resolve() : (sqliteRuns.get(file) ?? Promise.resolve());
  const current = previous.then(() =>
    db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        await work(connection);
      } catch (error) {
        // SQLite may have rolled back already (a full disk, say); the migration's own error is the one to report.
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
      await sql`commit`.execute(connection);
    }),
  );
  const settled = current.catch(() => undefined);
  if (file !== '') sqliteRuns.set(file, settled);
  try {
    await current;
  } finally {
    if (sqliteRuns.get(file) === settled) sqliteRuns.delete(file);
  }
}
