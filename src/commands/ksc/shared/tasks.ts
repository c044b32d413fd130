import type { KscContext } from './vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../../errors.ts';
import type { WireJson } from '../../../wire/json.ts';
import type { KlArgument, KlParams } from '../../../ksc/values.ts';
import { EVENT_FIELDS, readEventRange } from './events.ts';
import { readPagesWire, type WireRecords } from './pages.ts';
import { enrichWire, plainRecord, unwrapParams, wireRecords } from './plain.ts';
import { errorEntry } from '../../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../../core/types.ts';
import { poll } from '../../core/waiting.ts';

/**
 * A task id as KSC writes it: "task id in digital representation, like "1" or "45"" (spec §8.1). Checked
 * here, so a malformed id is a 400 that names the field rather than KSC's `Bad parameter "strTask"`.
 */
export const taskIdInput = () =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, 'a task id is a string of digits such as "103"')
    .describe('Task ID: the id of a task, a string of digits such as "103" (from List Host Tasks)');

export const taskIdsInput = () =>
  z
    .array(taskIdInput())
    .min(1)
    .max(100)
    .describe('Task IDs: ids of tasks, each a string of digits such as "103" (from List Host Tasks)');

/**
 * Runs `fn` for each task id of an array input (duplicates once), collecting one error per failed id, so the
 * others' data still comes back (seed 001's Partially Successful).
 */
export async function perTask<T>(
  title: string,
  ids: readonly string[],
  fn: (id: string) => Promise<T>,
): Promise<{ done: Array<{ id: string; value: T }>; errors: CommandErrorEntry[] }> {
  const done: Array<{ id: string; value: T }> = [];
  const errors: CommandErrorEntry[] = [];
  for (const id of new Set(ids)) {
    try {
      done.push({ id, value: await fn(id) });
    } catch (error) {
      errors.push(errorEntry(title, error, id));
    }
  }
  return { done, errors };
}

/** Display names of the tasks `Tasks.GetTask` reports for `ids`, in order; a task gone meanwhile is left out. */
export async function taskDetails(
  ctx: KscContext,
  ids: readonly string[],
): Promise<Array<{ id: string; task: KlParams }>> {
  const out: Array<{ id: string; task: KlParams }> = [];
  for (const id of ids) {
    try {
      out.push({ id, task: (await ctx.ksc.call('Tasks.GetTask', { strTask: id })).PxgRetVal });
    } catch (error) {
      // Deleted between the two calls: the id list is still the server's answer, the details just lack it.
      if (error instanceof KconnectError && error.code === 'NOT_FOUND') continue;
      throw error;
    }
  }
  return out;
}

// Statistics: where a task stands over all its hosts.

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
const HOST_STATES: Readonly<Record<number, string>> = {
  1: 'pending',
  2: 'running',
  4: 'completed',
  8: 'completed with warning',
  16: 'failed',
  32: 'scheduled',
  64: 'paused',
};

function hostStateName(code: unknown): string {
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

function progressOf(stats: KlParams, wire: WireJson): TaskProgress {
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
export async function readTaskProgress(ctx: KscContext, strTask: string): Promise<TaskProgress> {
  const answer = await ctx.ksc.callWire('Tasks.GetTaskStatistics', { strTask });
  return progressOf(answer.reply.PxgRetVal, answer.wire['PxgRetVal'] ?? null);
}

export interface WaitOutcome {
  readonly progress: TaskProgress;
  readonly timedOut: boolean;
  readonly waitedSeconds: number;
}

/**
 * Reads the task's statistics until no host is pending, running or paused, or until `timeoutSeconds` have
 * passed on the context's clock. A timeout is an answer (the state so far), not an error.
 */
export async function waitUntilFinished(
  ctx: KscContext,
  strTask: string,
  timeoutSeconds: number,
  intervalSeconds: number,
): Promise<WaitOutcome> {
  const polled = await poll(ctx, {
    timeoutMs: timeoutSeconds * 1000,
    pauseMs: intervalSeconds * 1000,
    look: () => readTaskProgress(ctx, strTask),
    done: (progress) => progress.finished,
    label: 'task',
  });
  return {
    progress: polled.value,
    timedOut: !polled.done,
    waitedSeconds: Math.floor(polled.waitedMs / 1000),
  };
}

// Per-host states.

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

/** The KSC methods {@link readHostStates} calls. */
export const HOST_STATE_METHODS: readonly string[] = [
  'Tasks.ResetHostIteratorForTaskStatus',
  'Tasks.GetHostStatusRecordRange',
  'Tasks.ReleaseHostStatusIterator',
];

/** A task with more hosts than this reports its statistics in full, but per-host states only this far. */
const MAX_HOST_STATES = 10_000;

/** `Tasks.ResetHostIteratorForTaskStatus` over every state, read page by page and released. */
export async function readHostStates(ctx: KscContext, strTask: string): Promise<WireRecords> {
  const opened = await ctx.ksc.call('Tasks.ResetHostIteratorForTaskStatus', {
    strTask,
    pFields2Return: HOST_STATUS_FIELDS,
    nHostStateMask: 0,
    nLifetime: 300,
  });
  const strHostIteratorId = opened.strHostIteratorId;
  return readPagesWire(ctx, {
    limit: MAX_HOST_STATES,
    pageSize: 1000,
    label: 'host states',
    page: async (nStart, count) => {
      const page = await ctx.ksc.callWire('Tasks.GetHostStatusRecordRange', {
        strHostIteratorId,
        nStart,
        nEnd: nStart + count,
      });
      return {
        records: page.reply.pParHostStatus.statuses,
        items: wireRecords(unwrapParams(page.wire['pParHostStatus'] ?? null), 'statuses'),
      };
    },
    release: () => ctx.ksc.call('Tasks.ReleaseHostStatusIterator', { strHostIteratorId }),
  });
}

/** Plain per-host states with the state's name beside its code. */
export function plainHostStates(states: WireRecords): Array<{ [key: string]: PlainJson }> {
  return states.records.map((r) => ({ ...plainRecord(r), state: hostStateName(r['state_code']) }));
}

// History: the events a task published.

/** `task_new_state` of `KLPRCI_TaskState` ("Task states", spec §8.4). */
const TASK_STATES: Readonly<Record<number, string>> = {
  0: 'created',
  1: 'running',
  2: 'suspended',
  3: 'failed',
  4: 'completed',
  5: 'timed out',
  6: 'reloading',
  7: 'inactive',
  32: 'scheduled',
};

/**
 * D3's `task_new_state_desc`. `KLEVP_GroupTaskSyncState` writes "modified" as 1 (spec §8.4), which D3 calls
 * "running"; here it is "modified", as the event says.
 */
function taskStateDescription(
  eventType: KlArgument | undefined,
  state: KlArgument | undefined,
): string | undefined {
  if (typeof state !== 'number') return undefined;
  if (eventType === 'KLEVP_GroupTaskSyncState' && state === 1) return 'modified';
  return TASK_STATES[state] ?? `state ${state}`;
}

/** Adds `task_new_state_desc` to the events that carry a task state, in the wire items and in plain records. */
export function describeTaskEvents(range: WireRecords) {
  const descriptions = range.records.map((r) => taskStateDescription(r['event_type'], r['task_new_state']));
  const extra = (i: number) => {
    const desc = descriptions[i];
    return desc === undefined ? {} : { task_new_state_desc: desc };
  };
  return {
    items: range.items.map((item, i): WireJson => enrichWire(item, extra(i))),
    context: range.records.map((r, i) => ({ ...plainRecord(r), ...extra(i) })),
    descriptions,
  };
}

export interface TaskHistoryOptions {
  readonly fields?: readonly string[];
  /** `pFilter` (attribute equalities, e.g. `{event_type: "KLPRCI_TaskState"}`). */
  readonly filter?: KlParams;
  /** A host id (`KLHST_WKS_HOSTNAME`) to narrow the history to. */
  readonly hostId?: string;
  /** Oldest first instead of newest first. */
  readonly oldestFirst?: boolean;
  readonly limit: number;
}

/** `Tasks.GetTaskHistory` (newest first unless asked otherwise), read through EventProcessing (as KlAkOAPI's sample). */
export async function readTaskHistory(
  ctx: KscContext,
  taskId: string,
  options: TaskHistoryOptions,
): Promise<WireRecords> {
  const opened = await ctx.ksc.call('Tasks.GetTaskHistory', {
    strTask: taskId,
    pFields2Return: [...(options.fields ?? EVENT_FIELDS)],
    pSortFields: [{ Name: 'rise_time', Asc: options.oldestFirst ?? false }],
    strHostName: options.hostId ?? '',
    pFilter: options.filter ?? {},
  });
  return readEventRange(ctx, opened.strIteratorId, options.limit);
}
