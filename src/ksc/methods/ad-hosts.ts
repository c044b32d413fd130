import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/**
 * `AdHosts`: the Active Directory organization units the server scanned (`adhst_*` attributes) and the computers
 * found in them. The lists are ChunkAccessor result sets, their ids in `PxgRetVal`.
 */
export const adHostsMethods = {
  /** The child OUs of `idOU` (0: the roots of the hierarchy). */
  'AdHosts.GetChildOUs': kscMethod({
    args: z.strictObject({ idOU: arg.int(), pFields: arg.strings(), lMaxLifeTime: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** The computers of an OU that are in "Unassigned devices". */
  'AdHosts.GetChildComputers': kscMethod({
    args: z.strictObject({ idOU: arg.int(), vecFieldsToReturn: arg.strings(), lMaxLifeTime: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** One computer, by `adhst_id`: OU and host attributes. */
  'AdHosts.GetChildComputer': kscMethod({
    args: z.strictObject({ idAdhst: arg.int(), vecFieldsToReturn: arg.strings() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** One OU's attributes. */
  'AdHosts.GetOU': kscMethod({
    args: z.strictObject({ idOU: arg.int(), pFields: arg.strings() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Changes an OU's properties (`adhst_enable_ad_scan`). */
  'AdHosts.UpdateOU': kscMethod({
    args: z.strictObject({ idOU: arg.int(), pData: arg.params() }),
    reply: noReply(),
  }),
  /** AD groups (`adhst_adgroup_*`), a ChunkAccessor result set in `wstrIterator`; `PxgRetVal` is their count. */
  'AdHosts.FindAdGroups': kscMethod({
    args: z.strictObject({
      vecFieldsToReturn: arg.strings(),
      vecFieldsToOrder: arg.order(),
      pOptions: arg.params(),
      lMaxLifeTime: arg.int(),
    }),
    reply: z.looseObject({ PxgRetVal: out.int(), wstrIterator: out.string() }),
  }),
  /** Adds an OU by its object GUID under the OU `strParentGUID` (empty: a root of the hierarchy). */
  'AdHosts.AddOU': kscMethod({
    args: z.strictObject({ strObjectGUID: arg.string(), strParentGUID: arg.string() }),
    reply: noReply(),
  }),
  /** Removes an OU, by its object GUID, with its subunits. */
  'AdHosts.RemoveOU': kscMethod({
    args: z.strictObject({ strObjectGUID: arg.string() }),
    reply: noReply(),
  }),
} as const;
