import { z } from 'zod';
import { arg } from '../args.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import { hostApplicationRecord, installedApplications } from '../inventory/applications.ts';
import { requireHost } from '../inventory/host-access.ts';
import { installedPatches, patchRecord } from '../inventory/patches.ts';
import { serverApplications, serverPatches } from '../inventory/server-lists.ts';
import { defineClass, method } from '../method.ts';

// Seed 001: List Applications needs Basic functionality: Read.
const READ = [need('basic', 'read')];

/** `pParams` is reserved: accepted and ignored, as clients send `{}`, `null` or nothing (XSOAR, go-ksc). */
const listArgs = z.object({ pParams: arg.params().nullable() });
const hostArgs = z.object({ szwHostId: arg.string(), pParams: arg.params().nullable() });

/** `InventoryApi`: installed applications and patches (spec §9, §9.1); lists sit in `PxgRetVal.GNRL_EA_PARAM_1`. */
export const inventoryApiClass = defineClass('InventoryApi', {
  GetHostInvProducts: method({
    args: hostArgs,
    rights: READ,
    handler: (ctx, { szwHostId }) => {
      const host = requireHost(ctx, szwHostId);
      const items = installedApplications(ctx.world.seedValue, host).map(hostApplicationRecord);
      return { PxgRetVal: { GNRL_EA_PARAM_1: items } };
    },
  }),

  GetHostInvPatches: method({
    args: hostArgs,
    rights: READ,
    handler: (ctx, { szwHostId }) => {
      const host = requireHost(ctx, szwHostId);
      const items = installedPatches(ctx.world.seedValue, host).map((p) => patchRecord(p, true));
      return { PxgRetVal: { GNRL_EA_PARAM_1: items } };
    },
  }),

  GetInvProductsList: method({
    args: listArgs,
    rights: READ,
    handler: (ctx) => ({
      PxgRetVal: {
        GNRL_EA_PARAM_1: canSeeDevices(ctx) ? [...serverApplications(ctx.world, ctx.vserverId)] : [],
      },
    }),
  }),

  GetInvPatchesList: method({
    args: listArgs,
    rights: READ,
    handler: (ctx) => ({
      PxgRetVal: {
        GNRL_EA_PARAM_1: canSeeDevices(ctx) ? [...serverPatches(ctx.world, ctx.vserverId)] : [],
      },
    }),
  }),
});
