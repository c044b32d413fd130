import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `ServerHierarchy`: registering, changing, removing and searching secondary Administration Servers. */
export const serverHierarchyChangeMethods = {
  /**
   * Registers a secondary server in an administration group and returns its id. `wstrNetAddress`
   * (`http://host:13000`) only for a passive secondary; empty for one that connects itself.
   */
  'ServerHierarchy.RegisterServer': kscMethod({
    args: z.strictObject({
      wstrDisplName: arg.string(),
      nGroupId: arg.int(),
      // Method-level binary travels as base64 without a type word (spec §2.1); the typed client sends bytes.
      pCertificate: z.union([arg.binary(), z.base64()]),
      wstrNetAddress: arg.string().optional(),
      pAdditionalInfo: arg.params().nullable().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Removes a secondary server from the hierarchy. */
  'ServerHierarchy.DelServer': kscMethod({
    args: z.strictObject({ lServer: arg.int() }),
    reply: noReply(),
  }),
  /** Changes a secondary server's attributes on this (the primary) server: `KLSRVH_SRV_DN`, `…_ADDR`, `…_GROUPID`. */
  'ServerHierarchy.UpdateServer': kscMethod({
    args: z.strictObject({ lServer: arg.int(), pInfo: arg.params() }),
    reply: noReply(),
  }),
  /** Opens a ChunkAccessor over the secondary servers that match a filter; returns their count. */
  'ServerHierarchy.FindSlaveServers': kscMethod({
    args: z.strictObject({
      wstrFilter: arg.optionalText(),
      pFieldsToReturn: arg.strings(),
      pFieldsToOrder: arg.order().optional(),
      pParams: arg.params().nullable().optional(),
      lMaxLifeTime: arg.int().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.int(), wstrIterator: out.string() }),
  }),
} as const;
