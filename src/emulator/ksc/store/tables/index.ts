import { agentTables } from './agents.ts';
import { listTables } from './lists.ts';
import { settingsTables } from './settings.ts';
import { statusTables } from './status.ts';
import { taskTables } from './tasks.ts';
import type { TableSet } from './table-set.ts';

/** The table sets beyond the world's own, in migration order. Adding a part is one file and one line here. */
export const PART_TABLES: readonly TableSet[] = [
  agentTables,
  taskTables,
  listTables,
  settingsTables,
  statusTables,
];
