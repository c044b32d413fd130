import type { TableSet } from './table-set.ts';

/** The Quarantine, Backup and TIF network lists. */
export const listTables: TableSet = {
  migration: '0004-lists',
  tables: [],
  async up() {},
};
