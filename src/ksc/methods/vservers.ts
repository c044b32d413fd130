import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `VServers`: the virtual Administration Servers of this server. */
export const vserversMethods = {
  /** The virtual servers of an administration group, or of every group with `lParentGroup` -1. */
  'VServers.GetVServers': kscMethod({
    args: z.strictObject({ lParentGroup: arg.int().optional() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** The requested attributes (`KLVSRV_*`) of one virtual server. */
  'VServers.GetVServerInfo': kscMethod({
    args: z.strictObject({ lVServer: arg.int(), pFields2Return: arg.strings().optional() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
} as const;
