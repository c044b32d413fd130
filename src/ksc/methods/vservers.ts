import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

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
  /**
   * Creates a virtual server in an administration group of the main server; returns its `KLVSRV_ID` and its
   * `KLVSRV_DN` (a name another virtual server has gets a number added).
   */
  'VServers.AddVServerInfo': kscMethod({
    args: z.strictObject({ strDisplayName: arg.string(), lParentGroup: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Changes the attributes of a virtual server that are not read-only (`KLVSRV_DN`, `KLVSRV_ENABLED`, …). */
  'VServers.UpdateVServerInfo': kscMethod({
    args: z.strictObject({ lVServer: arg.int(), pInfo: arg.params() }),
    reply: noReply(),
  }),
  /** Removes a virtual server; an asynchronous action (`AsyncActionStateChecker.CheckActionState`). */
  'VServers.DelVServer': kscMethod({
    args: z.strictObject({ lVServer: arg.int() }),
    reply: z.looseObject({ strActionGuid: out.string() }),
  }),
  /** Moves a virtual server to another administration group; an asynchronous action. */
  'VServers.MoveVServer': kscMethod({
    args: z.strictObject({ lVServer: arg.int(), lNewParentGroup: arg.int() }),
    reply: z.looseObject({ strActionGuid: out.string() }),
  }),
  /** The access list of a virtual server (the reference's Permissions structure, `KLSPL_*` / `KLSPLU_*`). */
  'VServers.GetPermissions': kscMethod({
    args: z.strictObject({ lVServer: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /**
   * Replaces the access list of a virtual server. With `bProtection` the server refuses a list that would shut
   * the caller out of the virtual server.
   */
  'VServers.SetPermissions': kscMethod({
    args: z.strictObject({
      lVServer: arg.int(),
      pPermissions: arg.params(),
      bProtection: arg.bool().optional(),
    }),
    reply: noReply(),
  }),
  /** Recalls the Network Agent certificate of a virtual server and closes its agents' connections. */
  'VServers.RecallCertAndCloseConnections': kscMethod({
    args: z.strictObject({ lVServer: arg.int() }),
    reply: noReply(),
  }),
} as const;
