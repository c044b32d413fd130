import { z } from 'zod';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import type { ResolvedHost } from './hosts.ts';
import { inputs } from './inputs.ts';
import { resolveReadHost, wireInventoryItems } from './list-applications.ts';
import { toPlain } from './plain.ts';
import type { CommandContext, CommandDefinition, PlainJson, ResultTable } from './types.ts';

/** What List Software and List Patches take. */
export const inventoryInput = (what: string) =>
  z.object({
    host: inputs
      .host()
      .optional()
      .describe(
        `The host whose ${what} to list (Cortex XSOAR: hostname), by id (KLHST_WKS_HOSTNAME), display name, ` +
          `FQDN or IPv4 address. Default: the ${what} of all managed hosts, each once`,
      ),
    nameContains: z
      .string()
      .trim()
      .min(1)
      .max(256)
      .optional()
      .describe(`Only ${what} whose DisplayName contains this text (case-insensitive)`),
    limit: inputs.limit(1000, 100_000),
  });

export type InventoryInput = z.output<ReturnType<typeof inventoryInput>>;

/** One inventory list read from KSC, filtered and cut to the limit, with its wire items alongside. */
export interface InventoryListing {
  readonly host: ResolvedHost | undefined;
  readonly items: readonly KlParams[];
  readonly raw: WireJson;
  /** How many items matched before `limit` cut them. */
  readonly total: number;
}

type Answer = { readonly wire: { readonly [name: string]: WireJson }; readonly items: readonly KlParams[] };

/**
 * Reads a host's list (after resolving the host: one host, or a not-found / conflict error) or the server's,
 * keeps the items whose `DisplayName` contains `nameContains`, and cuts to `limit`. `raw` is the answer in its
 * wire shape holding the same items, with the host's `KLHST_WKS_DN` / `KLHST_WKS_HOSTNAME` as List
 * Applications adds them.
 */
export async function readInventory(
  ctx: CommandContext,
  { host: reference, nameContains, limit }: InventoryInput,
  read: { readonly host: (id: string) => Promise<Answer>; readonly server: () => Promise<Answer> },
): Promise<InventoryListing> {
  const host = reference === undefined ? undefined : await resolveReadHost(ctx, reference, 'host');
  const answer = host === undefined ? await read.server() : await read.host(host.id);
  const wireItems = wireInventoryItems(answer.wire);
  const wanted = nameContains?.toLowerCase();
  const kept: number[] = [];
  answer.items.forEach((item, index) => {
    const name = item['DisplayName'];
    if (wanted === undefined || (typeof name === 'string' && name.toLowerCase().includes(wanted)))
      kept.push(index);
  });
  const shown = kept.slice(0, limit);
  return {
    host,
    items: shown.map((i) => answer.items[i]!),
    raw: {
      ...(host === undefined ? {} : { KLHST_WKS_DN: host.displayName, KLHST_WKS_HOSTNAME: host.id }),
      PxgRetVal: { GNRL_EA_PARAM_1: shown.map((i) => wireItems[i] ?? null) },
    },
    total: kept.length,
  };
}

/** The items as plain JSON, with the host they were read from. */
export function inventoryContext(listing: InventoryListing): PlainJson[] {
  const host = listing.host;
  return listing.items.map((item) => ({
    ...(toPlain(item) as Record<string, PlainJson>),
    ...(host === undefined ? {} : { KLHST_WKS_DN: host.displayName, KLHST_WKS_HOSTNAME: host.id }),
  }));
}

/** A string attribute of every item ('' where an item lacks it, so the arrays stay aligned). */
export function column(items: readonly KlParams[], name: string): string[] {
  return items.map((item) => {
    const value = item[name];
    return typeof value === 'string' ? value : '';
  });
}

/** A table of the items with the given attributes under the given titles. */
export function inventoryTable(
  title: string,
  items: readonly KlParams[],
  columns: Readonly<Record<string, string>>,
): ResultTable {
  const names = Object.values(columns);
  return {
    title,
    columns: Object.keys(columns),
    rows: items.map((item) => names.map((n) => column([item], n)[0]!)),
  };
}

const input = inventoryInput('applications');

const keyFields = z.object({
  ProductIDs: z.array(z.string()),
  DisplayNames: z.array(z.string()),
  DisplayVersions: z.array(z.string()),
  Publishers: z.array(z.string()),
  TotalCount: z.number().int(),
});

/** `List Software` (Cortex XSOAR's ksc-software-applications-list and ksc-host-software-applications-list). */
export const listSoftware: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'list_software',
  title: 'List Software',
  description:
    'Lists installed software: of one host (named by id, display name, FQDN or IP; a name matching several ' +
    'hosts is refused with the matches listed), or by default of the whole server, each application once ' +
    '(its ProductID is the same on every host). Optionally only names containing a text, e.g. "chrome" to ' +
    'see which version is deployed. Returns name, version, publisher, product id and install details, at ' +
    'most `limit` items and the number that matched. Reads only. List Applications does the same for ' +
    'several hosts at once in seed 001’s shape.',
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
  example: { nameContains: 'Kaspersky', limit: 20 },
  async run(ctx, args) {
    const listing = await readInventory(ctx, args, {
      host: async (szwHostId) => {
        const answer = await ctx.ksc.callWire('InventoryApi.GetHostInvProducts', { szwHostId });
        return { wire: answer.wire, items: answer.reply.PxgRetVal.GNRL_EA_PARAM_1 };
      },
      server: async () => {
        const answer = await ctx.ksc.callWire('InventoryApi.GetInvProductsList');
        return { wire: answer.wire, items: answer.reply.PxgRetVal.GNRL_EA_PARAM_1 };
      },
    });
    const items = listing.items;
    return {
      status: 'Successful',
      raw: listing.raw,
      context: inventoryContext(listing),
      keyFields: {
        ProductIDs: column(items, 'ProductID'),
        DisplayNames: column(items, 'DisplayName'),
        DisplayVersions: column(items, 'DisplayVersion'),
        Publishers: column(items, 'Publisher'),
        TotalCount: listing.total,
      },
      result: inventoryTable('List Software', items, {
        Name: 'DisplayName',
        Version: 'DisplayVersion',
        Publisher: 'Publisher',
        'Product ID': 'ProductID',
      }),
      errors: [],
    };
  },
};
