import type { KscCommand, KscContext } from './shared/vendor.ts';
import { z } from 'zod';
import { searchText } from '../core/search-text.ts';
import { KconnectError } from '../../errors.ts';
import type { KlParams } from '../../ksc/values.ts';
import { EVENT_FIELDS, EVENT_RANGE_METHODS, readEventRange } from './shared/events.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, resolveReadHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { plainRecord } from './shared/plain.ts';
import { numberOf, textOf } from './shared/records.ts';
import { recordsTable } from '../core/result.ts';
import { taskDetails } from './shared/tasks.ts';

const input = z.object({
  hostId: inputs
    .host()
    .describe(
      'Host ID: the scanned host, by id (KLHST_WKS_HOSTNAME, from List Hosts), display name, FQDN or IPv4 address',
    ),
  scanTaskName: searchText(100).describe(
    'Scan Task Name: the display name of the scan task whose results to return, e.g. "Virus Scan"',
  ),
  days: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('Day(s): only results published in the last this many days; default: all kept events'),
  limit: inputs.limit(1000, 100_000).describe('How many events at most, newest first (1–100000)'),
});

const keyFields = z.object({
  EventNames: z.array(z.string()),
  EventDescriptions: z.array(z.string()),
  Severities: z.array(z.number()),
});

/**
 * No event can also mean a misspelt task name, which D3 answers with an empty success. When no task of that
 * name applies to the host either, say so and list the names that do.
 */
async function checkTaskName(ctx: KscContext, hostId: string, hostName: string, name: string) {
  const ids = (await ctx.ksc.call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: hostId }))
    .PxgRetVal;
  const names = (await taskDetails(ctx, ids)).flatMap((d) => textOf(d.task, 'DisplayName'));
  if (names.some((n) => n.toLowerCase() === name.toLowerCase())) return;
  const known = names.length === 0 ? 'none' : names.map((n) => `"${n}"`).join(', ');
  throw new KconnectError(
    'NOT_FOUND',
    `No task named "${name}" applies to host ${hostName} (${hostId}) and no event of one was found; its tasks: ${known}`,
  );
}

/**
 * `Get Scan Result` (seed 001): the host's events published by the named task,
 * `EventProcessingFactory.CreateEventProcessingForHost2` filtered on `task_display_name` (decisions/0006).
 */
export const getScanResult: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_scan_result',
  title: 'Get Scan Result',
  description:
    'Returns what a scan task reported on one host, newest first: its state changes, detections, the ' +
    '"Task cannot be performed" events (for example when the licence does not cover the component) and ' +
    'the full-scan completion, optionally only of the last days. The task is named by its display name ' +
    '(e.g. "Virus Scan"); a name that no task of the host has and no event mentions is an error (404), ' +
    'not an empty result. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [
      ...HOST_LOOKUP_METHODS,
      'EventProcessingFactory.CreateEventProcessingForHost2',
      ...EVENT_RANGE_METHODS,
      'Tasks.GetAllTasksOfHost',
      'Tasks.GetTask',
    ],
  },
  hints: { targetFields: ['hostId'] },
  example: { hostId: 'BR01-WS-0001', scanTaskName: 'Virus scan', days: 30 },
  async run(ctx, { hostId, scanTaskName, days, limit }) {
    const host = await resolveReadHost(ctx, hostId, 'hostId');
    const pFilter: KlParams = {
      task_display_name: scanTaskName,
      ...(days === undefined ? {} : { KLEVP_EVENT_RISE_TIME_LAST_DAYS: days }),
    };
    const opened = await ctx.ksc.call('EventProcessingFactory.CreateEventProcessingForHost2', {
      strHostName: host.id,
      strProduct: '',
      strVersion: '',
      pFilter,
      vecFieldsToReturn: [...EVENT_FIELDS],
      vecFieldsToOrder: [{ Name: 'rise_time', Asc: false }],
      lifetimeSec: 300,
    });
    const { items, records } = await readEventRange(ctx, opened.strIteratorId, limit);
    if (records.length === 0) await checkTaskName(ctx, host.id, host.displayName, scanTaskName);
    const context = records.map(plainRecord);
    return {
      status: 'Successful',
      raw: { pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: items } },
      context,
      keyFields: {
        EventNames: records.flatMap((r) => textOf(r, 'event_type_display_name')),
        EventDescriptions: records.flatMap((r) => textOf(r, 'GNRL_EA_DESCRIPTION')),
        Severities: records.flatMap((r) => numberOf(r, 'GNRL_EA_SEVERITY')),
      },
      result: recordsTable('Get Scan Result', context, [
        'rise_time',
        'hostdn',
        'task_display_name',
        'event_type',
        'event_type_display_name',
        'GNRL_EA_SEVERITY',
        'GNRL_EA_DESCRIPTION',
      ]),
      errors: [],
    };
  },
};
