import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** How many prepared statements one SQLite database keeps: the distinct query texts of a process's hot paths. */
export const SQLITE_STATEMENT_CACHE_ENTRIES = 256;

/**
 * The database Kysely's SQLite dialect runs its queries on, with every prepared statement kept by its SQL text.
 *
 * Kysely asks for `prepare(sql)` on every query, and preparing (SQLite parses and plans the text) was the largest
 * single cost of a small query: a tenth of the KSC emulator's CPU per `Tasks.GetTaskData` call. A query built by
 * the same code compiles to the same text with its values as parameters, so the statement is found again.
 *
 * A kept statement that is still being iterated (Kysely's `stream`, which yields between rows) cannot run a second
 * time until the iteration ends: a fresh one is prepared for the overlapping use instead. Statements survive schema
 * changes (SQLite re-prepares them) and are dropped oldest first past `entries`, so texts that vary (an `IN` list of
 * any length) cost a prepare each as before and cannot grow the cache.
 */
export function cachingStatements(
  sqlite: BetterSqlite3.Database,
  entries: number = SQLITE_STATEMENT_CACHE_ENTRIES,
): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql) {
      const kept = statements.get(sql);
      if (kept !== undefined && !kept.busy) return kept;
      const statement = sqlite.prepare(sql);
      if (kept === undefined) {
        if (statements.size >= entries) {
          const oldest = statements.keys().next();
          if (oldest.done !== true) statements.delete(oldest.value);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
  };
}
