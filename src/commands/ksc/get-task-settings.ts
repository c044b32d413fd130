import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import type { KlParams } from '../../ksc/values.ts';
import { BASIC_READ, KES_AV_READ, READ_ONLY } from './shared/flags.ts';
import { plainRecord } from './shared/plain.ts';
import { numberOf, textOf } from './shared/records.ts';
import { statusOf, summaryTable } from '../core/result.ts';
import { perTask, taskIdsInput } from './shared/tasks.ts';

const input = z.object({ taskIds: taskIdsInput() });

const keyFields = z.object({
  ProductNames: z.array(z.string()),
  ProductVersions: z.array(z.string()),
  TaskDisplayNames: z.array(z.string()),
  TaskTypes: z.array(z.string()),
  TaskPriorities: z.array(z.number()),
});

function displayName(settings: KlParams): string[] {
  const info = settings['TASK_INFO_PARAMS'];
  if (info === null || typeof info !== 'object' || Array.isArray(info) || info instanceof Date) return [];
  return textOf(info as KlParams, 'DisplayName');
}

/** `Get Task Settings` (seed 001): `Tasks.GetTaskData` for each task id. */
export const getTaskSettings: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_task_settings',
  title: 'Get Task Settings',
  description:
    'Reads the settings of one or more tasks: type (TASK_NAME, e.g. "ods" for a virus scan), application ' +
    'and version, display name, target hosts, schedule, priority and type-specific parameters. Each id is ' +
    'read on its own: unknown ids are reported as errors (404) while the others still return ' +
    '(Partially Successful). Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ, KES_AV_READ],
    operations: ['Tasks.GetTaskData'],
  },
  hints: { cliAliases: { taskIds: 'task-id' } },
  example: { taskIds: ['103'] },
  async run(ctx, { taskIds }) {
    const { done, errors } = await perTask('Get Task Settings', taskIds, async (strTask) => {
      const answer = await ctx.ksc.callWire('Tasks.GetTaskData', { strTask });
      return { wire: answer.wire['PxgRetVal'] ?? null, settings: answer.reply.PxgRetVal };
    });
    const settings = done.map((d) => d.value.settings);
    return {
      status: statusOf(done.length, errors.length),
      raw: done.map((d): WireJson => ({ PxgRetVal: d.value.wire })),
      context: done.map((d) => ({ taskId: d.id, ...plainRecord(d.value.settings) })),
      keyFields: {
        ProductNames: settings.flatMap((s) => textOf(s, 'TASKID_PRODUCT_NAME')),
        ProductVersions: settings.flatMap((s) => textOf(s, 'TASKID_VERSION')),
        TaskDisplayNames: settings.flatMap(displayName),
        TaskTypes: settings.flatMap((s) => textOf(s, 'TASK_NAME')),
        TaskPriorities: settings.flatMap((s) => numberOf(s, 'TASK_PRIORITY')),
      },
      result: summaryTable('Get Task Settings', { 'Tasks Count': done.length }),
      errors,
    };
  },
};
