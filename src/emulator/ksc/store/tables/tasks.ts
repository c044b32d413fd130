import { sql } from 'kysely';
import { int64, type TableSet } from './table-set.ts';

/**
 * Tasks and their per-host states. Seeded tasks have no state rows: a host's past result is derived from the
 * world's seed until something (a run, a change of the task) gives it a row. Deleted tasks keep their row
 * (`deleted = 1`) so their ids are never reused.
 */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type TaskTables = {
  tasks: {
    id: number;
    vserver_id: number;
    group_id: number;
    /** `TASK_NAME`: the task type (`ods`, `Updater`, `KLNAG_TASK_VAPM_SEARCH`, …). */
    type: string;
    product: string;
    version: string;
    display_name: string;
    /** The task settings as given (`pData`), KLOAPI wire JSON. */
    data: string;
    created_at: number;
    last_run_at: number | null;
    /** Counter of runs: each host's run carries the number it was started with. */
    run_seq: number;
    /** 1 for the tasks of a new world, whose past results are derived. */
    seeded: number;
    deleted: number;
  };
  task_host_states: {
    task_id: number;
    host_id: string;
    /** Bit of "Bitmasks of host task states" (1 pending … 64 paused). */
    state: number;
    run_id: number;
    start_time: number | null;
    finish_time: number | null;
    /** While running: when the run will finish. */
    due_at: number | null;
    /** While paused: run time left, and the progress reached. */
    remaining_ms: number | null;
    percent: number;
    descr: string;
    need_reboot: number;
    try_count: number;
  };
  /** Changes to a host's local tasks; a host's untouched local tasks are derived. `data` null = deleted. */
  host_task_changes: {
    host_id: string;
    task_id: string;
    data: string | null;
  };
};

export const taskTables: TableSet = {
  migration: '0003-tasks',
  tables: ['task_host_states', 'host_task_changes', 'tasks'],
  async up(db, kind) {
    const big = sql.raw(int64(kind));
    await db.schema
      .createTable('tasks')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('group_id', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('last_run_at', big)
      .addColumn('run_seq', 'integer', (c) => c.notNull())
      .addColumn('seeded', 'integer', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('task_host_states')
      .addColumn('task_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('state', 'integer', (c) => c.notNull())
      .addColumn('run_id', 'integer', (c) => c.notNull())
      .addColumn('start_time', big)
      .addColumn('finish_time', big)
      .addColumn('due_at', big)
      .addColumn('remaining_ms', big)
      .addColumn('percent', 'integer', (c) => c.notNull())
      .addColumn('descr', 'text', (c) => c.notNull())
      .addColumn('need_reboot', 'integer', (c) => c.notNull())
      .addColumn('try_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('task_host_states_pk', ['task_id', 'host_id'])
      .execute();
    await db.schema
      .createTable('host_task_changes')
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addPrimaryKeyConstraint('host_task_changes_pk', ['host_id', 'task_id'])
      .execute();
  },
};
