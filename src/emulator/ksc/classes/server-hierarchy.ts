import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { secondaryServers } from '../hierarchy/servers.ts';
import { defineClass } from '../method.ts';
import { project } from '../records.ts';

const READ = [need('basic', 'read')];

/**
 * `ServerHierarchy`: the secondary Administration Servers of the seeded world (docs/decisions/0061). A virtual
 * server has no secondaries. Registering, updating and removing secondaries, and `FindSlaveServers`, are not
 * emulated (1194).
 */
export const serverHierarchyClass = defineClass('ServerHierarchy', {
  // coverage: full — every group (-1) or one group; the attributes the reference lists for the method.
  GetChildServers: {
    rights: READ,
    handler: (ctx, { nGroupId }) => {
      const servers = ctx.vserverId === 0 ? secondaryServers(ctx.world, ctx.clock.now()) : [];
      return {
        PxgRetVal: servers.filter((s) => nGroupId === -1 || s['KLSRVH_SRV_GROUPID'] === nGroupId),
      };
    },
  },

  // coverage: full — the requested `KLSRVH_SRV_*` attributes (all of them when `pFields` is empty).
  GetServerInfo: {
    rights: READ,
    handler: (ctx, { lServer, pFields }) => {
      const servers = ctx.vserverId === 0 ? secondaryServers(ctx.world, ctx.clock.now()) : [];
      const server = servers.find((s) => s['KLSRVH_SRV_ID'] === lServer);
      if (server === undefined) throw faults.notFound(`Secondary server ${lServer} not found`);
      return { PxgRetVal: pFields.length === 0 ? server : project(server, pFields) };
    },
  },
});
