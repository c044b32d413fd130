import { sql } from 'kysely';
import { int64, type TableSet } from './table-set.ts';

/**
 * The Quarantine, Backup and TIF network lists: one row per file a host's security application reported. Rows are
 * never deleted while the world lives (a restored or deleted file gets `removed_at`), so item ids are never reused.
 */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type ListTables = {
  list_items: {
    id: number;
    vserver_id: number;
    host_id: string;
    list_name: string;
    /** The item's id on its host (`strId`, `ObjName`). */
    local_id: number;
    path: string;
    threat: string | null;
    threat_type: string | null;
    status: number;
    size: number;
    stored_at: number;
    checked_at: number | null;
    sent_at: number | null;
    product_name: string;
    product_version: string;
    removed_at: number | null;
  };
};

export const LIST_ITEM_COLUMNS: readonly (keyof ListTables['list_items'])[] = [
  'id',
  'vserver_id',
  'host_id',
  'list_name',
  'local_id',
  'path',
  'threat',
  'threat_type',
  'status',
  'size',
  'stored_at',
  'checked_at',
  'sent_at',
  'product_name',
  'product_version',
  'removed_at',
];

export const listTables: TableSet = {
  migration: '0004-lists',
  tables: ['list_items'],
  async up(db, kind) {
    const big = sql.raw(int64(kind));
    await db.schema
      .createTable('list_items')
      .addColumn('id', big, (c) => c.primaryKey())
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('list_name', 'text', (c) => c.notNull())
      .addColumn('local_id', 'integer', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('threat', 'text')
      .addColumn('threat_type', 'text')
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('size', big, (c) => c.notNull())
      .addColumn('stored_at', big, (c) => c.notNull())
      .addColumn('checked_at', big)
      .addColumn('sent_at', big)
      .addColumn('product_name', 'text', (c) => c.notNull())
      .addColumn('product_version', 'text', (c) => c.notNull())
      .addColumn('removed_at', big)
      .execute();
    await db.schema
      .createIndex('list_items_list')
      .on('list_items')
      .columns(['vserver_id', 'list_name'])
      .execute();
    await db.schema.createIndex('list_items_host').on('list_items').columns(['host_id']).execute();
  },
};
