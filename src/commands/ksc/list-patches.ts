import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { HOST_LOOKUP_METHODS } from './shared/hosts.ts';
import { column, inventoryInput, inventoryResult, readInventory } from './shared/inventory.ts';

const input = inventoryInput('patches');

const keyFields = z.object({
  PatchIDs: z.array(z.string()),
  DisplayNames: z.array(z.string()),
  Classifications: z.array(z.string()),
  Publishers: z.array(z.string()),
  TotalCount: z.number().int(),
});

/** `List Patches` (Cortex XSOAR's ksc-software-patches-list and ksc-host-software-patches-list). */
export const listPatches: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_patches',
  title: 'List Patches',
  description:
    'Lists installed patches and updates (Windows updates such as KB5034441, and application patches whose ' +
    'ParentID is the patched application’s ProductID): of one host (named by id, display name, FQDN or IP; a ' +
    'name matching several hosts is refused with the matches listed), or by default of the whole server, each ' +
    'patch once. Optionally only names containing a text, e.g. "KB5034441" to see whether an update is in ' +
    'place. Linux hosts have none. Returns at most `limit` items and the number that matched. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...HOST_LOOKUP_METHODS, 'InventoryApi.GetHostInvPatches', 'InventoryApi.GetInvPatchesList'],
  },
  hints: { targetFields: ['host'] },
  example: { nameContains: 'Security Update', limit: 20 },
  async run(ctx, args) {
    const listing = await readInventory(ctx, args, 'patches');
    const items = listing.items;
    return inventoryResult(
      'List Patches',
      listing,
      {
        PatchIDs: column(items, 'PatchID'),
        DisplayNames: column(items, 'DisplayName'),
        Classifications: column(items, 'Classification'),
        Publishers: column(items, 'Publisher'),
        TotalCount: listing.total,
      },
      {
        Name: 'DisplayName',
        'Patch ID': 'PatchID',
        Classification: 'Classification',
        Publisher: 'Publisher',
      },
    );
  },
};
