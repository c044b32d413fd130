import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import {
  findGroupSync,
  HOST_SYNC_ATTRIBUTES,
  HOST_SYNC_STATUS,
  hostSyncRow,
  hostSyncState,
} from '../group-sync/syncs.ts';
import type { GroupSync } from '../group-sync/syncs.ts';
import { defineClass } from '../method.ts';
import { orderRecords, project } from '../records.ts';
import { openGroupSyncIterator } from './group-sync-iterator.ts';

const READ = [need('basic', 'read')];

async function syncOf(ctx: MethodContext, nSync: number): Promise<GroupSync> {
  const sync = await findGroupSync(ctx.world, ctx.vserverId, nSync);
  if (sync === undefined) throw faults.notFound(`Group synchronization ${nSync} not found`);
  return sync;
}

/** The scope's hosts with their states; none for a caller whose roles do not reach the managed devices. */
function hostStates(ctx: MethodContext, sync: GroupSync) {
  if (!canSeeDevices(ctx)) return [];
  const now = ctx.clock.now();
  return sync.scope.map((host) => ({ host, state: hostSyncState(sync, host, ctx.agents, now) }));
}

/**
 * `GroupSync`: the delivery of policies (`KLPOL_GSYN_ID`) and of each server's custom categories
 * (`FileCategorizer2.GetSyncId`) to hosts, derived from the world's hosts and their Network Agents' syncs on the
 * emulator clock (group-sync/syncs.ts; docs/decisions/0079). Unknown ids and other servers' syncs are 1186.
 */
export const groupSyncClass = defineClass('GroupSync', {
  GetSyncInfo: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'a delivery takes no time and never fails in the emulator: gsyn_cnt_Running and gsyn_cnt_Failed are always 0',
    },
    handler: async (ctx, { nSync, arrFieldsToReturn }) => {
      const states = hostStates(ctx, await syncOf(ctx, nSync));
      const count = (status: number) => states.filter((s) => s.state.status === status).length;
      const counters: KlParams = {
        gsyn_cnt_FullCount: states.length,
        gsyn_cnt_Running: count(HOST_SYNC_STATUS.RUNNING),
        gsyn_cnt_Finished: count(HOST_SYNC_STATUS.FINISHED),
        gsyn_cnt_Failed: count(HOST_SYNC_STATUS.FAILED),
      };
      return { PxgRetVal: project(counters, arrFieldsToReturn) };
    },
  },
  GetSyncHostsInfo: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        "hosts are scheduled (0) or finished (2) only, so eventDesc never comes back; a policy's version is its " +
        'KLPOL_MODIFIED in seconds (the emulator keeps no policy modification counter)',
    },
    handler: async (ctx, { nSync, arrFieldsToReturn, arrFieldsToOrder, nLifeTime }) => {
      const sync = await syncOf(ctx, nSync);
      const order = arrFieldsToOrder ?? [];
      if (order.some((o) => !HOST_SYNC_ATTRIBUTES.has(o.Name))) throw faults.badParameter('arrFieldsToOrder');
      const rows = hostStates(ctx, sync).map(({ host, state }) => hostSyncRow(sync, host, state));
      const page = orderRecords(rows, order, (row) => row).map((row) => project(row, arrFieldsToReturn));
      return { PxgRetVal: openGroupSyncIterator(ctx, page, nLifeTime ?? 0).wstrIterator };
    },
  },
  GetSyncDeliveryTime: {
    rights: READ,
    handler: async (ctx, { nSync, szwHostId }) => {
      const sync = await syncOf(ctx, nSync);
      if (!canSeeDevices(ctx)) throw faults.accessDenied();
      const host = ctx.world.hosts.get(szwHostId);
      if (host === undefined || host.vserverId !== ctx.vserverId) throw faults.unknownDevice(szwHostId);
      if (!sync.scope.some((h) => h.id === host.id))
        throw faults.notFound(`Device '${szwHostId}' is not in the scope of group synchronization ${nSync}`);
      const { deliveredAt } = hostSyncState(sync, host, ctx.agents, ctx.clock.now());
      // Not delivered yet: the empty datetime.
      return {
        PxgRetVal:
          deliveredAt === undefined ? new Date(Number.NaN) : new Date(Math.floor(deliveredAt / 1000) * 1000),
      };
    },
  },
});
