import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

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
  /** Creates a policy (`KLPOL_DN`, `KLPOL_PRODUCT`, `KLPOL_VERSION`, `KLPOL_GROUP_ID` required) and returns its id. */
  'Policy.AddPolicy': kscMethod({
    args: z.strictObject({ pPolicyData: arg.params() }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Changes a policy's attributes (name, active, roaming, inheritance switches). */
  'Policy.UpdatePolicyData': kscMethod({
    args: z.strictObject({ nPolicy: arg.int(), pPolicyData: arg.params() }),
    reply: noReply(),
  }),
  /** Deletes a policy. */
  'Policy.DeletePolicy': kscMethod({ args: z.strictObject({ nPolicy: arg.int() }), reply: noReply() }),
  /** Copies a policy into a group, or moves it (`bDeleteOrigin`); returns the new policy's id. */
  'Policy.CopyOrMovePolicy': kscMethod({
    args: z.strictObject({
      nPolicy: arg.int(),
      nNewGroupId: arg.int(),
      bDeleteOrigin: arg.bool(),
      pExtraData: arg.params().nullable().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
} as const;
