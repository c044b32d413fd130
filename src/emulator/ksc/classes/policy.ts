import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { findPolicy, groupPolicies, serverPolicies } from '../inventory/policies.ts';
import { defineClass } from '../method.ts';

const READ = [need('basic', 'read')];

/** `Policy`: policies of administration groups (spec §9.1). */
export const policyClass = defineClass('Policy', {
  GetPoliciesForGroup: {
    rights: READ,
    handler: (ctx, { nGroupId }) => {
      // XSOAR asks for -1 to list every policy of the server.
      if (nGroupId === -1) {
        return { PxgRetVal: serverPolicies(ctx.world, ctx.vserverId).map((p) => p.attributes) };
      }
      const group = ctx.world.groups.get(nGroupId);
      if (group === undefined || group.vserverId !== ctx.vserverId)
        throw faults.notFound(`Group ${nGroupId} not found`);
      return { PxgRetVal: groupPolicies(ctx.world, group) };
    },
  },

  GetPolicyData: {
    rights: READ,
    handler: (ctx, { nPolicy }) => {
      const policy = findPolicy(ctx.world, ctx.vserverId, nPolicy);
      if (policy === undefined) throw faults.notFound(`Policy ${nPolicy} not found`);
      return { PxgRetVal: policy.attributes };
    },
  },
});
