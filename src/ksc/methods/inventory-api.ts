import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `pParams` is reserved: clients send `{}`, null or nothing. */
const reserved = () => arg.params().nullable().optional();

/** `InventoryApi`: installed applications and patches; each list sits in `PxgRetVal.GNRL_EA_PARAM_1`. */
export const inventoryApiMethods = {
  /** Lists the applications installed on one host. */
  'InventoryApi.GetHostInvProducts': kscMethod({
    args: z.strictObject({ szwHostId: arg.string(), pParams: reserved() }),
    reply: z.looseObject({ PxgRetVal: out.inventoryList() }),
  }),
  /** Lists the patches installed on one host. */
  'InventoryApi.GetHostInvPatches': kscMethod({
    args: z.strictObject({ szwHostId: arg.string(), pParams: reserved() }),
    reply: z.looseObject({ PxgRetVal: out.inventoryList() }),
  }),
  /** Lists the applications installed on the hosts of the server, each once. */
  'InventoryApi.GetInvProductsList': kscMethod({
    args: z.strictObject({ pParams: reserved() }),
    reply: z.looseObject({ PxgRetVal: out.inventoryList() }),
  }),
  /** Lists the patches installed on the hosts of the server, each once. */
  'InventoryApi.GetInvPatchesList': kscMethod({
    args: z.strictObject({ pParams: reserved() }),
    reply: z.looseObject({ PxgRetVal: out.inventoryList() }),
  }),
} as const;
