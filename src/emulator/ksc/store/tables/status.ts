import { sql } from 'kysely';
import { int64, type TableSet } from './table-set.ts';

/**
 * General statuses (`ReportManager` statistics): when each resettable reason was last reset, the statistics
 * requests clients poll, and server conditions nothing in the world drives (set by tooling, empty by default).
 */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type StatusTables = {
  status_resets: {
    vserver_id: number;
    /** The general status (`KLSTS_Events`). */
    status: string;
    /** The reason's bit value in `KLSTS_Par_StatusReasonMask`. */
    bit: number;
    reset_at: number;
    /** Events up to this `event_db_id` count as seen; null when `since_time` is used instead. */
    after_event_id: number | null;
    /** Events risen up to this time (the caller's `registration_time`) count as seen. */
    since_time: number | null;
  };
  status_requests: {
    id: string;
    vserver_id: number;
    owner: string;
    created_at: number;
    /** The request's params (`pRequestParams`) in KLOAPI wire JSON. */
    query: string;
  };
  status_conditions: {
    vserver_id: number;
    status: string;
    bit: number;
    /** The reason's output parameters in KLOAPI wire JSON. */
    params: string;
  };
};

export const statusTables: TableSet = {
  migration: '0006-status',
  tables: ['status_resets', 'status_requests', 'status_conditions'],
  async up(db, kind) {
    await db.schema
      .createTable('status_resets')
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('bit', 'integer', (c) => c.notNull())
      .addColumn('reset_at', sql.raw(int64(kind)), (c) => c.notNull())
      .addColumn('after_event_id', sql.raw(int64(kind)))
      .addColumn('since_time', sql.raw(int64(kind)))
      .addPrimaryKeyConstraint('status_resets_pk', ['vserver_id', 'status', 'bit'])
      .execute();
    await db.schema
      .createTable('status_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('created_at', sql.raw(int64(kind)), (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('status_conditions')
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('bit', 'integer', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('status_conditions_pk', ['vserver_id', 'status', 'bit'])
      .execute();
  },
};
