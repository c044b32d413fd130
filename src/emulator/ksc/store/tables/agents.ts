import { sql } from 'kysely';
import { int64, type TableSet } from './table-set.ts';

/** Work the simulated agents and timers will do: a host's queued actions and timed follow-ups. */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type AgentTables = {
  agent_work: {
    id: number;
    vserver_id: number;
    host_id: string | null;
    due_at: number;
    kind: string;
    payload: string;
  };
};

export const agentTables: TableSet = {
  migration: '0002-agents',
  tables: ['agent_work'],
  async up(db, kind) {
    await db.schema
      .createTable('agent_work')
      .addColumn('id', sql.raw(int64(kind)), (c) => c.primaryKey())
      .addColumn('vserver_id', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'text')
      .addColumn('due_at', sql.raw(int64(kind)), (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('agent_work_due').on('agent_work').columns(['due_at', 'id']).execute();
  },
};
