import { z } from 'zod';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import { perTask, taskIdsInput } from './get-task-history.ts';
import { statusOf, summaryTable } from './result.ts';
import type { CommandContext, CommandDefinition, PlainJson } from './types.ts';

/**
 * The keys of `GetTaskStatistics` (host-state bits, spec §8.3) with seed 001's Context Data labels, in its
 * order.
 */
const STATISTICS_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['1', "Number of hosts where the task modification hasn't been distributed yet"],
  ['16', 'Number of hosts where the task failed'],
  ['2', 'Number of hosts where the task is running'],
  ['32', 'Number of hosts where the task was scheduled to run'],
  ['4', 'Number of hosts where the task finished successfully'],
  ['64', 'Number of hosts where the task was paused'],
  ['8', 'Number of hosts where the task finished with a warning'],
  ['GNRL_COMPLETED_PERCENT', 'Total task completion percent'],
  ['KLTSK_NEED_RBT_CNT', 'Number of hosts where the task is requested for the OS reboot'],
];

/** Seed 001's "Statistics" object of a `GetTaskStatistics` answer. */
export function labelledStatistics(stats: KlParams): { [label: string]: PlainJson } {
  const out: { [label: string]: PlainJson } = {};
  for (const [key, label] of STATISTICS_LABELS) {
    const value = stats[key];
    out[label] = typeof value === 'number' ? value : 0;
  }
  return out;
}

/** Host task states ("Bitmasks of host task states", spec §8.3) by bit. */
export const HOST_STATES: Readonly<Record<number, string>> = {
  1: 'pending',
  2: 'running',
  4: 'completed',
  8: 'completed with warning',
  16: 'failed',
  32: 'scheduled',
  64: 'paused',
};

export function hostStateName(code: unknown): string {
  return typeof code === 'number' ? (HOST_STATES[code] ?? `state ${code}`) : 'unknown';
}

/** Where a task stands over all its hosts, from its statistics. */
export interface TaskProgress {
  /** The `PxgRetVal` of `GetTaskStatistics` as KSC sent it. */
  readonly wire: WireJson;
  readonly statistics: KlParams;
  /**
   * `running` while a host runs it, `pending` while a change or start has not reached every host, `paused`,
   * then `failed`, `completed with failures`, `completed`, `scheduled` (never run) or `no hosts`.
   */
  readonly state: string;
  /** No host is pending, running or paused. */
  readonly finished: boolean;
  readonly completedPercent: number;
}

function count(stats: KlParams, bit: number): number {
  const value = stats[String(bit)];
  return typeof value === 'number' ? value : 0;
}

export function progressOf(stats: KlParams, wire: WireJson): TaskProgress {
  const [pending, running, completed, warning, failed, scheduled, paused] = [1, 2, 4, 8, 16, 32, 64].map(
    (bit) => count(stats, bit),
  ) as [number, number, number, number, number, number, number];
  let state: string;
  if (running > 0) state = 'running';
  else if (pending > 0) state = 'pending';
  else if (paused > 0) state = 'paused';
  else if (failed > 0) state = completed + warning > 0 ? 'completed with failures' : 'failed';
  else if (completed + warning > 0) state = 'completed';
  else if (scheduled > 0) state = 'scheduled';
  else state = 'no hosts';
  const percent = stats['GNRL_COMPLETED_PERCENT'];
  return {
    wire,
    statistics: stats,
    state,
    finished: running + pending + paused === 0,
    completedPercent: typeof percent === 'number' ? percent : 0,
  };
}

/**
 * `Tasks.GetTaskStatistics`. KSC 15 deprecates it for `GetTaskStatistics2`, but only the first has documented
 * keys (spec §8.3), and KSC 14 (seed 001's server) has only the first.
 */
export async function readTaskProgress(ctx: CommandContext, strTask: string): Promise<TaskProgress> {
  const answer = await ctx.ksc.callWire('Tasks.GetTaskStatistics', { strTask });
  return progressOf(answer.reply.PxgRetVal, answer.wire['PxgRetVal'] ?? null);
}

const input = z.object({ taskIds: taskIdsInput() });

/** Seed 001 shows no Key Fields for this command. */
const keyFields = z.object({});

/** `Get Task Statistics` (seed 001): `Tasks.GetTaskStatistics` for each task id. */
export const getTaskStatistics: CommandDefinition<typeof input, typeof keyFields> = {
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
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [
    { product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] },
    { product: 'Kaspersky Endpoint Security', feature: 'Anti-virus functionality', operations: ['Read'] },
  ],
  kscMethods: ['Tasks.GetTaskStatistics'],
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
