import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, KES_AV_READ, READ_ONLY } from './shared/flags.ts';
import { recordsTable } from '../core/result.ts';
import {
  HOST_STATE_METHODS,
  labelledStatistics,
  plainHostStates,
  readHostStates,
  taskIdInput,
  waitUntilFinished,
} from './shared/tasks.ts';
import type { PlainJson } from '../core/types.ts';
import { waitInputs } from '../core/waiting.ts';

const input = z.object({
  taskId: taskIdInput(),
  waitTimeoutSeconds: waitInputs
    .untilTaskFinished()
    .waitTimeoutSeconds.describe(
      'Give up waiting after this many seconds and report the state so far (0 = just look, up to 7200)',
    ),
  pollIntervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(300)
    .default(10)
    .describe('Seconds between two looks at the task (1–300)'),
});

const keyFields = z.object({
  TaskID: z.string(),
  TaskName: z.string(),
  TaskState: z.string(),
  Finished: z.boolean(),
  TimedOut: z.boolean(),
  CompletedPercent: z.number(),
  HostIDs: z.array(z.string()),
  HostNames: z.array(z.string()),
  HostStates: z.array(z.string()),
});

const text = (value: PlainJson | undefined): string => (typeof value === 'string' ? value : '');

/** `Wait For Task` (beyond seed 001): polls `Tasks.GetTaskStatistics`, then reads the per-host states. */
export const waitForTask: KscCommand<typeof input, typeof keyFields> = {
  name: 'wait_for_task',
  title: 'Wait For Task',
  description:
    'Waits until a task (for example the scan Scan Hosts started) has finished on all its hosts, or until ' +
    'the timeout, then reports its overall state (completed, failed, completed with failures, still ' +
    'running or pending, …), the completion percent, the host counts per state and each host’s state with ' +
    'its start and finish times. A timeout is not an error: Finished is false and TimedOut true. Use it ' +
    'instead of calling Get Task Statistics in a loop. An unknown task id is an error (404). Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ, KES_AV_READ],
    operations: ['Tasks.GetTask', 'Tasks.GetTaskStatistics', ...HOST_STATE_METHODS],
  },
  hints: { waitField: 'waitTimeoutSeconds' },
  example: { taskId: '103', waitTimeoutSeconds: 60 },
  async run(ctx, { taskId, waitTimeoutSeconds, pollIntervalSeconds }) {
    const task = (await ctx.ksc.call('Tasks.GetTask', { strTask: taskId })).PxgRetVal;
    const outcome = await waitUntilFinished(ctx, taskId, waitTimeoutSeconds, pollIntervalSeconds);
    const hosts = await readHostStates(ctx, taskId);
    const plainHosts = plainHostStates(hosts);
    const { progress } = outcome;
    const taskName = typeof task['DisplayName'] === 'string' ? task['DisplayName'] : '';
    return {
      status: 'Successful',
      raw: {
        taskId,
        PxgRetVal: progress.wire,
        pParHostStatus: { statuses: hosts.items },
      },
      context: {
        taskId,
        taskName,
        state: progress.state,
        finished: progress.finished,
        timedOut: outcome.timedOut,
        waitedSeconds: outcome.waitedSeconds,
        completedPercent: progress.completedPercent,
        Statistics: labelledStatistics(progress.statistics),
        hosts: plainHosts,
      },
      keyFields: {
        TaskID: taskId,
        TaskName: taskName,
        TaskState: progress.state,
        Finished: progress.finished,
        TimedOut: outcome.timedOut,
        CompletedPercent: progress.completedPercent,
        HostIDs: plainHosts.map((h) => text(h['hostname'])),
        HostNames: plainHosts.map((h) => text(h['hostdn'])),
        HostStates: plainHosts.map((h) => text(h['state'])),
      },
      result: recordsTable('Wait For Task', plainHosts, [
        'hostdn',
        'hostname',
        'state',
        'completed_percent',
        'start_time',
        'finish_time',
        'state_descr',
      ]),
      errors: [],
    };
  },
};
