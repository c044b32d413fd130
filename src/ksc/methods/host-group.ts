import { z } from 'zod';
import { arg, kscMethod, noArgs, noReply, out } from './schema.ts';

/** The arguments `FindHosts` and `FindGroups` share. */
const find = {
  wstrFilter: arg.string().optional(),
  vecFieldsToReturn: arg.strings().optional(),
  vecFieldsToOrder: arg.order().optional(),
  /** `KLGRP_FIND_FROM_CUR_VS_ONLY`, `KLSRVH_SLAVE_REC_DEPTH`. */
  pParams: arg.params().optional(),
  /** Seconds the result set lives between reads (at most 7200). */
  lMaxLifeTime: arg.int().optional(),
};

/** `PxgRetVal` is the number of records found; they are read with `ChunkAccessor`. */
const accessor = () => z.looseObject({ strAccessor: out.string(), PxgRetVal: out.int() });

/** Where a host settings section lives: host, storage (`SS_SETTINGS`, `SS_PRODINFO`), product, version. */
const section = {
  strHostName: arg.string(),
  strType: arg.string(),
  strProduct: arg.string(),
  strVersion: arg.string(),
  strSection: arg.string(),
};

/** `HostGroup`: hosts, administration groups and the host settings storage. */
export const hostGroupMethods = {
  /** Searches the hosts of the server with a search filter; the result set is read with ChunkAccessor. */
  'HostGroup.FindHosts': kscMethod({ args: z.strictObject(find), reply: accessor() }),
  /** Searches administration groups with a search filter; the result set is read with ChunkAccessor. */
  'HostGroup.FindGroups': kscMethod({ args: z.strictObject(find), reply: accessor() }),
  /** Searches the users known to the server; the result set is read with ChunkAccessor. */
  'HostGroup.FindUsers': kscMethod({
    args: z.strictObject({
      strFilter: arg.string().optional(),
      pFieldsToReturn: arg.strings().optional(),
      pFieldsToOrder: arg.order().optional(),
      lMaxLifeTime: arg.int().optional(),
    }),
    reply: accessor(),
  }),
  /** Reads the requested attributes of one host, named by its id (`KLHST_WKS_HOSTNAME`). */
  'HostGroup.GetHostInfo': kscMethod({
    args: z.strictObject({ strHostName: arg.string(), pFields2Return: arg.strings().optional() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Lists the Kaspersky products installed on a host: product name, then version, then product data. */
  'HostGroup.GetHostProducts': kscMethod({
    args: z.strictObject({ strHostName: arg.string() }),
    reply: z.looseObject({ PxgRetVal: z.record(z.string(), z.record(z.string(), out.params())) }),
  }),
  /** Lists the hosts of a Windows domain. */
  'HostGroup.GetDomainHosts': kscMethod({
    args: z.strictObject({ domain: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** Reads facts about the Administration Server (`KLADMSRV_*`); all of them when `pValues` is empty. */
  'HostGroup.GetStaticInfo': kscMethod({
    args: z.strictObject({ pValues: arg.strings().optional() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /**
   * Server statistics (`KLSRV_ST_*`) named in `vecFilterFields`: the server's and its Network Agent's process ids,
   * the virtual servers, their hosts and licenses (`KLSRV_ST_VIRT_SERVERS_DETAILS`).
   */
  'HostGroup.GetInstanceStatistics': kscMethod({
    args: z.strictObject({ vecFilterFields: arg.strings().optional() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Returns the id of the root group, "Managed devices". */
  'HostGroup.GroupIdGroups': kscMethod({ args: noArgs(), reply: z.looseObject({ PxgRetVal: out.int() }) }),
  /** Returns the id of the "Unassigned devices" group. */
  'HostGroup.GroupIdUnassigned': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Returns the id of the "super" group that stands for the Administration Server itself. */
  'HostGroup.GroupIdSuper': kscMethod({ args: noArgs(), reply: z.looseObject({ PxgRetVal: out.int() }) }),
  /** Reads the attributes of an administration group. */
  'HostGroup.GetGroupInfo': kscMethod({
    args: z.strictObject({ nGroupId: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Reads the requested attributes (at most 100) of an administration group. */
  'HostGroup.GetGroupInfoEx': kscMethod({
    args: z.strictObject({ nGroupId: arg.int(), pArrAttributes: arg.strings().optional() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Creates an administration group, or returns the id of the parent's existing group of that name. */
  'HostGroup.AddGroup': kscMethod({
    args: z.strictObject({ pInfo: z.strictObject({ name: z.string().min(1), parentId: arg.int() }) }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Starts removing a group; `nFlags` 1: only if empty, 2: with subgroups, 3: with subgroups and hosts. */
  'HostGroup.RemoveGroup': kscMethod({
    args: z.strictObject({ nGroup: arg.int(), nFlags: arg.int().optional() }),
    reply: z.looseObject({ strActionGuid: out.string() }),
  }),
  /** Changes a host's writable attributes (`KLHST_WKS_DN`, `KLHST_WKS_COMMENT`, …). */
  'HostGroup.UpdateHost': kscMethod({
    args: z.strictObject({ strHostName: arg.string(), pInfo: arg.params() }),
    reply: noReply(),
  }),
  /** Starts resetting the virus counters of every host of a group and its subgroups. */
  'HostGroup.ZeroVirusCountForGroup': kscMethod({
    args: z.strictObject({ nParent: arg.int() }),
    reply: z.looseObject({ strActionGuid: out.string() }),
  }),
  /** Starts resetting the virus counters of hosts named by their ids. */
  'HostGroup.ZeroVirusCountForHosts': kscMethod({
    args: z.strictObject({ pHostNames: arg.strings().min(1) }),
    reply: z.looseObject({ strActionGuid: out.string() }),
  }),
  /** Moves hosts, named by their ids, into an administration group. */
  'HostGroup.MoveHostsToGroup': kscMethod({
    args: z.strictObject({ nGroup: arg.int(), pHostNames: arg.strings().min(1) }),
    reply: noReply(),
  }),
  /** Opens the server object of a host's local tasks (`strSrvObjId` of the `HostTasks` methods). */
  'HostGroup.GetHostTasks': kscMethod({
    args: z.strictObject({ strHostName: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** Lists one level of a host's settings storage: its products, a product's versions, or sections. */
  'HostGroup.SS_GetNames': kscMethod({
    args: z.strictObject({
      strHostName: arg.string(),
      strType: arg.string(),
      strProduct: arg.string().optional(),
      strVersion: arg.string().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.strings() }),
  }),
  /** Reads a section of a host's settings storage. */
  'HostGroup.SS_Read': kscMethod({
    args: z.strictObject(section),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Writes a host settings section; `nOption` 1 update, 2 add, 3 replace, 4 delete, 7 clear. */
  'HostGroup.SS_Write': kscMethod({
    args: z.strictObject({ ...section, nOption: arg.int(), pSettings: arg.params().optional() }),
    reply: noReply(),
  }),
  /** Creates an empty section in a host's settings storage. */
  'HostGroup.SS_CreateSection': kscMethod({ args: z.strictObject(section), reply: noReply() }),
  /** Deletes a section from a host's settings storage. */
  'HostGroup.SS_DeleteSection': kscMethod({ args: z.strictObject(section), reply: noReply() }),
} as const;
