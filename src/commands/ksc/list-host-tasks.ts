import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, resolveReadHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { plainRecord } from './shared/plain.ts';
import { summaryTable } from '../core/result.ts';
import { taskDetails } from './shared/tasks.ts';

const input = z.object({
  hostName: inputs
    .host()
    .describe(
      'Host Name: the host whose tasks to list, by display name (KLHST_WKS_DN, from List Hosts), id, FQDN or IPv4 address',
    ),
});

const keyFields = z.object({
  TaskIDs: z.array(z.string()),
  TaskNames: z.array(z.string()),
});

/** `List Host Tasks` (seed 001): `Tasks.GetAllTasksOfHost`, then `Tasks.GetTask` for each id (spec §9). */
export const listHostTasks: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_host_tasks',
  title: 'List Host Tasks',
  description:
    'Lists the group tasks and tasks for specific devices that apply to one host (virus scans, updates, ' +
    'vulnerability searches, …) with their ids, display names, types and applications. Use the ids with ' +
    'Get Task Settings, Get Task Statistics, Get Task History or Wait For Task. The host may be named by ' +
    'display name, id, FQDN or IP; an unknown or ambiguous name is an error. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, 'Tasks.GetAllTasksOfHost', 'Tasks.GetTask'],
  },
  hints: { targetFields: ['hostName'] },
  example: { hostName: 'BR01-WS-0001' },
  async run(ctx, { hostName }) {
    const host = await resolveReadHost(ctx, hostName, 'hostName');
    const answer = await ctx.ksc.callWire('Tasks.GetAllTasksOfHost', {
      strDomainName: '',
      strHostName: host.id,
    });
    const ids = answer.reply.PxgRetVal;
    const details = await taskDetails(ctx, ids);
    const names = new Map(details.map((d) => [d.id, d.task['DisplayName']]));
    const context = details.map((d) => ({
      ...plainRecord(d.task),
      hostId: host.id,
      hostName: host.displayName,
    }));
    return {
      status: 'Successful',
      raw: { PxgRetVal: answer.wire['PxgRetVal'] ?? [] },
      context,
      keyFields: {
        TaskIDs: ids,
        TaskNames: ids.map((id) => {
          const name = names.get(id);
          return typeof name === 'string' ? name : '';
        }),
      },
      result: summaryTable('List Host Tasks', { 'Host Tasks Count': ids.length }),
      errors: [],
    };
  },
};
