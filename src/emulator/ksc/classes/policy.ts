import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { findPolicy, groupPolicies, serverPolicies, type PolicyRecord } from '../inventory/policies.ts';
import {
  nextPolicyId,
  policyChanges,
  storeDeletedPolicy,
  storePolicy,
  withAttributes,
} from '../inventory/policy-store.ts';
import { changedPolicyAttributes, newPolicyAttributes } from '../inventory/policy-data.ts';
import { defineClass } from '../method.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

function groupOf(ctx: MethodContext, id: number) {
  const group = ctx.world.groups.get(id);
  if (group === undefined || group.vserverId !== ctx.vserverId)
    throw faults.notFound(`Group ${id} not found`);
  return group;
}

async function policyOf(ctx: MethodContext, id: number): Promise<PolicyRecord> {
  const policy = findPolicy(ctx.world, ctx.vserverId, id, await policyChanges(ctx.world, ctx.vserverId));
  if (policy === undefined) throw faults.notFound(`Policy ${id} not found`);
  return policy;
}

/** `Policy`: policies of administration groups (spec §9.1). */
export const policyClass = defineClass('Policy', {
  GetPoliciesForGroup: {
    rights: READ,
    handler: async (ctx, { nGroupId }) => {
      const changes = await policyChanges(ctx.world, ctx.vserverId);
      // XSOAR asks for -1 to list every policy of the server.
      if (nGroupId === -1) {
        return { PxgRetVal: serverPolicies(ctx.world, ctx.vserverId, changes).map((p) => p.attributes) };
      }
      return { PxgRetVal: groupPolicies(ctx.world, groupOf(ctx, nGroupId), changes) };
    },
  },

  GetPolicyData: {
    rights: READ,
    handler: async (ctx, { nPolicy }) => ({ PxgRetVal: (await policyOf(ctx, nPolicy)).attributes }),
  },

  AddPolicy: {
    rights: WRITE,
    handler: async (ctx, { pPolicyData }) => {
      const groupId = pPolicyData['KLPOL_GROUP_ID'];
      if (typeof groupId !== 'number') throw faults.badParameter('pPolicyData');
      const group = groupOf(ctx, groupId);
      const id = await nextPolicyId(ctx.world);
      const attributes = newPolicyAttributes(id, group, pPolicyData, ctx.clock.now());
      await storePolicy(ctx.world, ctx.vserverId, {
        id,
        groupId: group.id,
        product: String(attributes['KLPOL_PRODUCT']),
        attributes,
      });
      return { PxgRetVal: id };
    },
  },

  UpdatePolicyData: {
    rights: WRITE,
    handler: async (ctx, { nPolicy, pPolicyData }) => {
      const policy = await policyOf(ctx, nPolicy);
      const changes = changedPolicyAttributes(pPolicyData, ctx.clock.now());
      await storePolicy(ctx.world, ctx.vserverId, withAttributes(policy, changes));
      return {};
    },
  },

  DeletePolicy: {
    rights: WRITE,
    handler: async (ctx, { nPolicy }) => {
      await storeDeletedPolicy(ctx.world, ctx.vserverId, await policyOf(ctx, nPolicy));
      return {};
    },
  },

  CopyOrMovePolicy: {
    rights: WRITE,
    handler: async (ctx, { nPolicy, nNewGroupId, bDeleteOrigin }) => {
      const policy = await policyOf(ctx, nPolicy);
      const group = groupOf(ctx, nNewGroupId);
      const id = await nextPolicyId(ctx.world);
      const copy: KlParams = {
        ...policy.attributes,
        ...newPolicyAttributes(id, group, policy.attributes, ctx.clock.now()),
        // A copy keeps the original's switches; only a move keeps it active (KSC deactivates copies).
        KLPOL_ACTIVE: bDeleteOrigin && policy.attributes['KLPOL_ACTIVE'] === true,
      };
      await storePolicy(ctx.world, ctx.vserverId, {
        id,
        groupId: group.id,
        product: policy.product,
        attributes: copy,
      });
      if (bDeleteOrigin) await storeDeletedPolicy(ctx.world, ctx.vserverId, policy);
      return { PxgRetVal: id };
    },
  },
});
