import type { KlParams } from '../../../ksc/values.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { internalUserView, USER_ATTRIBUTES } from '../directory-users.ts';
import { domainUsersOf, domainUserView, hostLocalUsersOf, loggedOnKey } from './domain-users.ts';

/** Attributes a users filter may name: the `ul_*` set plus `ul_bVisited` of the users view. */
export const USER_LIST_ATTRIBUTES: ReadonlySet<string> = new Set([...USER_ATTRIBUTES, 'ul_bVisited']);

/**
 * The users of the caller's server, as `HostGroup.FindUsers` and `GlobalUsersListSrvViewName` list them: its
 * internal users, then the accounts logged on to its managed devices and the devices' local accounts (only with
 * the Managed-devices scope).
 * With `visitedHost`, every record carries `ul_bVisited`: true for the account logged on to that host, false
 * for everyone when the host is unknown or not the caller's.
 */
export function serverUsers(ctx: MethodContext, visitedHost?: string): KlParams[] {
  const devices = canSeeDevices(ctx);
  const internal = [...ctx.world.users.values()]
    .filter((u) => u.vserverId === ctx.vserverId)
    .map(internalUserView);
  const hosts = ctx.world.hostsOf(ctx.vserverId);
  const domain = devices ? [...domainUsersOf(hosts), ...hostLocalUsersOf(hosts)] : [];
  if (visitedHost === undefined) return [...internal, ...domain.map(domainUserView)];
  const host = ctx.world.hosts.get(visitedHost);
  const key = devices && host?.vserverId === ctx.vserverId ? loggedOnKey(host) : undefined;
  return [
    ...internal.map((r) => ({ ...r, ul_bVisited: false })),
    ...domain.map((u) => ({ ...domainUserView(u), ul_bVisited: u.account.key === key })),
  ];
}

/**
 * The records `serverUsers(ctx, visitedHost)` marks `ul_bVisited`, and only those, in the same order: the account
 * logged on to that host (none when the host is unknown, not the caller's, or has nobody logged on).
 */
export function visitedUsers(ctx: MethodContext, visitedHost: string): KlParams[] {
  const host = ctx.world.hosts.get(visitedHost);
  if (!canSeeDevices(ctx) || host?.vserverId !== ctx.vserverId) return [];
  const key = loggedOnKey(host);
  if (key === undefined) return [];
  const hosts = ctx.world.hostsOf(ctx.vserverId);
  return [...domainUsersOf(hosts), ...hostLocalUsersOf(hosts)]
    .filter((u) => u.account.key === key)
    .map((u) => ({ ...domainUserView(u), ul_bVisited: true }));
}
