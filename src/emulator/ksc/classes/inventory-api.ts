import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import { hostApplicationRecord, installedApplications } from '../inventory/applications.ts';
import { requireHost } from '../inventory/host-access.ts';
import { installedPatches, patchRecord } from '../inventory/patches.ts';
import { serverApplications, serverPatches } from '../inventory/server-lists.ts';
import { defineClass } from '../method.ts';

// Seed 001: List Applications needs Basic functionality: Read.
const READ = [need('basic', 'read')];

/**
 * `InventoryApi`: installed applications and patches (spec §9, §9.1); lists sit in `PxgRetVal.GNRL_EA_PARAM_1`.
 * `pParams` is reserved: accepted and ignored, as clients send `{}`, `null` or nothing (XSOAR, go-ksc).
 */
export const inventoryApiClass = defineClass('InventoryApi', {
  GetHostInvProducts: {
    rights: READ,
    handler: (ctx, { szwHostId }) => {
      const host = requireHost(ctx, szwHostId);
      const items = installedApplications(ctx.world.seedValue, host).map(hostApplicationRecord);
      return { PxgRetVal: { GNRL_EA_PARAM_1: items } };
    },
  },

  GetHostInvPatches: {
    rights: READ,
    handler: (ctx, { szwHostId }) => {
      const host = requireHost(ctx, szwHostId);
      const items = installedPatches(ctx.world.seedValue, host).map((p) => patchRecord(p, true));
      return { PxgRetVal: { GNRL_EA_PARAM_1: items } };
    },
  },

  GetInvProductsList: {
    rights: READ,
    handler: (ctx) => ({
      PxgRetVal: {
        GNRL_EA_PARAM_1: canSeeDevices(ctx) ? [...serverApplications(ctx.world, ctx.vserverId)] : [],
      },
    }),
  },

  GetInvPatchesList: {
    rights: READ,
    handler: (ctx) => ({
      PxgRetVal: {
        GNRL_EA_PARAM_1: canSeeDevices(ctx) ? [...serverPatches(ctx.world, ctx.vserverId)] : [],
      },
    }),
  },
});
