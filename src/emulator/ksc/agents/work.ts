import { agentRecallWork } from '../hierarchy/agent-recall.ts';
import { listWork } from '../lists/work.ts';
import { settingsWork } from '../settings/work.ts';
import { taskWork } from '../tasks/work.ts';
import type { WorkHandler } from './scheduler.ts';

/** What each kind of scheduled work does, by kind. Each part contributes its own kinds. */
export const WORK_HANDLERS: Readonly<Record<string, WorkHandler>> = {
  ...taskWork,
  ...listWork,
  ...settingsWork,
  ...agentRecallWork,
};
