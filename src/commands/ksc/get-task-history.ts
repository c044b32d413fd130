import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { EVENT_RANGE_METHODS } from './shared/events.ts';
import { BASIC_READ, KES_AV_READ, READ_ONLY } from './shared/flags.ts';
import { resolveReadHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { numberOf, textOf } from './shared/records.ts';
import { recordsTable } from '../core/result.ts';
import { describeTaskEvents, readTaskHistory, taskIdInput } from './shared/tasks.ts';

const input = z.object({
  taskId: taskIdInput(),
  host: inputs
    .host()
    .optional()
    .describe(
      'Only the history on this host: its id, display name, FQDN or IPv4 address; default: all hosts',
    ),
  limit: inputs.limit(1000, 100_000).describe('How many events at most, newest first (1–100000)'),
});

const keyFields = z.object({
  TaskStatuses: z.array(z.string()),
  EventSeverities: z.array(z.number()),
  TaskNewStates: z.array(z.number()),
  TaskNewStateDesc: z.array(z.string()),
});

/** `Get Task History` (seed 001): `Tasks.GetTaskHistory`, read with EventProcessing. */
export const getTaskHistory: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_task_history',
  title: 'Get Task History',
  description:
    'Lists the events of a task, newest first: when it was distributed to hosts ("Scheduled", "Modified"), ' +
    'when it started, failed or completed on each host, and what the runs found. Each event with a task ' +
    'state carries task_new_state and its description (task_new_state_desc). Optionally narrowed to one ' +
    'host. An unknown task id is an error (404), not an empty history. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ, KES_AV_READ],
    operations: ['Tasks.GetTaskHistory', ...EVENT_RANGE_METHODS],
  },
  hints: { targetFields: ['host'] },
  example: { taskId: '103', limit: 50 },
  async run(ctx, { taskId, host, limit }) {
    const hostId = host === undefined ? undefined : (await resolveReadHost(ctx, host, 'host')).id;
    const range = await readTaskHistory(ctx, taskId, {
      limit,
      ...(hostId === undefined ? {} : { hostId }),
    });
    const described = describeTaskEvents(range);
    return {
      status: 'Successful',
      raw: {
        results: [
          {
            pParamsEvents: { taskId: Number(taskId), KLEVP_EVENT_RANGE_ARRAY: described.items },
          },
        ],
      },
      context: described.context,
      keyFields: {
        TaskStatuses: range.records.flatMap((r) => textOf(r, 'event_type_display_name')),
        EventSeverities: range.records.flatMap((r) => numberOf(r, 'GNRL_EA_SEVERITY')),
        TaskNewStates: range.records.flatMap((r) => numberOf(r, 'task_new_state')),
        TaskNewStateDesc: described.descriptions.filter((d): d is string => d !== undefined),
      },
      result: recordsTable('Get Task History', described.context, [
        'rise_time',
        'hostdn',
        'event_type',
        'event_type_display_name',
        'task_new_state',
        'task_new_state_desc',
        'GNRL_EA_SEVERITY',
        'GNRL_EA_DESCRIPTION',
      ]),
      errors: [],
    };
  },
};
