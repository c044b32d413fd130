import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS } from './shared/hosts.ts';
import { column, inventoryInput, inventoryResult, readInventory } from './shared/inventory.ts';

const input = inventoryInput('applications');

const keyFields = z.object({
  ProductIDs: z.array(z.string()),
  DisplayNames: z.array(z.string()),
  DisplayVersions: z.array(z.string()),
  Publishers: z.array(z.string()),
  TotalCount: z.number().int(),
});

/** `List Software` (Cortex XSOAR's ksc-software-applications-list and ksc-host-software-applications-list). */
export const listSoftware: KscCommand<typeof input, typeof keyFields> = {
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
  hints: { targetFields: ['host'] },
  example: { nameContains: 'Kaspersky', limit: 20 },
  async run(ctx, args) {
    const listing = await readInventory(ctx, args, 'applications');
    const items = listing.items;
    return inventoryResult(
      'List Software',
      listing,
      {
        ProductIDs: column(items, 'ProductID'),
        DisplayNames: column(items, 'DisplayName'),
        DisplayVersions: column(items, 'DisplayVersion'),
        Publishers: column(items, 'Publisher'),
        TotalCount: listing.total,
      },
      { Name: 'DisplayName', Version: 'DisplayVersion', Publisher: 'Publisher', 'Product ID': 'ProductID' },
    );
  },
};
