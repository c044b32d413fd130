import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { virtualServers } from '../hierarchy/servers.ts';
import { defineClass } from '../method.ts';
import { project } from '../records.ts';

const READ = [need('basic', 'read')];

/** What `GetVServers` returns of each virtual server (the reference's list for the method). */
const LIST_FIELDS = ['KLVSRV_ID', 'KLVSRV_DN', 'KLVSRV_GRP', 'KLVSRV_ENABLED', 'KLVSRV_UID', 'KLVSRV_GROUPS'];

/**
 * `VServers`: the world's virtual servers as the main server sees them. Creating, moving, removing virtual
 * servers and their permissions are not emulated (1194).
 */
export const vserversClass = defineClass('VServers', {
  // coverage: full — all virtual servers (-1) or those in one group of the main server.
  GetVServers: {
    rights: READ,
    handler: (ctx, { lParentGroup }) => ({
      PxgRetVal: virtualServers(ctx.world, ctx.vserverId)
        .filter((v) => lParentGroup === -1 || v['KLVSRV_GRP'] === lParentGroup)
        .map((v) => project(v, LIST_FIELDS)),
    }),
  },

  // coverage: full — the requested `KLVSRV_*` attributes (all of them when the list is empty).
  GetVServerInfo: {
    rights: READ,
    handler: (ctx, { lVServer, pFields2Return }) => {
      const server = virtualServers(ctx.world, ctx.vserverId).find((v) => v['KLVSRV_ID'] === lVServer);
      if (server === undefined) throw faults.notFound(`Virtual server ${lVServer} not found`);
      return { PxgRetVal: pFields2Return.length === 0 ? server : project(server, pFields2Return) };
    },
  },
});
