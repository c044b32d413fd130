import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { groupObject } from '../directory/identity.ts';
import { DOMAIN_GROUPS } from '../directory/seeded.ts';
import { domainFor } from '../world/names.ts';

/**
 * The AD security groups the server found in its domain: the directory publisher's groups (src/emulator/ksc/directory/
 * seeded.ts), so the AD scan and the IAM directory agree on names and distinguished names. A virtual server's domain
 * has groups of the same names. Ids from 1 in the directory's order (decisions/0067).
 */
export function adGroupsOf(ctx: MethodContext): KlParams[] {
  const vserver = ctx.world.vservers.get(ctx.vserverId);
  const domain = domainFor(ctx.vserverId, vserver?.name ?? '');
  return DOMAIN_GROUPS.map((name, index) => {
    const group = groupObject(domain, name);
    return {
      adhst_adgroup_id: index + 1,
      adhst_adgroup_distinguished_name: group.dn,
      adhst_adgroup_name: name,
      adhst_adgroup_sam_name: group.samName,
    };
  });
}
