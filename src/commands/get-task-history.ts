import { z } from 'zod';
import type { WireJson } from '../ksc/json.ts';
import type { KlArgument, KlParams } from '../ksc/values.ts';
import {
  EVENT_FIELDS,
  numberOf,
  plainRecord,
  readEventRange,
  textOf,
  type EventRange,
} from './fetch-event.ts';
import { inputs } from './inputs.ts';
import { resolveHostForRead } from './list-host-tasks.ts';
import { enrichWire } from './plain.ts';
import { errorEntry, recordsTable } from './result.ts';
import type { CommandContext, CommandDefinition, CommandErrorEntry } from './types.ts';

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
export function taskStateDescription(
  eventType: KlArgument | undefined,
  state: KlArgument | undefined,
): string | undefined {
  if (typeof state !== 'number') return undefined;
  if (eventType === 'KLEVP_GroupTaskSyncState' && state === 1) return 'modified';
  return TASK_STATES[state] ?? `state ${state}`;
}

/** Adds `task_new_state_desc` to the events that carry a task state, in the wire items and in plain records. */
export function describeTaskEvents(range: EventRange) {
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
  readonly limit: number;
}

/** `Tasks.GetTaskHistory`, newest first, read through EventProcessing (KlAkOAPI's sample does the same). */
export async function readTaskHistory(
  ctx: CommandContext,
  taskId: string,
  options: TaskHistoryOptions,
): Promise<EventRange> {
  const opened = await ctx.ksc.call('Tasks.GetTaskHistory', {
    strTask: taskId,
    pFields2Return: [...(options.fields ?? EVENT_FIELDS)],
    pSortFields: [{ Name: 'rise_time', Asc: false }],
    strHostName: options.hostId ?? '',
    pFilter: options.filter ?? {},
  });
  return readEventRange(ctx, opened.strIteratorId, options.limit);
}

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
export const getTaskHistory: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'get_task_history',
  title: 'Get Task History',
  description:
    'Lists the events of a task, newest first: when it was distributed to hosts ("Scheduled", "Modified"), ' +
    'when it started, failed or completed on each host, and what the runs found. Each event with a task ' +
    'state carries task_new_state and its description (task_new_state_desc). Optionally narrowed to one ' +
    'host. An unknown task id is an error (404), not an empty history. Read-only.',
  input,
  keyFields,
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [
    { product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] },
    { product: 'Kaspersky Endpoint Security', feature: 'Anti-virus functionality', operations: ['Read'] },
  ],
  kscMethods: ['Tasks.GetTaskHistory', 'EventProcessing.GetRecordRange', 'EventProcessing.ReleaseIterator'],
  example: { taskId: '103', limit: 50 },
  async run(ctx, { taskId, host, limit }) {
    const hostId = host === undefined ? undefined : (await resolveHostForRead(ctx, host, 'host')).id;
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
