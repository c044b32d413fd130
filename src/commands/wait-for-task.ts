import { z } from 'zod';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import { plainRecord } from './fetch-event.ts';
import { taskIdInput } from './get-task-history.ts';
import {
  hostStateName,
  labelledStatistics,
  readTaskProgress,
  type TaskProgress,
} from './get-task-statistics.ts';
import { unwrapParams, wireRecords } from './plain.ts';
import { recordsTable } from './result.ts';
import type { CommandContext, CommandDefinition, PlainJson } from './types.ts';

/** "Host task state attributes" (spec §8.4). */
const HOST_STATUS_FIELDS = [
  'hostname',
  'hostdn',
  'domain_name',
  'state_code',
  'state_descr',
  'completed_percent',
  'try_count',
  'start_time',
  'finish_time',
];

/** A task with more hosts than this reports its statistics in full, but per-host states only this far. */
const MAX_HOST_STATES = 10_000;
const PAGE = 1000;

/** The per-host states of a task, as KSC sent them and decoded. */
export interface HostStates {
  readonly items: WireJson[];
  readonly records: KlParams[];
}

/** `Tasks.ResetHostIteratorForTaskStatus` over every state, read page by page and released. */
export async function readHostStates(ctx: CommandContext, strTask: string): Promise<HostStates> {
  const opened = await ctx.ksc.call('Tasks.ResetHostIteratorForTaskStatus', {
    strTask,
    pFields2Return: HOST_STATUS_FIELDS,
    nHostStateMask: 0,
    nLifetime: 300,
  });
  const strHostIteratorId = opened.strHostIteratorId;
  const items: WireJson[] = [];
  const records: KlParams[] = [];
  try {
    while (records.length < MAX_HOST_STATES) {
      const nStart = records.length;
      const page = await ctx.ksc.callWire('Tasks.GetHostStatusRecordRange', {
        strHostIteratorId,
        nStart,
        nEnd: nStart + Math.min(PAGE, MAX_HOST_STATES - nStart),
      });
      const decoded = page.reply.pParHostStatus.statuses;
      if (decoded.length === 0) break;
      records.push(...decoded);
      items.push(...wireRecords(unwrapParams(page.wire['pParHostStatus'] ?? null), 'statuses'));
    }
  } finally {
    await ctx.ksc.call('Tasks.ReleaseHostStatusIterator', { strHostIteratorId }).catch(() => undefined);
  }
  return { items, records };
}

/** Plain per-host states with the state's name beside its code. */
export function plainHostStates(states: HostStates): Array<{ [key: string]: PlainJson }> {
  return states.records.map((r) => ({ ...plainRecord(r), state: hostStateName(r['state_code']) }));
}

export interface WaitOutcome {
  readonly progress: TaskProgress;
  readonly timedOut: boolean;
  readonly waitedSeconds: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads the task's statistics until no host is pending, running or paused, or until `timeoutSeconds` have
 * passed on the context's clock. A timeout is an answer (the state so far), not an error.
 */
export async function waitUntilFinished(
  ctx: CommandContext,
  strTask: string,
  timeoutSeconds: number,
  intervalSeconds: number,
): Promise<WaitOutcome> {
  const sleep = ctx.sleep ?? defaultSleep;
  const started = ctx.now();
  const deadline = started + timeoutSeconds * 1000;
  for (;;) {
    ctx.signal?.throwIfAborted();
    const progress = await readTaskProgress(ctx, strTask);
    const now = ctx.now();
    const waitedSeconds = Math.floor((now - started) / 1000);
    if (progress.finished) return { progress, timedOut: false, waitedSeconds };
    if (now >= deadline) return { progress, timedOut: true, waitedSeconds };
    await sleep(Math.min(intervalSeconds * 1000, deadline - now));
  }
}

/** `wait` and `waitTimeoutSeconds` of the commands that start something that completes later. */
export const waitInputs = {
  wait: z
    .boolean()
    .default(false)
    .describe('Wait until the task finished on every host (or the timeout) and report the final state'),
  waitTimeoutSeconds: z
    .number()
    .int()
    .min(0)
    .max(7200)
    .default(600)
    .describe('With wait: give up waiting after this many seconds and report the state so far (0–7200)'),
};

const input = z.object({
  taskId: taskIdInput(),
  waitTimeoutSeconds: waitInputs.waitTimeoutSeconds.describe(
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
export const waitForTask: CommandDefinition<typeof input, typeof keyFields> = {
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
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [
    { product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] },
    { product: 'Kaspersky Endpoint Security', feature: 'Anti-virus functionality', operations: ['Read'] },
  ],
  kscMethods: [
    'Tasks.GetTask',
    'Tasks.GetTaskStatistics',
    'Tasks.ResetHostIteratorForTaskStatus',
    'Tasks.GetHostStatusRecordRange',
    'Tasks.ReleaseHostStatusIterator',
  ],
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
