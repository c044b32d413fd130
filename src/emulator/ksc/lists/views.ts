import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import { serverUsers, USER_LIST_ATTRIBUTES, visitedUsers } from '../users/list.ts';
import type { SrvViewDefinition } from '../views/view.ts';
import { hostsWithItems, itemsOf, itemsOfHosts, LIST_NAMES, type ListName } from './items.ts';
import { itemRecord, LIST_ITEM_ATTRIBUTES } from './records.ts';

/** Seed 001, List Quarantine Files: Basic functionality/Read and every access to KEA Host Intrusion Prevention. */
const LIST_RIGHTS = [need('basic', 'read'), need('keaHips', 'read', 'write', 'execute', 'selections')];

/** What every item of one host shares in its record: a filter naming only these is decided per host. */
const HOST_LEVEL_ITEM_ATTRIBUTES: ReadonlySet<string> = new Set(['strHostName', 'nGroup']);

/**
 * Above this many matching hosts the items are read whole and filtered: one query beats hundreds of `IN` lists.
 * A filter narrowing by host names a few hosts; one excluding a host (`!(strHostName = …)`) names nearly all.
 */
const MAX_PUSHED_HOSTS = 2_000;

function listView(list: ListName): SrvViewDefinition {
  return {
    name: list,
    type: { attributes: LIST_ITEM_ATTRIBUTES },
    rights: LIST_RIGHTS,
    async records(ctx) {
      if (!canSeeDevices(ctx)) return [];
      const items = await itemsOf(ctx.world, ctx.vserverId, list);
      // A file of a host removed from the server leaves the list with it.
      return items
        .filter((item) => ctx.world.hosts.has(item.hostId))
        .map((item) => itemRecord(ctx.world, item));
    },
    // A filter on the host (`strHostName`, `nGroup`) is decided once per host holding items (and still on the
    // server, as `records` keeps), and only the matching hosts' items are read.
    async narrowed(ctx, _params, search) {
      if (![...search.referenced].every((name) => HOST_LEVEL_ITEM_ATTRIBUTES.has(name))) return undefined;
      if (!canSeeDevices(ctx)) return [];
      const hostIds: string[] = [];
      for (const hostId of await hostsWithItems(ctx.world, ctx.vserverId, list)) {
        const host = ctx.world.hosts.get(hostId);
        if (host !== undefined && search.predicate({ strHostName: host.id, nGroup: host.groupId })) {
          hostIds.push(host.id);
        }
        if (hostIds.length > MAX_PUSHED_HOSTS) return undefined;
      }
      const items = await itemsOfHosts(ctx.world, ctx.vserverId, list, hostIds);
      return items.map((item) => itemRecord(ctx.world, item));
    },
  };
}

/**
 * `GlobalUsersListSrvViewName`: internal users and the accounts of managed devices. `pParams.strHostId` names a
 * host whose logged-on account gets `ul_bVisited` (spec §9, Get User By IP). Seed 001, List Users: Access
 * objects regardless of their ACLs/Read.
 */
const usersView: SrvViewDefinition = {
  name: 'GlobalUsersListSrvViewName',
  type: { attributes: USER_LIST_ATTRIBUTES },
  rights: [need('aclFree', 'read')],
  records(ctx, params) {
    const host = params['strHostId'];
    return serverUsers(ctx, typeof host === 'string' ? host : undefined);
  },
  // Get User By IP (spec §9) asks for the account of one host: `strHostId` with `(ul_bVisited = 1)`. A filter
  // naming only `ul_bVisited` that rejects every unvisited record leaves that account alone.
  narrowed(ctx, params, search) {
    const host = params['strHostId'];
    if (typeof host !== 'string' || ![...search.referenced].every((name) => name === 'ul_bVisited')) {
      return undefined;
    }
    if (search.predicate({ ul_bVisited: false })) return undefined;
    return visitedUsers(ctx, host).filter(search.predicate);
  },
};

/** The network-list views (`Quarantine`, `Backup`, `TIF`) and the users view (`GlobalUsersListSrvViewName`). */
export const listViews: readonly SrvViewDefinition[] = [...LIST_NAMES.map(listView), usersView];
