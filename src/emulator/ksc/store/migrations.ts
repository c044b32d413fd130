import { sql, type Kysely, type Migration } from 'kysely';
import type { DatabaseKind } from '../../../store/database.ts';
import { migrate, type MigrationSet } from '../../../store/migrations.ts';
import { PART_TABLES } from './tables/index.ts';

/** The indexes of the events table; a bulk load drops them and builds them again once at the end. */
export const EVENT_INDEXES: ReadonlyArray<{ readonly name: string; readonly columns: readonly string[] }> = [
  { name: 'events_rise', columns: ['vserver_id', 'rise_time'] },
  { name: 'events_host', columns: ['host_id', 'rise_time'] },
];

export async function dropEventIndexes(db: Kysely<unknown>): Promise<void> {
  for (const index of EVENT_INDEXES) await db.schema.dropIndex(index.name).ifExists().execute();
}

export async function createEventIndexes(db: Kysely<unknown>): Promise<void> {
  for (const index of EVENT_INDEXES) {
    await db.schema
      .createIndex(index.name)
      .ifNotExists()
      .on('events')
      .columns([...index.columns])
      .execute();
  }
}

/** Tables of the world itself (migration 0001), children before parents. */
export const WORLD_TABLES: readonly string[] = [
  'events',
  'hosts',
  'groups',
  'vservers',
  'users',
  'roles',
  'meta',
];

/** Every table the emulator keeps, in the order a reset empties them. */
export const ALL_TABLES: readonly string[] = [...PART_TABLES.flatMap((set) => set.tables), ...WORLD_TABLES];

/** Migrations in code (not files on disk), so the emulator runs the same from `src/` and from `dist/`. */
function migrations(kind: DatabaseKind): Record<string, Migration> {
  const parts = Object.fromEntries(
    PART_TABLES.map((set): [string, Migration] => [set.migration, { up: (db) => set.up(db, kind) }]),
  );
  return { ...worldMigration(kind), ...parts };
}

function worldMigration(kind: DatabaseKind): Record<string, Migration> {
  // Event ids and times outgrow 32 bits in PostgreSQL's `integer`; SQLite integers are 64-bit anyway.
  const bigint = kind === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001-world': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('vservers')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('groups')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('vserver_id', 'integer', (c) => c.notNull())
          .addColumn('parent_id', 'integer')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('attrs', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('groups_parent').on('groups').columns(['parent_id']).execute();
        await db.schema
          .createTable('hosts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('vserver_id', 'integer', (c) => c.notNull())
          .addColumn('group_id', 'integer', (c) => c.notNull())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('attrs', 'text', (c) => c.notNull())
          .addColumn('products', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('hosts_group').on('hosts').columns(['group_id']).execute();
        await db.schema
          .createTable('events')
          .addColumn('id', sql.raw(bigint), (c) => c.primaryKey())
          .addColumn('vserver_id', 'integer', (c) => c.notNull())
          .addColumn('host_id', 'text')
          .addColumn('rise_time', sql.raw(bigint), (c) => c.notNull())
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('severity', 'integer', (c) => c.notNull())
          .addColumn('attrs', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('events_rise')
          .on('events')
          .columns(['vserver_id', 'rise_time'])
          .execute();
        await db.schema.createIndex('events_host').on('events').columns(['host_id', 'rise_time']).execute();
        await db.schema
          .createTable('roles')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('rights', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('users')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('vserver_id', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('internal', 'integer', (c) => c.notNull())
          .addColumn('roles', 'text', (c) => c.notNull())
          .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('locked_until', sql.raw(bigint))
          .execute();
        await db.schema
          .createIndex('users_name')
          .on('users')
          .columns(['vserver_id', 'name'])
          .unique()
          .execute();
      },
    },
  };
}

/**
 * The emulator's migrations. Its bookkeeping table keeps the name it had before the helper existed
 * (`kconnect_migrations`), so worlds written by earlier versions open unchanged.
 */
export const EMULATOR_MIGRATIONS: MigrationSet = {
  name: 'emulator',
  table: 'kconnect_migrations',
  migrations,
};

/** Brings the schema up to date; safe on every start and from several processes at once. */
export async function migrateToLatest(db: Kysely<unknown>, kind: DatabaseKind): Promise<void> {
  await migrate(db, kind, EMULATOR_MIGRATIONS);
}
