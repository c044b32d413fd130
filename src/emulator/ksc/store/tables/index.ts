import { seedListItems } from '../../lists/seed.ts';
import { seedTasks } from '../../tasks/seed.ts';
import { agentTables } from './agents.ts';
import { incidentTables } from './incidents.ts';
import { listTables } from './lists.ts';
import { serverSettingsTables } from './server-settings.ts';

import { policyTables } from './policies.ts';
import { settingsTables } from './settings.ts';
import { statusTables } from './status.ts';
import { taskTables } from './tasks.ts';
import type { TableSet } from './table-set.ts';

/**
 * The table sets beyond the world's own, in migration order, with how a new world fills them. Adding a part is
 * one file and one line here. The seeds are joined here, not in the table files: a seed uses its part's queries,
 * which use the table's row types, so a table file that imported its seed would import itself in a circle.
 */
export const PART_TABLES: readonly TableSet[] = [
  agentTables,
  { ...taskTables, seed: seedTasks },
  { ...listTables, seed: seedListItems },
  settingsTables,
  statusTables,
  incidentTables,
  serverSettingsTables,
  policyTables,
];
