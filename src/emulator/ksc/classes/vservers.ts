import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { closeAgentConnections, recordCertificateRecall } from '../hierarchy/agent-recall.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import {
  addVirtualServer,
  changeVirtualServer,
  currentVirtualServer,
  currentVirtualServers,
  deleteVirtualServer,
  listLetsIn,
  normaliseEntry,
  refusedAttribute,
  setVirtualServerPermissions,
  UPDATABLE,
  virtualServerPermissions,
} from '../hierarchy/virtual-servers.ts';
import { defineClass } from '../method.ts';
import { project } from '../records.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/** What `GetVServers` returns of each virtual server (the reference's list for the method). */
const LIST_FIELDS = ['KLVSRV_ID', 'KLVSRV_DN', 'KLVSRV_GRP', 'KLVSRV_ENABLED', 'KLVSRV_UID', 'KLVSRV_GROUPS'];

/** Only the main server manages virtual servers; from a virtual server, the call is refused. */
function requireMainServer(ctx: MethodContext): void {
  if (ctx.vserverId !== 0) throw faults.accessDenied();
}

/** A group of the main server that can hold a virtual server. */
function requireGroup(ctx: MethodContext, id: number): void {
  const group = ctx.world.groups.get(id);
  if (group === undefined || group.vserverId !== 0) throw faults.notFound(`Group ${id} not found`);
}

async function requireServer(ctx: MethodContext, id: number): Promise<KlParams> {
  const server = ctx.vserverId === 0 ? await currentVirtualServer(ctx.world, id) : undefined;
  if (server === undefined) throw faults.notFound(`Virtual server ${id} not found`);
  return server;
}

/**
 * `VServers`: the world's virtual servers as the main server sees them, and those clients create, change, move and
 * remove, with their access lists (docs/decisions/0068). A virtual server sees none and manages none.
 */
export const vserversClass = defineClass('VServers', {
  // coverage: full — all virtual servers (-1) or those in one group of the main server.
  GetVServers: {
    rights: READ,
    handler: async (ctx, { lParentGroup }) => ({
      PxgRetVal: (await currentVirtualServers(ctx.world, ctx.vserverId))
        .filter((v) => lParentGroup === -1 || v['KLVSRV_GRP'] === lParentGroup)
        .map((v) => project(v, LIST_FIELDS)),
    }),
  },

  // coverage: full — the requested `KLVSRV_*` attributes (all of them when the list is empty).
  GetVServerInfo: {
    rights: READ,
    handler: async (ctx, { lVServer, pFields2Return }) => {
      const server = await requireServer(ctx, lVServer);
      return { PxgRetVal: pFields2Return.length === 0 ? server : project(server, pFields2Return) };
    },
  },

  // coverage: full — its root groups (Managed devices, Unassigned devices with WORKGROUP, Administration Servers).
  AddVServerInfo: {
    rights: WRITE,
    handler: async (ctx, { strDisplayName, lParentGroup }) => {
      requireMainServer(ctx);
      if (strDisplayName.trim() === '') throw faults.badParameter('strDisplayName');
      requireGroup(ctx, lParentGroup);
      const added = await addVirtualServer(ctx.world, ctx.clock.now(), strDisplayName, lParentGroup);
      return { PxgRetVal: { KLVSRV_ID: added.id, KLVSRV_DN: added.displayName } };
    },
  },

  // coverage: full — `KLVSRV_DN` and the other attributes the reference does not mark read-only.
  UpdateVServerInfo: {
    rights: WRITE,
    handler: async (ctx, { lVServer, pInfo }) => {
      requireMainServer(ctx);
      await requireServer(ctx, lVServer);
      const refused = refusedAttribute(pInfo);
      if (refused !== undefined) throw faults.badParameter(refused);
      const update = Object.fromEntries(Object.entries(pInfo).filter(([name]) => name in UPDATABLE));
      await changeVirtualServer(ctx.world, lVServer, update);
      // A disabled virtual server lets nobody in: its open sessions end with it.
      if (update['KLVSRV_ENABLED'] === false) ctx.sessions.endOnVServer(lVServer);
      return {};
    },
  },

  // coverage: full — with its groups, hosts and own users; its open sessions end.
  DelVServer: {
    rights: WRITE,
    handler: async (ctx, { lVServer }) => {
      requireMainServer(ctx);
      await requireServer(ctx, lVServer);
      await deleteVirtualServer(ctx.world, lVServer);
      ctx.sessions.endOnVServer(lVServer);
      return { strActionGuid: ctx.actions.start(ctx.owner, { succeeded: true }) };
    },
  },

  // coverage: full — to any group of the main server.
  MoveVServer: {
    rights: WRITE,
    handler: async (ctx, { lVServer, lNewParentGroup }) => {
      requireMainServer(ctx);
      await requireServer(ctx, lVServer);
      requireGroup(ctx, lNewParentGroup);
      await changeVirtualServer(ctx.world, lVServer, { KLVSRV_GRP: lNewParentGroup });
      return { strActionGuid: ctx.actions.start(ctx.owner, { succeeded: true }) };
    },
  },

  // coverage: full — inherited (the main server's Main Administrators) until set.
  GetPermissions: {
    rights: READ,
    handler: async (ctx, { lVServer }) => {
      await requireServer(ctx, lVServer);
      return { PxgRetVal: await virtualServerPermissions(ctx.world, lVServer) };
    },
  },

  // coverage: full — connect lets a main-server user in; read, write and execute limit that user's roles on the
  // virtual server (auth/vserver-acl.ts, docs/decisions/0079). OS accounts are kept: none logs in to the emulator.
  SetPermissions: {
    rights: WRITE,
    handler: async (ctx, { lVServer, pPermissions, bProtection }) => {
      requireMainServer(ctx);
      await requireServer(ctx, lVServer);
      const list = pPermissions['KLSPL_PERMISSIONS'];
      if (!Array.isArray(list)) throw faults.badParameter('KLSPL_PERMISSIONS');
      const entries: KlParams[] = [];
      for (const item of list) {
        const entry = normaliseEntry(ctx.world, item);
        if (typeof entry === 'string') throw faults.badParameter(entry);
        entries.push(entry);
      }
      if (bProtection === true) {
        // "Checks that the user does not deny access to the server to itself": who could connect must still.
        const before = (await virtualServerPermissions(ctx.world, lVServer))['KLSPL_PERMISSIONS'];
        const could = Array.isArray(before) && listLetsIn(before, ctx.user);
        if (could && !listLetsIn(entries, ctx.user)) throw faults.badParameter('pPermissions');
      }
      await setVirtualServerPermissions(ctx.world, lVServer, entries);
      return {};
    },
  },

  // coverage: full — the virtual server's connected Network Agents are disconnected now and reconnect, with the new
  // certificate, at their next sync (docs/decisions/0079); the recall is kept on the main server.
  RecallCertAndCloseConnections: {
    rights: WRITE,
    handler: async (ctx, { lVServer }) => {
      requireMainServer(ctx);
      await requireServer(ctx, lVServer);
      const now = ctx.clock.now();
      const closed = await closeAgentConnections(ctx.world, ctx.agents, lVServer, now);
      await recordCertificateRecall(ctx.world, lVServer, now, closed);
      return {};
    },
  },
});
