import type { TableSet } from './table-set.ts';

/** Host settings storage (SS_* sections). */
export const settingsTables: TableSet = {
  migration: '0005-settings',
  tables: [],
  async up() {},
};
