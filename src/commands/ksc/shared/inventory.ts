import type { KscContext } from './vendor.ts';
import { z } from 'zod';
import type { WireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { resolveReadHost, type ResolvedHost } from './hosts.ts';
import { inputs } from './inputs.ts';
import { plainRecord, unwrapParams, wireRecords } from './plain.ts';
import { textAttr } from './records.ts';
import type { CommandResult, PlainJson, ResultTable } from '../../core/types.ts';

/** The `InventoryApi` lists, each of one host or of the whole server (every item once). */
const INVENTORIES = {
  applications: { host: 'InventoryApi.GetHostInvProducts', server: 'InventoryApi.GetInvProductsList' },
  patches: { host: 'InventoryApi.GetHostInvPatches', server: 'InventoryApi.GetInvPatchesList' },
} as const;

export type Inventory = keyof typeof INVENTORIES;

/** An inventory answer as KSC sent it, beside its items decoded. */
export interface InventoryAnswer {
  readonly wire: { readonly [name: string]: WireJson };
  readonly items: readonly KlParams[];
}

/** A host's inventory list, or the server's when no host is given. */
export async function readInventoryAnswer(
  ctx: KscContext,
  inventory: Inventory,
  hostId?: string,
): Promise<InventoryAnswer> {
  const methods = INVENTORIES[inventory];
  const answer =
    hostId === undefined
      ? await ctx.ksc.callWire(methods.server)
      : await ctx.ksc.callWire(methods.host, { szwHostId: hostId });
  return { wire: answer.wire, items: answer.reply.PxgRetVal.GNRL_EA_PARAM_1 };
}

/** The items of an inventory answer (`PxgRetVal.GNRL_EA_PARAM_1`) in their wire shape. */
function wireInventoryItems(answer: { readonly [name: string]: WireJson }): WireJson[] {
  return wireRecords(unwrapParams(answer['PxgRetVal'] ?? null), 'GNRL_EA_PARAM_1');
}

/** The host an inventory was read from, as the results name it beside each item (seed 001's List Applications). */
export function hostAttributes(host: ResolvedHost | undefined): { readonly [key: string]: string } {
  return host === undefined ? {} : { KLHST_WKS_DN: host.displayName, KLHST_WKS_HOSTNAME: host.id };
}

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

/**
 * Reads a host's list (after resolving the host: one host, or a not-found / conflict error) or the server's,
 * keeps the items whose `DisplayName` contains `nameContains`, and cuts to `limit`. `raw` is the answer in its
 * wire shape holding the same items, with the host's `KLHST_WKS_DN` / `KLHST_WKS_HOSTNAME` as List
 * Applications adds them.
 */
export async function readInventory(
  ctx: KscContext,
  { host: reference, nameContains, limit }: InventoryInput,
  inventory: Inventory,
): Promise<InventoryListing> {
  const host =
    reference === undefined ? undefined : await resolveReadHost(ctx, reference, 'host', { scopeHint: true });
  const answer = await readInventoryAnswer(ctx, inventory, host?.id);
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
      ...hostAttributes(host),
      PxgRetVal: { GNRL_EA_PARAM_1: shown.map((i) => wireItems[i] ?? null) },
    },
    total: kept.length,
  };
}

/** A string attribute of every item ('' where an item lacks it, so the arrays stay aligned). */
export function column(items: readonly KlParams[], name: string): string[] {
  return items.map((item) => textAttr(item, name));
}

/**
 * The result of a listing: the items as plain JSON with the host they were read from, and a table of the
 * given attributes under the given titles.
 */
export function inventoryResult<KeyFields extends Record<string, PlainJson>>(
  title: string,
  listing: InventoryListing,
  keyFields: KeyFields,
  columns: Readonly<Record<string, string>>,
): CommandResult<KeyFields> {
  const names = Object.values(columns);
  const table: ResultTable = {
    title,
    columns: Object.keys(columns),
    rows: listing.items.map((item) => names.map((n) => textAttr(item, n))),
  };
  return {
    status: 'Successful',
    raw: listing.raw,
    context: listing.items.map((item) => ({ ...plainRecord(item), ...hostAttributes(listing.host) })),
    keyFields,
    result: table,
    errors: [],
  };
}
