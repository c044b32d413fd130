import type { TableSet } from './table-set.ts';

/**
 * Policies changed through `Policy.*`: the seeded policies derive from the group tree (inventory/policies.ts), so
 * only a change is stored — a policy added or copied, a seeded policy edited (its whole attributes) or deleted.
 */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type PolicyTables = {
  policy_changes: {
    policy_id: number;
    vserver_id: number;
    group_id: number;
    product: string;
    /** The policy's attributes in KLOAPI wire JSON; null when `deleted`. */
    data: string | null;
    deleted: number;
  };
};

export const policyTables: TableSet = {
  migration: '0007-policies',
  tables: ['policy_changes'],
  async up(db) {
    await db.schema
      .createTable('policy_changes')
      .addColumn('policy_id', 'integer', (c) => c.primaryKey())
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('group_id', 'integer', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .execute();
  },
};
