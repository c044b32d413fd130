import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import { serverUsers, USER_LIST_ATTRIBUTES } from '../users/list.ts';
import type { SrvViewDefinition } from '../views/view.ts';
import { itemsOf, LIST_NAMES, type ListName } from './items.ts';
import { itemRecord, LIST_ITEM_ATTRIBUTES } from './records.ts';

/** Seed 001, List Quarantine Files: Basic functionality/Read and every access to KEA Host Intrusion Prevention. */
const LIST_RIGHTS = [need('basic', 'read'), need('keaHips', 'read', 'write', 'execute', 'selections')];

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
};

/** The network-list views (`Quarantine`, `Backup`, `TIF`) and the users view (`GlobalUsersListSrvViewName`). */
export const listViews: readonly SrvViewDefinition[] = [...LIST_NAMES.map(listView), usersView];
