import type { TableSet } from './table-set.ts';

/**
 * Settings of a virtual server that clients write (`EventNotificationProperties`, …): one params container per
 * name. Only what was written is stored; until then a setting is its seeded default.
 */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type ServerSettingsTables = {
  server_settings: {
    vserver_id: number;
    /** Which setting (`notification-defaults`, `notification-limits`). */
    name: string;
    /** The setting's params in KLOAPI wire JSON. */
    data: string;
  };
};

export const serverSettingsTables: TableSet = {
  migration: '0007-server-settings',
  tables: ['server_settings'],
  async up(db) {
    await db.schema
      .createTable('server_settings')
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('server_settings_pk', ['vserver_id', 'name'])
      .execute();
  },
};
