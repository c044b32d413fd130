import type { KlParams } from '../../../ksc/values.ts';
import { applicationControlOf, serverPolicies } from '../inventory/policies.ts';
import type { PolicyChanges } from '../inventory/policy-store.ts';
import type { KscWorld } from '../world.ts';

/**
 * The policies of a virtual server whose Application Control section references a category, in the reference's
 * "RefPolicies result format" (`{PolId, PolName, GroupId, GroupName, VServerId, VServerName}`), by policy id.
 * Categories belong to one virtual server, so only that server's policies can reference them; names are the
 * current ones (a renamed policy or group answers its new name), deleted policies reference nothing.
 */
export function referencingPolicies(
  world: KscWorld,
  vserverId: number,
  categoryId: number,
  changes: PolicyChanges,
): KlParams[] {
  const vserverName = world.vservers.get(vserverId)?.displayName ?? '';
  return serverPolicies(world, vserverId, changes)
    .filter((policy) => applicationControlOf(world, policy.id)?.categoryIds.includes(categoryId) === true)
    .map((policy) => ({
      PolId: policy.id,
      PolName: String(policy.attributes['KLPOL_DN'] ?? ''),
      GroupId: policy.groupId,
      GroupName: world.groups.get(policy.groupId)?.name ?? '',
      VServerId: vserverId,
      VServerName: vserverName,
    }));
}
