import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { GROUP_LOOKUP_METHODS, groupReference, resolveGroup, type ResolvedGroup } from './shared/groups.ts';
import { toPlain } from './shared/plain.ts';
import { policyTable } from './shared/policies.ts';

const input = z.object({
  group: groupReference()
    .optional()
    .describe(
      'The group whose policies to list (Cortex XSOAR: group_id): its id, name or full path; its own ' +
        'policies and those it inherits. Default: every policy of the server',
    ),
});

const keyFields = z.object({
  PolicyIDs: z.array(z.number()),
  PolicyNames: z.array(z.string()),
  PolicyProducts: z.array(z.string()),
  PolicyVersions: z.array(z.string()),
  PolicyGroupIDs: z.array(z.number()),
  PolicyActive: z.array(z.boolean()),
  PolicyInherited: z.array(z.boolean()),
  TotalPolicyCount: z.number().int(),
});

/** `List Policies` (Cortex XSOAR's ksc-policies-list): `Policy.GetPoliciesForGroup`, -1 for all. */
export const listPolicies: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_policies',
  title: 'List Policies',
  description:
    'Lists policies: of one administration group (its own and, marked inherited, those it takes from its ' +
    'parents, each with the id and group of the policy it comes from) or, by default, every policy of the ' +
    'server. Each has its id, name, product and version (e.g. KES 11.0.0.0, Network Agent 1103), group, and ' +
    'whether it is active. Use Get Policy for one policy by id. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: [...GROUP_LOOKUP_METHODS, 'HostGroup.GetGroupInfoEx', 'Policy.GetPoliciesForGroup'],
  },
  example: { group: 'Quarantine segment' },
  async run(ctx, { group }) {
    const target: ResolvedGroup | undefined =
      group === undefined ? undefined : await resolveGroup(ctx, group);
    const answer = await ctx.ksc.callWire('Policy.GetPoliciesForGroup', { nGroupId: target?.id ?? -1 });
    const policies = answer.reply.PxgRetVal;
    const values = (name: string) => policies.map((p) => p[name]);
    const texts = (name: string) => values(name).filter((v): v is string => typeof v === 'string');
    const numbers = (name: string) => values(name).filter((v): v is number => typeof v === 'number');
    const flags = (name: string) => values(name).filter((v): v is boolean => typeof v === 'boolean');
    return {
      status: 'Successful',
      raw: answer.wire,
      context: policies.map((p) => toPlain(p)),
      keyFields: {
        PolicyIDs: numbers('KLPOL_ID'),
        PolicyNames: texts('KLPOL_DN'),
        PolicyProducts: texts('KLPOL_PRODUCT'),
        PolicyVersions: texts('KLPOL_VERSION'),
        PolicyGroupIDs: numbers('KLPOL_GROUP_ID'),
        PolicyActive: flags('KLPOL_ACTIVE'),
        PolicyInherited: flags('KLPOL_INHERITED'),
        TotalPolicyCount: policies.length,
      },
      result: policyTable('List Policies', policies),
      errors: [],
    };
  },
};
