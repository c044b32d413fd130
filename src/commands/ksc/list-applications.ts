import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../wire/json.ts';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import {
  findHostsByReference,
  HOST_LOOKUP_METHODS,
  hostNotFound,
  type ResolvedHost,
} from './shared/hosts.ts';
import { inputs } from './shared/inputs.ts';
import { column, hostAttributes, readInventoryAnswer, type InventoryAnswer } from './shared/inventory.ts';
import { plainRecord } from './shared/plain.ts';
import { errorEntry, statusOf } from '../core/result.ts';
import type { CommandErrorEntry, PlainJson } from '../core/types.ts';

const TITLE = 'List Applications';

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

interface HostInventory extends InventoryAnswer {
  readonly host: ResolvedHost | undefined;
}

/** `List Applications` (seed 001): `InventoryApi.GetHostInvProducts` per host, or `GetInvProductsList`. */
export const listApplications: KscCommand<typeof input, typeof keyFields> = {
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
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [
      ...HOST_LOOKUP_METHODS,
      'InventoryApi.GetHostInvProducts',
      'InventoryApi.GetInvProductsList',
    ],
  },
  hints: { cliAliases: { hostNames: 'host' }, targetFields: ['hostNames'] },
  example: { hostNames: ['DC01', 'BR01-WS-0001'] },
  async run(ctx, { hostNames }) {
    const inventories: HostInventory[] = [];
    const errors: CommandErrorEntry[] = [];
    let succeeded = 0;
    if (hostNames === undefined) {
      inventories.push({ host: undefined, ...(await readInventoryAnswer(ctx, 'applications')) });
      succeeded++;
    } else {
      const seen = new Set<string>();
      for (const reference of hostNames) {
        try {
          const hosts = await findHostsByReference(ctx, reference, 'hostNames');
          if (hosts.length === 0) throw hostNotFound(reference, { scopeHint: true });
          for (const host of hosts) {
            if (seen.has(host.id)) continue;
            seen.add(host.id);
            inventories.push({ host, ...(await readInventoryAnswer(ctx, 'applications', host.id)) });
          }
          succeeded++;
        } catch (error) {
          errors.push(errorEntry(TITLE, error, reference));
        }
      }
    }
    const results: WireJson[] = inventories.map(({ host, wire }) => ({
      ...hostAttributes(host),
      PxgRetVal: wire['PxgRetVal'] ?? null,
    }));
    const context: PlainJson[] = inventories.flatMap(({ host, items }) =>
      items.map((item) => ({ ...plainRecord(item), ...hostAttributes(host) })),
    );
    const all = inventories.flatMap((i) => i.items);
    return {
      status: statusOf(succeeded, errors.length),
      raw: { results },
      context,
      keyFields: {
        ApplicationNames: column(all, 'DisplayName'),
        ApplicationVersions: column(all, 'DisplayVersion'),
        AppInstallDirectories: column(all, 'InstallDir'),
        AppUninstallStrings: column(all, 'UninstallString'),
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
