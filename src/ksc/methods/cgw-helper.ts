import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `CgwHelper`: locations of Network Agents (and secondary servers) to open a gateway connection to. */
export const cgwHelperMethods = {
  /** The location of a host's Network Agent, by host name (`KLHST_WKS_HOSTNAME`); opaque to the caller. */
  'CgwHelper.GetNagentLocation': kscMethod({
    args: z.strictObject({ wsHostName: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
} as const;
