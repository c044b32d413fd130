import type { TableSet } from './table-set.ts';

/** Tasks (group, global and host tasks) and their per-host states. */
export const taskTables: TableSet = {
  migration: '0003-tasks',
  tables: [],
  async up() {},
};
