import { z } from 'zod';
import { KconnectError } from '../errors.ts';
import type { KlParams } from '../ksc/values.ts';
import { plainRecord } from './fetch-event.ts';
import { findHostsByReference, type ResolvedHost } from './hosts.ts';
import { inputs } from './inputs.ts';
import { summaryTable } from './result.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/**
 * The one host a read command is about. Unlike `resolveOneHost` it takes the reference literally (a `*` is a
 * character), but it too refuses a name several hosts share, listing them, rather than guess.
 */
export async function resolveHostForRead(
  ctx: CommandContext,
  reference: string,
  field: string,
): Promise<ResolvedHost> {
  const hosts = await findHostsByReference(ctx, reference, field);
  if (hosts.length === 0) {
    throw new KconnectError('NOT_FOUND', `No host is named "${reference}" (by id, name, FQDN or IP)`);
  }
  if (hosts.length > 1) {
    const shown = hosts
      .map((h) => `${h.displayName} (${h.id}${h.ip === null ? '' : `, ${h.ip}`})`)
      .join('; ');
    throw new KconnectError(
      'CONFLICT',
      `"${reference}" names ${hosts.length} hosts: ${shown}. Name one by its id.`,
    );
  }
  return hosts[0]!;
}

/** Display names of the tasks `Tasks.GetTask` reports for `ids`, in order; a task gone meanwhile is left out. */
export async function taskDetails(
  ctx: CommandContext,
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
export const listHostTasks: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'list_host_tasks',
  title: 'List Host Tasks',
  description:
    'Lists the group tasks and tasks for specific devices that apply to one host (virus scans, updates, ' +
    'vulnerability searches, …) with their ids, display names, types and applications. Use the ids with ' +
    'Get Task Settings, Get Task Statistics, Get Task History or Wait For Task. The host may be named by ' +
    'display name, id, FQDN or IP; an unknown or ambiguous name is an error. Read-only.',
  input,
  keyFields,
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [{ product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] }],
  kscMethods: [
    'HostGroup.FindHosts',
    'ChunkAccessor.GetItemsChunk',
    'ChunkAccessor.Release',
    'Tasks.GetAllTasksOfHost',
    'Tasks.GetTask',
  ],
  example: { hostName: 'BR01-WS-0001' },
  async run(ctx, { hostName }) {
    const host = await resolveHostForRead(ctx, hostName, 'hostName');
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
