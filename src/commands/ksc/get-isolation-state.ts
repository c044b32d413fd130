import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import type { KlParams } from '../../ksc/values.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS, resolveOneHost } from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import {
  agentVersion,
  hostState,
  isolationSettingsSection,
  isolationState,
  isolationTime,
  isolationTimeoutMinutes,
  type HostState,
} from './shared/isolation.ts';
import { errorEntry, statusOf, recordsTable } from '../core/result.ts';
import type { CommandErrorEntry } from '../core/types.ts';

const TITLE = 'Get Isolation State';

const input = z.object({
  hostIds: inputs
    .hosts()
    .describe(
      'Host IDs: the hosts to report on, each by id (KLHST_WKS_HOSTNAME, from List Hosts), display name, ' +
        'FQDN or IPv4 address; a name matching several hosts is refused',
    ),
});

const keyFields = z.object({
  HostIDs: z.array(z.string()),
  HostNames: z.array(z.string()),
  IsolationStates: z.array(z.string()),
});

/** One host's line of the context. */
interface HostIsolation {
  readonly [key: string]: string | number | boolean | null;
  readonly hostId: string;
  readonly hostName: string;
  readonly state: HostState;
}

/**
 * What is asked (the stored setting) against what is in force (what the agent reports): the two differ
 * between a change and the host's next agent sync, which is when a responder most wants to know.
 */
function stateOf(setting: boolean | undefined, active: boolean | undefined): HostState {
  if (setting === undefined) return active === undefined ? 'unknown' : active ? 'isolated' : 'not isolated';
  return hostState(setting, { active, record: undefined });
}

/** `Get Isolation State` (kconnect): Kaspersky Endpoint Agent's isolation setting and state, read with `SS_Read`. */
export const getIsolationState: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_isolation_state',
  title: TITLE,
  description:
    'Reports whether hosts are cut off the network by Kaspersky Endpoint Agent network isolation: the ' +
    'stored setting (what Isolate Hosts / Unisolate Hosts asked) and the state the agent reports, as ' +
    '"isolated", "not isolated", "pending" (the host applies the setting at its next agent sync) or ' +
    '"unknown", with the isolation start, end and timeout. A host without Kaspersky Endpoint Agent is an ' +
    'explicit error for that host. Read-only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, 'HostGroup.GetHostProducts', 'HostGroup.SS_Read'],
  },
  hints: { targetFields: ['hostIds'] },
  example: { hostIds: ['DC01'] },
  async run(ctx, { hostIds }) {
    const reports: Array<{ readonly raw: WireJson; readonly context: HostIsolation }> = [];
    const errors: CommandErrorEntry[] = [];
    const seen = new Set<string>();
    for (const reference of hostIds) {
      try {
        const host = await resolveOneHost(ctx, reference, 'hostIds');
        if (seen.has(host.id)) continue;
        seen.add(host.id);
        const version = await agentVersion(ctx, host);
        const stored = await ctx.ksc
          .callWire('HostGroup.SS_Read', isolationSettingsSection(host.id, version))
          // A host that never had isolation configured has no such section.
          .catch(() => undefined);
        const settings: KlParams | undefined = stored?.reply.PxgRetVal;
        const reported = await isolationState(ctx, host, version);
        const enable = settings?.['Enable'];
        const setting = typeof enable === 'boolean' ? enable : undefined;
        reports.push({
          raw: { hostId: host.id, PxgRetVal: stored?.wire['PxgRetVal'] ?? null },
          context: {
            hostId: host.id,
            hostName: host.displayName,
            state: stateOf(setting, reported.active),
            isolationSetting: setting ?? null,
            isolationActive: reported.active ?? null,
            isolationTimeoutMinutes: isolationTimeoutMinutes(settings),
            isolationStart: isolationTime(reported, 'IsolationStart'),
            isolationEnd: isolationTime(reported, 'IsolationEnd'),
            agentVersion: version,
          },
        });
      } catch (error) {
        errors.push(errorEntry(TITLE, error, reference));
      }
    }
    const context = reports.map((r) => r.context);
    return {
      status: statusOf(reports.length, errors.length),
      raw: reports.map((r) => r.raw),
      context,
      keyFields: {
        HostIDs: context.map((c) => c.hostId),
        HostNames: context.map((c) => c.hostName),
        IsolationStates: context.map((c) => c.state),
      },
      result: recordsTable(TITLE, context, ['hostId', 'hostName', 'state', 'isolationStart', 'isolationEnd']),
      errors,
    };
  },
};
