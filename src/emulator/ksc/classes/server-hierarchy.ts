import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import {
  currentSecondaries,
  deleteSecondary,
  registerSecondary,
  UPDATABLE,
  updateSecondary,
} from '../hierarchy/changes.ts';
import { defineClass } from '../method.ts';
import { compileSearch, orderRecords, project } from '../records.ts';
import { openChunkAccessor } from './chunk-accessor.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/** The attributes of a secondary server, which `FindSlaveServers` filters may name. */
const SERVER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'KLSRVH_SRV_ID',
  'KLSRVH_SRV_INST_ID',
  'KLSRVH_SRV_ADDR',
  'KLSRVH_SRV_DN',
  'KLSRVH_SRV_GROUPID',
  'KLSRVH_SRV_VERSION',
  'KLSRVH_SRV_STATUS',
  'KLSRVH_SRV_LAST_CONNECTED',
  'KLSRVH_SRV_PASSIVE',
  'KLSRVH_SRV_MASTER_ADDR',
  'KLSRVH_SRV_PUBLIC_KEY_HASH',
]);

/** A virtual server has no secondaries. */
function secondaries(ctx: MethodContext): Promise<KlParams[]> {
  return ctx.vserverId === 0 ? currentSecondaries(ctx.world, ctx.clock.now()) : Promise.resolve([]);
}

/** A group of the main server that can hold a secondary server. */
function requireGroup(ctx: MethodContext, id: number): void {
  const group = ctx.world.groups.get(id);
  if (group === undefined || group.vserverId !== 0) throw faults.notFound(`Group ${id} not found`);
}

function missing(id: number): never {
  throw faults.notFound(`Secondary server ${id} not found`);
}

/**
 * `ServerHierarchy`: the secondary Administration Servers of the seeded world (docs/decisions/0061) and those
 * clients register, change and remove (docs/decisions/0068). A virtual server has none and cannot register one.
 */
export const serverHierarchyClass = defineClass('ServerHierarchy', {
  // coverage: full — every group (-1) or one group; the attributes the reference lists for the method.
  GetChildServers: {
    rights: READ,
    handler: async (ctx, { nGroupId }) => {
      const servers = await secondaries(ctx);
      return {
        PxgRetVal: servers.filter((s) => nGroupId === -1 || s['KLSRVH_SRV_GROUPID'] === nGroupId),
      };
    },
  },

  // coverage: full — the requested `KLSRVH_SRV_*` attributes (all of them when `pFields` is empty).
  GetServerInfo: {
    rights: READ,
    handler: async (ctx, { lServer, pFields }) => {
      const server = (await secondaries(ctx)).find((s) => s['KLSRVH_SRV_ID'] === lServer);
      if (server === undefined) missing(lServer);
      return { PxgRetVal: pFields.length === 0 ? server : project(server, pFields) };
    },
  },

  RegisterServer: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing:
        'pAdditionalInfo is accepted and not kept; the secondary connects a minute after its registration on the emulator clock (decision 0076), whatever its address',
    },
    handler: async (ctx, args) => {
      if (ctx.vserverId !== 0) throw faults.accessDenied();
      if (args.wstrDisplName.trim() === '') throw faults.badParameter('wstrDisplName');
      requireGroup(ctx, args.nGroupId);
      const id = await registerSecondary(ctx.world, ctx.clock.now(), {
        displayName: args.wstrDisplName,
        groupId: args.nGroupId,
        certificate: args.pCertificate,
        netAddress: args.wstrNetAddress,
      });
      return { PxgRetVal: id };
    },
  },

  DelServer: {
    rights: WRITE,
    handler: async (ctx, { lServer }) => {
      if (ctx.vserverId !== 0 || !(await deleteSecondary(ctx.world, ctx.clock.now(), lServer)))
        missing(lServer);
      return {};
    },
  },

  // coverage: full — `KLSRVH_SRV_DN`, `KLSRVH_SRV_ADDR`, `KLSRVH_SRV_GROUPID`; other attributes are the server's.
  UpdateServer: {
    rights: WRITE,
    handler: async (ctx, { lServer, pInfo }) => {
      const update: Record<string, KlValue> = {};
      for (const [name, fits] of Object.entries(UPDATABLE)) {
        const value = pInfo[name];
        if (value === undefined) continue;
        if (!fits(value)) throw faults.badParameter(name);
        update[name] = value;
      }
      const group = update['KLSRVH_SRV_GROUPID'];
      if (typeof group === 'number') requireGroup(ctx, group);
      if (ctx.vserverId !== 0 || !(await updateSecondary(ctx.world, ctx.clock.now(), lServer, update)))
        missing(lServer);
      return {};
    },
  },

  // coverage: full — search filter over the `KLSRVH_SRV_*` attributes, ordering, ChunkAccessor result.
  FindSlaveServers: {
    rights: READ,
    handler: async (ctx, args) => {
      const search = compileSearch(args.wstrFilter, { attributes: SERVER_ATTRIBUTES }, () => ctx.clock.now());
      const matched = (await secondaries(ctx)).filter(search.predicate);
      const ordered = orderRecords(matched, args.pFieldsToOrder, (s) => s);
      const { strAccessor, PxgRetVal } = openChunkAccessor(
        ctx,
        ordered.map((s) => project(s, args.pFieldsToReturn)),
        args.lMaxLifeTime,
      );
      return { PxgRetVal, wstrIterator: strAccessor };
    },
  },
});
