import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import { BASIC_READ, KES_AV_READ, READ_ONLY } from './shared/flags.ts';
import { statusOf, summaryTable } from '../core/result.ts';
import { labelledStatistics, perTask, readTaskProgress, taskIdsInput } from './shared/tasks.ts';

const input = z.object({ taskIds: taskIdsInput() });

/** Seed 001 shows no Key Fields for this command. */
const keyFields = z.object({});

/** `Get Task Statistics` (seed 001): `Tasks.GetTaskStatistics` for each task id. */
export const getTaskStatistics: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_task_statistics',
  title: 'Get Task Statistics',
  description:
    'Counts, for one or more tasks, the hosts in each state: not yet distributed, scheduled, running, ' +
    'paused, finished successfully, finished with a warning, failed, plus the overall completion percent ' +
    'and the hosts waiting for a reboot. Use it to follow a scan or an update started earlier (or Wait For ' +
    'Task to wait for the end). Unknown ids are reported as errors (404) while the others still return. ' +
    'Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ, KES_AV_READ],
    operations: ['Tasks.GetTaskStatistics'],
  },
  hints: { cliAliases: { taskIds: 'task-id' } },
  example: { taskIds: ['103'] },
  async run(ctx, { taskIds }) {
    const { done, errors } = await perTask('Get Task Statistics', taskIds, (id) => readTaskProgress(ctx, id));
    return {
      status: statusOf(done.length, errors.length),
      raw: done.map((d): WireJson => ({ PxgRetVal: d.value.wire })),
      context: done.map((d) => ({
        taskId: d.id,
        state: d.value.state,
        Statistics: labelledStatistics(d.value.statistics),
      })),
      keyFields: {},
      result: summaryTable('Get Task Statistics', { 'Tasks Count': done.length }),
      errors,
    };
  },
};
