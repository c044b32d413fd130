import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

/** `Policy`: policies of administration groups. */
export const policyMethods = {
  /** Lists the policies of a group (`KLPOL_ID`, `KLPOL_DN`, `KLPOL_PRODUCT`, …), inherited ones too. */
  'Policy.GetPoliciesForGroup': kscMethod({
    args: z.strictObject({ nGroupId: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** Reads the attributes of one policy. */
  'Policy.GetPolicyData': kscMethod({
    args: z.strictObject({ nPolicy: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
} as const;
