import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import { BASIC_READ_WRITE } from './shared/flags.ts';
import { GROUP_LOOKUP_METHODS, groupReference, resolveGroup } from './shared/groups.ts';
import { resolveOneHost, type ResolvedHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry } from '../core/types.ts';

const TITLE = 'Move Hosts To Group';

const input = z.object({
  hosts: inputs
    .hosts()
    .describe(
      'Hosts to move, each by id (KLHST_WKS_HOSTNAME), display name, FQDN or IPv4 address; a name that ' +
        'matches several hosts is refused and the matches are listed',
    ),
  group: groupReference().describe(
    'The group to move them into: its id, name or full path; a name several groups share is refused',
  ),
  idempotencyKey: inputs.idempotencyKey(),
});

const keyFields = z.object({
  GroupID: z.number().int(),
  GroupName: z.string(),
  MovedHostIDs: z.array(z.string()),
  MovedHostNames: z.array(z.string()),
  /** The group each moved host was in before, in the order of MovedHostIDs: what a rollback moves it back to. */
  PreviousGroupIDs: z.array(z.number().int().nullable()),
});

interface Mover {
  readonly reference: string;
  readonly host: ResolvedHost;
  readonly previousGroupId: number | null;
}

/** `Move Hosts To Group` (FortiSOAR, peers' gap 11): `HostGroup.MoveHostsToGroup` with resolved host ids. */
export const moveHostsToGroup: KscCommand<typeof input, typeof keyFields> = {
  name: 'move_hosts_to_group',
  title: TITLE,
  description:
    'Moves hosts into an administration group, e.g. a containment group whose policy restricts them. Hosts ' +
    'are named by id, display name, FQDN or IP; each must name exactly one host (ambiguous names are refused ' +
    'with the matching hosts listed). Returns, per moved host, the group it came from, so a playbook can move ' +
    'it back later. Hosts that cannot be resolved are reported one by one and the others are still moved ' +
    '(Partially Successful). Side effect: the hosts take the policies and group tasks of the new group. Pass ' +
    '`idempotencyKey` to make retries safe.',
  input,
  keyFields,
  readOnly: false,
  destructive: true,
  idempotent: true,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ_WRITE],
    operations: [
      ...GROUP_LOOKUP_METHODS,
      'HostGroup.FindHosts',
      'HostGroup.GetHostInfo',
      'HostGroup.MoveHostsToGroup',
    ],
  },
  hints: { cliAliases: { hosts: 'host' }, targetFields: ['hosts'] },
  example: { hosts: ['BR01-WS-0001'], group: 'Quarantine segment' },
  async run(ctx, { hosts, group }) {
    const target = await resolveGroup(ctx, group);
    const errors: CommandErrorEntry[] = [];
    const movers: Mover[] = [];
    const seen = new Set<string>();
    for (const reference of hosts) {
      try {
        const host = await resolveOneHost(ctx, reference, 'hosts');
        if (seen.has(host.id)) continue;
        seen.add(host.id);
        const info = await ctx.ksc.call('HostGroup.GetHostInfo', {
          strHostName: host.id,
          pFields2Return: ['KLHST_WKS_GROUPID'],
        });
        const previous = info.PxgRetVal['KLHST_WKS_GROUPID'];
        movers.push({ reference, host, previousGroupId: typeof previous === 'number' ? previous : null });
      } catch (error) {
        errors.push(errorEntry(TITLE, error, reference));
      }
    }
    const pHostNames = movers.map((m) => m.host.id);
    let moved: readonly Mover[] = movers;
    let answer: { readonly [name: string]: WireJson } = {};
    if (movers.length > 0) {
      try {
        answer = (await ctx.ksc.callWire('HostGroup.MoveHostsToGroup', { nGroup: target.id, pHostNames }))
          .wire;
      } catch (error) {
        // One call moves them all: when it fails, every host failed with it.
        for (const m of movers) errors.push(errorEntry(TITLE, error, m.reference));
        moved = [];
      }
    }
    const context = moved.map((m) => ({
      hostId: m.host.id,
      hostName: m.host.displayName,
      previousGroupId: m.previousGroupId,
      groupId: target.id,
      groupName: target.name,
    }));
    return {
      status: statusOf(moved.length, errors.length),
      raw: { ...answer, nGroup: target.id, pHostNames: moved.map((m) => m.host.id) },
      context,
      keyFields: {
        GroupID: target.id,
        GroupName: target.name,
        MovedHostIDs: moved.map((m) => m.host.id),
        MovedHostNames: moved.map((m) => m.host.displayName),
        PreviousGroupIDs: moved.map((m) => m.previousGroupId),
      },
      result: {
        title: TITLE,
        columns: ['Host Name', 'Host ID', 'Previous Group ID', 'Group'],
        rows: context.map((c) => [c.hostName, c.hostId, c.previousGroupId, target.fullName || target.name]),
      },
      errors,
    };
  },
};
