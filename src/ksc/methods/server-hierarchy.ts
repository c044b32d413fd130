import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `ServerHierarchy`: the secondary Administration Servers registered under this one. */
export const serverHierarchyMethods = {
  /** The secondary servers of an administration group, or of every group with `nGroupId` -1. */
  'ServerHierarchy.GetChildServers': kscMethod({
    args: z.strictObject({ nGroupId: arg.int().optional() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** The requested attributes (`KLSRVH_SRV_*`) of one secondary server. */
  'ServerHierarchy.GetServerInfo': kscMethod({
    args: z.strictObject({ lServer: arg.int(), pFields: arg.strings().optional() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
} as const;
