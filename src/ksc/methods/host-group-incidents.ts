import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/**
 * `HostGroup` methods beyond hosts and groups: the subgroup tree and host incidents (KSC Open API reference,
 * `HostGroup::GetSubgroups`, `AddIncident`, `UpdateIncident`, `DeleteIncident`, `FindIncidents`).
 */
export const hostGroupIncidentMethods = {
  /** The subgroup tree under a group: `{id, name, groups}` containers, `nDepth` levels deep (0: all). */
  'HostGroup.GetSubgroups': kscMethod({
    args: z.strictObject({ nGroupId: arg.int().optional(), nDepth: arg.int().optional() }),
    reply: z.looseObject({ PxgRetVal: out.records().nullable() }),
  }),
  /** Creates an incident on a host (`KLINCDT_SEVERITY`, `KLINCDT_ADDED`, `KLINCDT_BODY`, `KLHST_WKS_HOSTNAME`). */
  'HostGroup.AddIncident': kscMethod({
    args: z.strictObject({ pData: arg.params() }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Changes an incident's body, severity, creation time or handled flag. */
  'HostGroup.UpdateIncident': kscMethod({
    args: z.strictObject({ nId: arg.int(), pData: arg.params() }),
    reply: noReply(),
  }),
  /** Deletes an incident. */
  'HostGroup.DeleteIncident': kscMethod({
    args: z.strictObject({ nId: arg.int() }),
    reply: noReply(),
  }),
  /** Searches incidents with a search filter; the result set is read with ChunkAccessor. */
  'HostGroup.FindIncidents': kscMethod({
    args: z.strictObject({
      strFilter: arg.string().optional(),
      pFieldsToReturn: arg.strings().optional(),
      pFieldsToOrder: arg.order().optional(),
      lMaxLifeTime: arg.int().optional(),
    }),
    reply: z.looseObject({ strAccessor: out.string(), PxgRetVal: out.int() }),
  }),
} as const;
