import { z } from 'zod';
import { arg, kscMethod, noArgs, noReply, out } from './schema.ts';

/** `Policy`'s outbreak policies: which policy a server switches to on which kind of virus outbreak. */
export const policyOutbreakMethods = {
  /** `{KLPOL_POL_OUTBREAK: [{KLPOL_ID, KLPOL_OUTBREAK_MASK}, …]}`. */
  'Policy.GetOutbreakPolicies': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Replaces the outbreak policies with `pData.KLPOL_POL_OUTBREAK`. */
  'Policy.SetOutbreakPolicies': kscMethod({
    args: z.strictObject({ pData: arg.params() }),
    reply: noReply(),
  }),
} as const;
