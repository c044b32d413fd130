import { z } from 'zod';
import { KconnectError } from '../errors.ts';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import { findHostsByReference, type ResolvedHost } from './hosts.ts';
import { inputs } from './inputs.ts';
import { toPlain, unwrapParams, wireRecords } from './plain.ts';
import { errorEntry, statusOf } from './result.ts';
import type { CommandContext, CommandDefinition, CommandErrorEntry, PlainJson } from './types.ts';

const TITLE = 'List Applications';

/** The items of an inventory answer (`PxgRetVal.GNRL_EA_PARAM_1`) in their wire shape. */
export function wireInventoryItems(answer: { readonly [name: string]: WireJson }): WireJson[] {
  return wireRecords(unwrapParams(answer['PxgRetVal'] ?? null), 'GNRL_EA_PARAM_1');
}

/**
 * No host answers to a reference. Said with the likely cause besides a typo: an account without the Managed
 * devices scope finds no hosts at all (seed 001's setup guide).
 */
export function hostNotFound(reference: string): KconnectError {
  return new KconnectError(
    'NOT_FOUND',
    `No host is named "${reference}" (by id, name, FQDN or IP). If no host is found at all, the account's ` +
      'role may lack the Managed devices scope: run Test Connection',
  );
}

/** The one host a read names; several matches are a `CONFLICT` listing them (one host's data is wanted). */
export async function resolveReadHost(
  ctx: CommandContext,
  reference: string,
  field: string,
): Promise<ResolvedHost> {
  const hosts = await findHostsByReference(ctx, reference, field);
  if (hosts.length === 0) throw hostNotFound(reference);
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

const input = z.object({
  hostNames: z
    .array(inputs.host())
    .min(1)
    .max(1000)
    .optional()
    .describe(
      'Host Names (seed 001): the hosts whose installed applications to list, each by display name ' +
        '(KLHST_WKS_DN), id, FQDN or IPv4 address. Default: the applications of all hosts, each once',
    ),
});

const keyFields = z.object({
  ApplicationNames: z.array(z.string()),
  ApplicationVersions: z.array(z.string()),
  AppInstallDirectories: z.array(z.string()),
  AppUninstallStrings: z.array(z.string()),
});

interface HostInventory {
  readonly host: ResolvedHost | undefined;
  readonly wire: { readonly [name: string]: WireJson };
  readonly items: readonly KlParams[];
}

function text(record: KlParams, name: string): string {
  const value = record[name];
  return typeof value === 'string' ? value : '';
}

/** `List Applications` (seed 001): `InventoryApi.GetHostInvProducts` per host, or `GetInvProductsList`. */
export const listApplications: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'list_applications',
  title: TITLE,
  description:
    'Lists the software applications installed on the given hosts (name, version, publisher, install ' +
    'directory and date, uninstall command, MSI or not), host by host; without hosts, every application ' +
    'found on the managed hosts, each once. Hosts may be named by display name, id, FQDN or IP; a name that ' +
    'matches several hosts lists each of them. Unknown hosts are reported one by one (Partially ' +
    'Successful) while the others are still listed. Reads only.',
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
    'InventoryApi.GetHostInvProducts',
    'InventoryApi.GetInvProductsList',
  ],
  example: { hostNames: ['DC01', 'BR01-WS-0001'] },
  async run(ctx, { hostNames }) {
    const inventories: HostInventory[] = [];
    const errors: CommandErrorEntry[] = [];
    let succeeded = 0;
    if (hostNames === undefined) {
      const answer = await ctx.ksc.callWire('InventoryApi.GetInvProductsList');
      inventories.push({ host: undefined, wire: answer.wire, items: answer.reply.PxgRetVal.GNRL_EA_PARAM_1 });
      succeeded++;
    } else {
      const seen = new Set<string>();
      for (const reference of hostNames) {
        try {
          const hosts = await findHostsByReference(ctx, reference, 'hostNames');
          if (hosts.length === 0) throw hostNotFound(reference);
          for (const host of hosts) {
            if (seen.has(host.id)) continue;
            seen.add(host.id);
            const answer = await ctx.ksc.callWire('InventoryApi.GetHostInvProducts', { szwHostId: host.id });
            inventories.push({ host, wire: answer.wire, items: answer.reply.PxgRetVal.GNRL_EA_PARAM_1 });
          }
          succeeded++;
        } catch (error) {
          errors.push(errorEntry(TITLE, error, reference));
        }
      }
    }
    const results: WireJson[] = inventories.map(({ host, wire }) => ({
      ...(host === undefined ? {} : { KLHST_WKS_DN: host.displayName, KLHST_WKS_HOSTNAME: host.id }),
      PxgRetVal: wire['PxgRetVal'] ?? null,
    }));
    const context: PlainJson[] = inventories.flatMap(({ host, items }) =>
      items.map((item) => ({
        ...(toPlain(item) as Record<string, PlainJson>),
        ...(host === undefined ? {} : { KLHST_WKS_DN: host.displayName, KLHST_WKS_HOSTNAME: host.id }),
      })),
    );
    const all = inventories.flatMap((i) => i.items);
    return {
      status: statusOf(succeeded, errors.length),
      raw: { results },
      context,
      keyFields: {
        ApplicationNames: all.map((a) => text(a, 'DisplayName')),
        ApplicationVersions: all.map((a) => text(a, 'DisplayVersion')),
        AppInstallDirectories: all.map((a) => text(a, 'InstallDir')),
        AppUninstallStrings: all.map((a) => text(a, 'UninstallString')),
      },
      result: {
        title: TITLE,
        columns: ['Host Name', 'Application Count'],
        rows: inventories.map(({ host, items }) => [host?.displayName ?? 'All hosts', items.length]),
      },
      errors,
    };
  },
};
