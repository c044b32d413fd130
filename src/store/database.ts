import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery, type Dialect } from 'kysely';
import type pg from 'pg';
import type * as PgCopyStreams from 'pg-copy-streams';
import { KconnectError } from '../errors.ts';
import { createPrivateFile, makePrivateDirectory } from './private-files.ts';
import { cachingStatements } from './sqlite-statements.ts';
import { redactUrl } from './redact-url.ts';

export { redactUrl } from './redact-url.ts';

/**
 * Each driver loads when a database of its kind is opened, not with this module: a process on SQLite never loads
 * pg, and one that opens no database loads neither (decision 0073). `require`, because both drivers are CommonJS
 * and `openDatabase` is synchronous.
 */
const requireDriver = createRequire(import.meta.url);
const postgresDriver = (): typeof pg => requireDriver('pg') as typeof pg;
const copyStreams = (): typeof PgCopyStreams => requireDriver('pg-copy-streams') as typeof PgCopyStreams;
const sqliteDriver = (): typeof BetterSqlite3 => requireDriver('better-sqlite3') as typeof BetterSqlite3;

export type DatabaseKind = 'sqlite' | 'postgres';

/** Where a store lives: a PostgreSQL URL, or a SQLite file path (`:memory:` for a throwaway database). */
export interface DatabaseLocation {
  readonly url?: string;
  readonly file?: string;
}

export interface OpenDatabase<Schema> {
  readonly db: Kysely<Schema>;
  readonly kind: DatabaseKind;
  /**
   * Appends many rows at once, much faster than INSERT statements built per batch: a prepared statement in one
   * transaction on SQLite, `COPY … FROM STDIN` on PostgreSQL. Either way all rows land or none do.
   */
  bulkInsert(
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly BulkValue[]>,
  ): Promise<number>;
  /**
   * The first column of every row of a compiled query, without building a row object per row: the hot read of
   * large result pages (10,000 events) spends much of its time there otherwise.
   */
  pluck<T>(query: CompiledQuery): Promise<T[]>;
  /**
   * Every row of a compiled query as an array of its columns, in the select's order, through a prepared statement:
   * a page's keyset read (10,000 ids and their keys) spent most of its time building and collecting row objects.
   */
  rows<T extends readonly unknown[]>(query: CompiledQuery): Promise<T[]>;
  /** Human-readable location without credentials, for logs. */
  readonly description: string;
  close(): Promise<void>;
}

export type BulkValue = string | number | null;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function checkIdentifiers(table: string, columns: readonly string[]): void {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name))
      throw new KconnectError('INVALID_INPUT', `bulkInsert: invalid identifier ${JSON.stringify(name)}`);
  }
}

function sqliteBulkInsert(sqlite: BetterSqlite3.Database) {
  // async, so a refused identifier or a failing row source rejects like the PostgreSQL path instead of throwing.
  return async (
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly BulkValue[]>,
  ): Promise<number> => {
    checkIdentifiers(table, columns);
    const statement = sqlite.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    // A bulk load is all-or-nothing in one transaction; per-commit durability buys nothing inside it. A rollback
    // journal instead of the WAL for the load: the new pages are written once instead of twice (WAL, then the
    // checkpoint), which took a 1M-row load from 7.5 s to 4 s; the WAL comes back afterwards for readers.
    const previous = sqlite.pragma('synchronous', { simple: true }) as number;
    const journal = sqlite.pragma('journal_mode', { simple: true }) as string;
    if (journal === 'wal') sqlite.pragma('journal_mode = DELETE');
    sqlite.pragma('synchronous = OFF');
    const run = sqlite.transaction((all: Iterable<readonly BulkValue[]>) => {
      let count = 0;
      for (const row of all) {
        statement.run(...row);
        count++;
      }
      return count;
    });
    try {
      return run(rows);
    } finally {
      sqlite.pragma(`synchronous = ${previous}`);
      if (journal === 'wal') sqlite.pragma('journal_mode = WAL');
    }
  };
}

/**
 * The hot reads of large pages, through statements prepared once (their text is fixed, their parameters vary):
 * `pluck` the first column, `rows` every column as an array.
 */
function sqliteHotReads(sqlite: BetterSqlite3.Database) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (text: string, shape: 'pluck' | 'raw'): BetterSqlite3.Statement => {
    const key = `${shape}:${text}`;
    let statement = statements.get(key);
    if (statement === undefined) {
      statement = sqlite.prepare(text);
      statement = shape === 'pluck' ? statement.pluck() : statement.raw();
      if (statements.size < 64) statements.set(key, statement);
    }
    return statement;
  };
  const all = <T>(query: CompiledQuery, shape: 'pluck' | 'raw'): Promise<T[]> => {
    try {
      return Promise.resolve(prepared(query.sql, shape).all(...query.parameters) as T[]);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return {
    pluck: <T>(query: CompiledQuery): Promise<T[]> => all<T>(query, 'pluck'),
    rows: <T extends readonly unknown[]>(query: CompiledQuery): Promise<T[]> => all<T>(query, 'raw'),
  };
}

/** COPY text format: a backslash, tab, newline or carriage return inside a value is escaped; null is `\N`. */
function copyField(value: BulkValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : value;
}

const COPY_CHUNK_BYTES = 1 << 20;

function postgresBulkInsert(pool: pg.Pool) {
  return async (
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly BulkValue[]>,
  ): Promise<number> => {
    checkIdentifiers(table, columns);
    const { from: copyFrom } = copyStreams();
    const client = await pool.connect();
    let count = 0;
    let failure: Error | undefined;
    try {
      // COPY is PostgreSQL's bulk path: one stream, no per-row statement or parameter encoding.
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
      const done = new Promise<void>((resolve, reject) => {
        stream.once('finish', resolve);
        stream.once('error', reject);
      });
      // Awaited below on success; on the abort path the error is already being thrown.
      done.catch(() => undefined);
      try {
        let chunk = '';
        for (const row of rows) {
          chunk += `${row.map(copyField).join('\t')}\n`;
          count++;
          if (chunk.length >= COPY_CHUNK_BYTES) {
            if (!stream.write(chunk)) await once(stream, 'drain');
            chunk = '';
          }
        }
        stream.end(chunk);
      } catch (error) {
        // The rows could not be produced: abort the COPY, so nothing of it is stored.
        stream.destroy(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      await done;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // A connection whose COPY failed is not returned to the pool in an unknown state.
      client.release(failure);
    }
    return count;
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Reads int8 as a JS number when it is exact, so the same rows come back from SQLite and PostgreSQL. */
function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function postgresTypes(): pg.CustomTypesConfig {
  const { types } = postgresDriver();
  return {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === INT8_OID) return parseInt8;
      if (oid === NUMERIC_OID) return Number;
      return types.getTypeParser(oid, format as 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/**
 * Opens a Kysely database on SQLite (better-sqlite3) or PostgreSQL (pg). The caller's code is the same for both;
 * only this function knows the difference.
 */
export function openDatabase<Schema>(
  location: DatabaseLocation,
  options: { poolSize?: number } = {},
): OpenDatabase<Schema> {
  let dialect: Dialect;
  let kind: DatabaseKind;
  let description: string;
  let bulkInsert: OpenDatabase<Schema>['bulkInsert'];
  let pluck: OpenDatabase<Schema>['pluck'];
  let rows: OpenDatabase<Schema>['rows'];
  if (location.url !== undefined && location.url !== '') {
    if (!/^postgres(ql)?:\/\//.test(location.url)) {
      throw new KconnectError(
        'INVALID_INPUT',
        `db: expected a postgres:// URL, got ${redactUrl(location.url)}`,
      );
    }
    kind = 'postgres';
    description = redactUrl(location.url);
    const pool = new (postgresDriver().Pool)({
      connectionString: location.url,
      max: options.poolSize ?? 10,
      types: postgresTypes(),
    });
    // The server may end an idle connection (a restart, an administrator's terminate, a dropped database): the
    // pool drops that client and the next query connects anew. Its 'error' event must be heard, or Node ends the
    // whole process for a connection nobody was using.
    pool.on('error', () => undefined);
    dialect = new PostgresDialect({ pool });
    bulkInsert = postgresBulkInsert(pool);
    pluck = async <T>(query: CompiledQuery) => {
      const result = await pool.query<unknown[]>({
        text: query.sql,
        values: [...query.parameters],
        rowMode: 'array',
      });
      return result.rows.map((row) => row[0] as T);
    };
    rows = async <T extends readonly unknown[]>(query: CompiledQuery) => {
      const result = await pool.query<unknown[]>({
        text: query.sql,
        values: [...query.parameters],
        rowMode: 'array',
      });
      return result.rows as unknown[] as T[];
    };
  } else {
    const file = location.file ?? ':memory:';
    // Private at rest (600, its directory 700 when kconnect makes it): the file may hold token hashes, audit rows
    // and command results. SQLite gives its -wal and -shm files the database file's mode.
    if (file !== ':memory:' && file !== '') {
      makePrivateDirectory(dirname(file));
      createPrivateFile(file);
    }
    kind = 'sqlite';
    description = `sqlite:${file}`;
    const Sqlite = sqliteDriver();
    const sqlite = new Sqlite(file);
    // 16 KB pages for a new database (an existing one keeps its own): event rows are about 800 bytes, and with
    // the default 4 KB a million-event load spent about a quarter longer in SQLite.
    sqlite.pragma('page_size = 16384');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // 256 MB of page cache: index maintenance during large event loads stays in memory.
    sqlite.pragma('cache_size = -262144');
    // Reads of large stores go through the OS page cache without a copy per page.
    sqlite.pragma('mmap_size = 4294967296');
    sqlite.defaultSafeIntegers(false);
    dialect = new SqliteDialect({ database: cachingStatements(sqlite) });
    bulkInsert = sqliteBulkInsert(sqlite);
    ({ pluck, rows } = sqliteHotReads(sqlite));
  }
  const db = new Kysely<Schema>({ dialect });
  return { db, kind, description, bulkInsert, pluck, rows, close: () => db.destroy() };
}
