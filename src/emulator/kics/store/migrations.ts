import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../../../store/database.ts';
import { migrate, type MigrationSet } from '../../../store/migrations.ts';
import { DOCUMENT_TABLES } from './schema.ts';

/** A part of the KICS emulator that keeps tables of its own (connectors and tokens). */
export interface KicsTableSet {
  /** Migration name; sorts after `0001-world`. */
  readonly migration: string;
  /** Tables of the part, children before parents (a reset empties them in this order). */
  readonly tables: readonly string[];
  up(db: Kysely<unknown>, kind: DatabaseKind): Promise<void>;
}

function int64(kind: DatabaseKind): string {
  return kind === 'postgres' ? 'bigint' : 'integer';
}

function worldMigration(kind: DatabaseKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('kics_meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('kics_dictionaries')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      for (const table of DOCUMENT_TABLES) {
        let builder = db.schema
          .createTable(table)
          .addColumn('id', sql.raw(int64(kind)), (c) => c.primaryKey())
          .addColumn('doc', 'text', (c) => c.notNull());
        if (table === 'kics_devices') {
          builder = builder
            .addColumn('name_key', 'text', (c) => c.notNull())
            .addColumn('protocols', 'text', (c) => c.notNull());
        }
        if (table === 'kics_events') builder = builder.addColumn('traffic', 'text');
        if (table === 'kics_tags' || table === 'kics_vulnerabilities')
          builder = builder.addColumn('asset_id', sql.raw(int64(kind)), (c) => c.notNull());
        await builder.execute();
      }
      for (const table of ['kics_tags', 'kics_vulnerabilities'])
        await db.schema.createIndex(`${table}_asset`).on(table).column('asset_id').execute();
      // Device names are unique (seed 002: "Unique name of the device"), compared without case.
      await db.schema
        .createIndex('kics_devices_name')
        .on('kics_devices')
        .column('name_key')
        .unique()
        .execute();
    },
  };
}

/** Every table of the world itself, in the order a reset empties them. */
export const WORLD_TABLES: readonly string[] = [...DOCUMENT_TABLES, 'kics_dictionaries', 'kics_meta'];

/** The emulator's migration set: the world, then each part's tables. */
export function kicsMigrations(parts: readonly KicsTableSet[]): MigrationSet {
  return {
    name: 'kics_emulator',
    migrations: (kind) => ({
      '0001-world': worldMigration(kind),
      ...Object.fromEntries(
        parts.map((part) => [part.migration, { up: (db: Kysely<unknown>) => part.up(db, kind) }]),
      ),
    }),
  };
}

export async function migrateKicsStore(
  db: Kysely<unknown>,
  kind: DatabaseKind,
  parts: readonly KicsTableSet[],
): Promise<void> {
  await migrate(db, kind, kicsMigrations(parts));
}
