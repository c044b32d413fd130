import type { TableSet } from './table-set.ts';

/** General-status resets. */
export const statusTables: TableSet = {
  migration: '0006-status',
  tables: [],
  async up() {},
};
