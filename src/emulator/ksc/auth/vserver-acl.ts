import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { ACCESS_RIGHTS, virtualServerPermissions } from '../hierarchy/virtual-servers.ts';
import type { KscWorld, UserRecord } from '../world.ts';
import type { Access, Rights } from './rights.ts';

/**
 * What a virtual server's access list (`VServers.SetPermissions`) does to a user of the main server who logged in
 * to it (docs/decisions/0079). KSC checks both the user's roles and the object's ACL; the emulator's rights are
 * the roles' accesses per functional area, so the list limits them: an access stays only when the list allows
 * its bit for the user and denies it nowhere. The list is read on every call, so a change applies at once.
 */

/** The accesses of the emulator's roles with a clear counterpart in the reference's Access rights table. */
const ACCESS_BITS: Readonly<Partial<Record<Access, number>>> = {
  read: ACCESS_RIGHTS.READ,
  write: ACCESS_RIGHTS.WRITE,
  execute: ACCESS_RIGHTS.EXECUTE,
};

const isEntry = (e: KlValue): e is KlParams =>
  e !== null && typeof e === 'object' && !Array.isArray(e) && !(e instanceof Date);

/** The rights bits a list grants a user: allowed by one of the user's entries and denied by none. */
export function grantedMask(entries: readonly KlValue[], user: UserRecord): number {
  let allow = 0;
  let deny = 0;
  for (const e of entries) {
    if (!isEntry(e) || e['KLSPLU_AKUSER_ID'] !== user.id) continue;
    allow |= Number(e['KLSPLU_ALLOWMASK'] ?? 0);
    deny |= Number(e['KLSPLU_DENYMASK'] ?? 0);
  }
  return allow & ~deny;
}

/**
 * Rights limited to what the mask grants. Without the connect right nothing is left (the user is no longer let
 * in). Accesses without a bit (device selections) are the roles' alone.
 */
export function limitRights(rights: Rights, mask: number): Rights {
  if ((mask & ACCESS_RIGHTS.CONNECT) === 0) return {};
  const keeps = (access: Access): boolean => {
    const bit = ACCESS_BITS[access];
    return bit === undefined || (mask & bit) !== 0;
  };
  return Object.fromEntries(
    Object.entries(rights).map(([area, accesses]) => [area, (accesses ?? []).filter(keeps)]),
  ) as Rights;
}

/**
 * The rights of a caller on the server it logged in to: its roles' rights, and for a main-server user on a
 * virtual server those limited by the virtual server's access list. A server's own users are not on its list.
 */
export async function rightsOnServer(
  world: KscWorld,
  user: UserRecord,
  vserverId: number,
  rights: { readonly server: Rights; readonly devices: Rights },
): Promise<{ readonly server: Rights; readonly devices: Rights }> {
  if (vserverId === 0 || user.vserverId === vserverId) return rights;
  const list = (await virtualServerPermissions(world, vserverId))['KLSPL_PERMISSIONS'];
  const mask = grantedMask(Array.isArray(list) ? list : [], user);
  return { server: limitRights(rights.server, mask), devices: limitRights(rights.devices, mask) };
}
