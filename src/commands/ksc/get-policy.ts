import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { policyTable } from './shared/policies.ts';
import { toPlain } from './shared/plain.ts';
import { textAttr } from './shared/records.ts';

const input = z.object({
  policyId: z
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .describe('The policy id (Cortex XSOAR: policy_id), KLPOL_ID from List Policies'),
});

const keyFields = z.object({
  PolicyID: z.number().int(),
  PolicyName: z.string(),
  PolicyProduct: z.string(),
  PolicyVersion: z.string(),
  PolicyGroupID: z.number().int(),
  PolicyGroupName: z.string(),
  PolicyActive: z.boolean(),
});

/** `Get Policy` (Cortex XSOAR's ksc-policy-get): `Policy.GetPolicyData`. */
export const getPolicy: KscCommand<typeof input, typeof keyFields> = {
  name: 'get_policy',
  title: 'Get Policy',
  description:
    'Reads one policy by its id (from List Policies): name, product and version, the group it belongs to, ' +
    'whether it is active, enforced on subgroups or roaming, its creation and change dates and its number of ' +
    'profiles. An unknown id is a not-found error (404). Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: ['Policy.GetPolicyData'],
  },
  example: { policyId: 1 },
  async run(ctx, { policyId }) {
    const answer = await ctx.ksc.callWire('Policy.GetPolicyData', { nPolicy: policyId });
    const policy = answer.reply.PxgRetVal;
    const text = (name: string) => textAttr(policy, name);
    const id = policy['KLPOL_ID'];
    const groupId = policy['KLPOL_GROUP_ID'];
    return {
      status: 'Successful',
      raw: answer.wire,
      context: toPlain(policy),
      keyFields: {
        PolicyID: typeof id === 'number' ? id : policyId,
        PolicyName: text('KLPOL_DN'),
        PolicyProduct: text('KLPOL_PRODUCT'),
        PolicyVersion: text('KLPOL_VERSION'),
        PolicyGroupID: typeof groupId === 'number' ? groupId : -1,
        PolicyGroupName: text('KLPOL_GROUP_NAME'),
        PolicyActive: policy['KLPOL_ACTIVE'] === true,
      },
      result: policyTable('Get Policy', [policy]),
      errors: [],
    };
  },
};
