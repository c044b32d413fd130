import type { KscContext } from './vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../../errors.ts';
import type { WireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { HOST_LOOKUP_METHODS, resolveOneHost, type ResolvedHost } from './hosts.ts';
import { toPlain } from './plain.ts';
import { epochMsOf } from './records.ts';
import { errorEntry, statusOf, summaryTable } from '../../core/result.ts';
import type { CommandErrorEntry, CommandResult, PlainJson } from '../../core/types.ts';
import { pollUntil } from '../../core/waiting.ts';
/**
 * Where Kaspersky Endpoint Agent keeps network isolation in a host's settings storage, and where it reports
 * whether isolation is in force (the emulator's convention, decision 0009: no public source names them).
 */
const PRODUCT = 'EDRAgent';
const SETTINGS_SECTION = 'NetworkIsolation';
const STATE_SECTION = 'NetworkIsolationState';
/** `SS_Write` option 3: add or update the given variables, keeping the others (the exclusions). */
const REPLACE = 3;

export const ISOLATION_METHODS: readonly string[] = [
  ...HOST_LOOKUP_METHODS,
  'HostGroup.GetHostProducts',
  'HostGroup.SS_Write',
  'HostGroup.SS_Read',
];

export const isolationKeyFields = z.object({
  HostIDs: z.array(z.string()),
  HostNames: z.array(z.string()),
  IsolationStates: z.array(z.string()),
});

/** Isolation as a host reports it: in force or not, or unknown when the host does not say. */
export interface IsolationState {
  readonly active: boolean | undefined;
  readonly record: KlParams | undefined;
}

export type HostState = 'isolated' | 'not isolated' | 'pending' | 'unknown';

interface HostAction {
  readonly host: ResolvedHost;
  readonly version: string;
  readonly settings: WireJson;
  readonly decoded: KlParams;
  state: IsolationState;
}

/** The version key of Kaspersky Endpoint Agent on the host, or the explicit error D3 leaves to be guessed. */
export async function agentVersion(ctx: KscContext, host: ResolvedHost): Promise<string> {
  const products = (await ctx.ksc.call('HostGroup.GetHostProducts', { strHostName: host.id })).PxgRetVal;
  const versions = Object.keys(products[PRODUCT] ?? {});
  if (versions[0] === undefined) {
    throw new KconnectError(
      'CONFLICT',
      `Host ${host.displayName} (${host.id}) has no Kaspersky Endpoint Agent: network isolation needs it ` +
        `(installed: ${Object.keys(products).join(', ') || 'no Kaspersky application'})`,
    );
  }
  return versions[0];
}

/** Where a host's isolation setting is stored: the address `SS_Read` and `SS_Write` take. */
export function isolationSettingsSection(hostId: string, version: string) {
  return {
    strHostName: hostId,
    strType: 'SS_SETTINGS',
    strProduct: PRODUCT,
    strVersion: version,
    strSection: SETTINGS_SECTION,
  };
}

/** The isolation timeout of stored settings in minutes (KSC keeps seconds), or null when none is set. */
export function isolationTimeoutMinutes(settings: KlParams | undefined): number | null {
  const timeout = toPlain(settings?.['IsolationTimeout']);
  return typeof timeout === 'number' ? timeout / 60 : null;
}

/** `IsolationStart` or `IsolationEnd` of a reported state as ISO text, or null when the host does not say. */
export function isolationTime(state: IsolationState, name: 'IsolationStart' | 'IsolationEnd'): string | null {
  const ms = epochMsOf(state.record, name);
  return ms === undefined ? null : new Date(ms).toISOString();
}

export async function isolationState(
  ctx: KscContext,
  host: ResolvedHost,
  version: string,
): Promise<IsolationState> {
  try {
    const record = (
      await ctx.ksc.call('HostGroup.SS_Read', {
        strHostName: host.id,
        strType: 'SS_PRODINFO',
        strProduct: PRODUCT,
        strVersion: version,
        strSection: STATE_SECTION,
      })
    ).PxgRetVal;
    const active = record['IsolationActive'];
    return { active: typeof active === 'boolean' ? active : undefined, record };
  } catch {
    // The setting is written already; a host that does not report its state must not turn that into a failure.
    return { active: undefined, record: undefined };
  }
}

export function hostState(enable: boolean, state: IsolationState): HostState {
  if (state.active === undefined) return 'unknown';
  if (state.active === enable) return enable ? 'isolated' : 'not isolated';
  return 'pending';
}

function message(enable: boolean, state: HostState, waited: boolean): string {
  switch (state) {
    case 'isolated':
      return 'The host is isolated from the network.';
    case 'not isolated':
      return 'The host is not isolated: network connectivity is restored.';
    case 'unknown':
      return 'The setting is stored; the host does not report its isolation state.';
    case 'pending':
      return waited
        ? 'The setting is stored, but the host has not applied it yet: it does at its next agent sync.'
        : `The setting is stored; the host ${enable ? 'isolates itself' : 'ends its isolation'} at its next agent sync.`;
  }
}

/**
 * Writes the isolation setting of each host (one at a time, each failure its own error), reads back what is
 * stored (seed 001's raw sample), and with `wait` polls each host's isolation state until it matches.
 */
export async function runIsolation(
  ctx: KscContext,
  title: string,
  countColumn: string,
  input: {
    readonly hostIds: readonly string[];
    readonly enable: boolean;
    readonly timeoutMinutes?: number | undefined;
    readonly wait: boolean;
    readonly waitTimeoutSeconds: number;
  },
): Promise<CommandResult<z.output<typeof isolationKeyFields>>> {
  const actions: HostAction[] = [];
  const errors: CommandErrorEntry[] = [];
  const seen = new Set<string>();
  for (const reference of input.hostIds) {
    try {
      const host = await resolveOneHost(ctx, reference, 'hostIds');
      if (seen.has(host.id)) continue;
      seen.add(host.id);
      const version = await agentVersion(ctx, host);
      const section = isolationSettingsSection(host.id, version);
      const pSettings: KlParams =
        input.enable && input.timeoutMinutes !== undefined
          ? { Enable: true, UseIsolationTimeout: true, IsolationTimeout: input.timeoutMinutes * 60 }
          : { Enable: input.enable };
      await ctx.ksc.call('HostGroup.SS_Write', { ...section, nOption: REPLACE, pSettings });
      const stored = await ctx.ksc.callWire('HostGroup.SS_Read', section);
      actions.push({
        host,
        version,
        settings: stored.wire['PxgRetVal'] ?? null,
        decoded: stored.reply.PxgRetVal,
        state: await isolationState(ctx, host, version),
      });
    } catch (error) {
      errors.push(errorEntry(title, error, reference));
    }
  }
  const reached = (action: HostAction) =>
    action.state.active === undefined || action.state.active === input.enable;
  if (input.wait && actions.some((a) => !reached(a))) {
    await pollUntil(ctx, input.waitTimeoutSeconds, async () => {
      for (const action of actions.filter((a) => !reached(a))) {
        action.state = await isolationState(ctx, action.host, action.version);
      }
      return actions.every(reached);
    });
  }
  const states = actions.map((a) => hostState(input.enable, a.state));
  const context: PlainJson[] = actions.map((action, i) => {
    const settings = action.decoded;
    return {
      hostId: action.host.id,
      hostName: action.host.displayName,
      state: states[i] ?? 'unknown',
      message: message(input.enable, states[i] ?? 'unknown', input.wait),
      enable: toPlain(settings['Enable']),
      useIsolationTimeout: toPlain(settings['UseIsolationTimeout']),
      isolationTimeoutMinutes: isolationTimeoutMinutes(settings),
      notifyUser: toPlain(settings['NotifyUser']),
      isolationActive: action.state.active ?? null,
      isolationStart: isolationTime(action.state, 'IsolationStart'),
      isolationEnd: isolationTime(action.state, 'IsolationEnd'),
    };
  });
  return {
    status: statusOf(actions.length, errors.length),
    raw: actions.map((a) => ({ hostId: a.host.id, PxgRetVal: a.settings })),
    context,
    keyFields: {
      HostIDs: actions.map((a) => a.host.id),
      HostNames: actions.map((a) => a.host.displayName),
      IsolationStates: states,
    },
    result: summaryTable(title, { [countColumn]: actions.length }),
    errors,
  };
}
