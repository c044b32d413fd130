import { sql } from 'kysely';
import { int64, type TableSet } from './table-set.ts';

/**
 * Host settings storage (`HostGroup.SS_*`) and the isolation state the simulated agents apply. Only what was
 * written is stored: default sections derive from the host's products, so a row exists once a section is
 * written, created or deleted (`deleted` marks a removed default section).
 */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type SettingsTables = {
  host_settings: {
    vserver_id: number;
    host_id: string;
    storage_type: string;
    product: string;
    version: string;
    section: string;
    /** The section's params in KLOAPI wire JSON; null when `deleted`. */
    data: string | null;
    deleted: number;
  };
  host_isolation: {
    host_id: string;
    vserver_id: number;
    /** When the agent isolated the host, epoch ms. */
    since: number;
    /** When the isolation ends by itself, epoch ms. */
    until: number;
  };
};

export const settingsTables: TableSet = {
  migration: '0005-settings',
  tables: ['host_settings', 'host_isolation'],
  async up(db, kind) {
    await db.schema
      .createTable('host_settings')
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('storage_type', 'text', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('section', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('host_settings_pk', [
        'host_id',
        'storage_type',
        'product',
        'version',
        'section',
      ])
      .execute();
    await db.schema
      .createTable('host_isolation')
      .addColumn('host_id', 'text', (c) => c.primaryKey())
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('since', sql.raw(int64(kind)), (c) => c.notNull())
      .addColumn('until', sql.raw(int64(kind)), (c) => c.notNull())
      .execute();
  },
};
