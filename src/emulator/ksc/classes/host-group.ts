import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { OrderSpec } from '../args.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { USER_ATTRIBUTES } from '../directory-users.ts';
import { averageEventSizeKb } from '../event-size.ts';
import { faults } from '../faults.ts';
import { hostSearchType, hostView } from '../host-search.ts';
import { defineClass } from '../method.ts';
import { compileSearch, orderRecords, project } from '../records.ts';
import type { GroupRecord, HostRecord } from '../world/model.ts';
import { hostSettingsMethods } from '../settings/host-group-methods.ts';
import { hostTaskMethods } from '../tasks/host-group-methods.ts';
import { incidentMethods } from '../incidents/host-group-methods.ts';
import { instanceStatisticsMethods } from '../statistics/host-group-methods.ts';
import { serverUsers } from '../users/list.ts';
import { openChunkAccessor } from './chunk-accessor.ts';
import { appInfoOf } from '../world/app-info.ts';
import { updatedHost, zeroVirusCounts } from '../host-updates.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/** Group attributes of spec §7.8, stored and computed. */
const GROUP_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'name',
  'parentId',
  'autoRemovePeriod',
  'notifyPeriod',
  'creationDate',
  'KLGRP_HlfInherited ',
  'KLGRP_HlfForceChildren',
  'KLGRP_HlfForced',
  'lastUpdate',
  'hostsNum',
  'childGroupsNum',
  'grp_full_name',
  'level',
  'KLSRV_HSTSTAT_CRITICAL',
  'KLSRV_HSTSTAT_WARNING',
  'KLGRP_GRP_GROUPID_GP',
  'c_grp_autoInstallPackageId',
  'grp_from_unassigned',
  'grp_enable_fscan',
  'KLSRVH_SRV_DN',
  'KLVSRV_ID',
  'KLVSRV_DN',
  'KLGRP_CHLDGRP_CNT',
  'KLGRP_CHLDHST_CNT',
  'KLGRP_CHLDHST_CNT_OK',
  'KLGRP_CHLDHST_CNT_CRT',
  'KLGRP_CHLDHST_CNT_WRN',
]);

function visibleHost(ctx: MethodContext, id: string): HostRecord {
  const host = ctx.world.hosts.get(id);
  if (host === undefined || host.vserverId !== ctx.vserverId) throw faults.notFound(`Host '${id}' not found`);
  if (!canSeeDevices(ctx)) throw faults.accessDenied();
  return host;
}

function visibleGroup(ctx: MethodContext, id: number): GroupRecord {
  const group = ctx.world.groups.get(id);
  if (group === undefined || group.vserverId !== ctx.vserverId)
    throw faults.notFound(`Group ${id} not found`);
  return group;
}

/** A group's stored attributes plus the counters KSC computes from its hosts and subgroups. */
function groupView(ctx: MethodContext, group: GroupRecord): KlParams {
  const world = ctx.world;
  let hosts = 0;
  let ok = 0;
  let critical = 0;
  let warning = 0;
  let direct = 0;
  const subtree = world.subtree(group.id);
  for (const host of world.hostsOf(group.vserverId)) {
    if (!subtree.has(host.groupId)) continue;
    hosts++;
    if (host.groupId === group.id) direct++;
    const status = host.attributes['KLHST_WKS_STATUS_ID'];
    if (status === 1) critical++;
    else if (status === 2) warning++;
    else ok++;
  }
  let childGroups = 0;
  for (const g of world.groups.values()) if (g.parentId === group.id) childGroups++;
  const vserver = world.vservers.get(group.vserverId);
  return {
    ...group.attributes,
    hostsNum: direct,
    childGroupsNum: childGroups,
    KLGRP_CHLDGRP_CNT: childGroups,
    KLGRP_CHLDHST_CNT: hosts,
    KLGRP_CHLDHST_CNT_OK: ok,
    KLGRP_CHLDHST_CNT_CRT: critical,
    KLGRP_CHLDHST_CNT_WRN: warning,
    KLVSRV_DN: vserver?.displayName ?? '',
  };
}

function productsParams(host: HostRecord): KlParams {
  const out: Record<string, Record<string, KlValue>> = {};
  for (const product of host.products) (out[product.name] ??= {})[product.version] = product.info;
  return out;
}

/** Orders the matched records, keeps the requested fields, and opens the ChunkAccessor a `Find*` method answers with. */
function answerFind(
  ctx: MethodContext,
  matched: KlParams[],
  order: OrderSpec,
  fields: readonly string[],
  lifetime: number,
) {
  return openChunkAccessor(
    ctx,
    orderRecords(matched, order, (v) => v).map((v) => project(v, fields)),
    lifetime,
  );
}

/** `HostGroup`: hosts and administration groups (spec §5.1, §7). */
export const hostGroupClass = defineClass('HostGroup', {
  FindHosts: {
    rights: READ,
    handler: (ctx, args) => {
      const search = compileSearch(args.wstrFilter, hostSearchType(ctx.world), () => ctx.clock.now());
      const fields = args.vecFieldsToReturn;
      const needed = new Set([...search.referenced, ...fields, ...args.vecFieldsToOrder.map((o) => o.Name)]);
      const hosts = canSeeDevices(ctx) ? ctx.world.hostsOf(ctx.vserverId) : [];
      const matched: KlParams[] = [];
      for (const host of hosts) {
        const view = hostView(ctx.world, host, needed);
        if (search.predicate(view)) matched.push(view);
      }
      return answerFind(ctx, matched, args.vecFieldsToOrder, fields, args.lMaxLifeTime);
    },
  },

  FindGroups: {
    rights: READ,
    handler: (ctx, args) => {
      const search = compileSearch(args.wstrFilter, { attributes: GROUP_ATTRIBUTES }, () => ctx.clock.now());
      const views = ctx.world.groupsOf(ctx.vserverId).map((g) => groupView(ctx, g));
      return answerFind(
        ctx,
        views.filter(search.predicate),
        args.vecFieldsToOrder,
        args.vecFieldsToReturn,
        args.lMaxLifeTime,
      );
    },
  },

  FindUsers: {
    // Seed 001: List Users needs "Access objects regardless of their ACLs: Read".
    rights: [need('aclFree', 'read')],
    handler: (ctx, args) => {
      const search = compileSearch(args.strFilter, { attributes: USER_ATTRIBUTES }, () => ctx.clock.now());
      const views = serverUsers(ctx);
      return answerFind(
        ctx,
        views.filter(search.predicate),
        args.pFieldsToOrder,
        args.pFieldsToReturn,
        args.lMaxLifeTime,
      );
    },
  },

  GetHostInfo: {
    rights: READ,
    handler: (ctx, { strHostName, pFields2Return }) => {
      const host = visibleHost(ctx, strHostName);
      const view = hostView(ctx.world, host, new Set(pFields2Return));
      // KLHST_APP_INFO is not a searchable host attribute: only GetHostInfo returns it, built when asked for.
      const withApps = pFields2Return.includes('KLHST_APP_INFO')
        ? { ...view, KLHST_APP_INFO: appInfoOf(host, ctx.clock.now()) }
        : view;
      return { PxgRetVal: project(withApps, pFields2Return) };
    },
  },

  GetHostProducts: {
    rights: READ,
    handler: (ctx, { strHostName }) => ({ PxgRetVal: productsParams(visibleHost(ctx, strHostName)) }),
  },

  GetDomainHosts: {
    rights: READ,
    handler: (ctx, { domain }) => {
      const wanted = domain.toLowerCase();
      const hosts = canSeeDevices(ctx) ? ctx.world.hostsOf(ctx.vserverId) : [];
      const list = hosts
        .filter((h) => String(h.attributes['KLHST_WKS_WINDOMAIN'] ?? '').toLowerCase() === wanted)
        .map((h) =>
          project(h.attributes, [
            'KLHST_WKS_HOSTNAME',
            'KLHST_WKS_WINHOSTNAME',
            'KLHST_WKS_DN',
            'KLHST_WKS_STATUS',
          ]),
        );
      return { PxgRetVal: list };
    },
  },

  GetStaticInfo: {
    rights: READ,
    handler: async (ctx, { pValues }) => {
      const vserver = ctx.world.vservers.get(ctx.vserverId);
      const info: Record<string, KlValue> = {
        KLADMSRV_IS_VIRTUAL: ctx.vserverId !== 0,
        KLADMSRV_VSID: ctx.vserverId,
        KLADMSRV_SERVER_VERSION_ID: 14,
        KLADMSRV_PRODUCT_VERSION: '14.2.0.26967',
        KLADMSRV_PRODUCT_FULL_VERSION: '14.2.0.26967',
        KLADMSRV_PRODUCT_NAME: 'Kaspersky Security Center',
        KLADMSRV_SERVER_HOSTNAME: vserver?.displayName ?? 'Administration Server',
        KLADMSRV_GRP_ROOT: ctx.world.rootGroup(ctx.vserverId)?.id ?? 0,
        KLADMSRV_GRP_UNASSIGNED: ctx.world.unassignedGroup(ctx.vserverId)?.id ?? 1,
        KLADMSRV_USERID: ctx.user.id,
        KLADMSRV_USER_NAME: ctx.user.name,
        KLADMSRV_B2B_CLOUD_MODE: false,
      };
      // A table scan: measured only when asked for (an empty pValues asks for everything).
      if (pValues.length === 0 || pValues.includes('KLADMSRV_EV_EV_SIZE'))
        info['KLADMSRV_EV_EV_SIZE'] = await averageEventSizeKb(ctx.world, ctx.vserverId);
      return { PxgRetVal: pValues.length === 0 ? info : project(info, pValues) };
    },
  },

  GroupIdGroups: {
    rights: READ,
    handler: (ctx) => ({ PxgRetVal: ctx.world.rootGroup(ctx.vserverId)?.id ?? 0 }),
  },

  GroupIdUnassigned: {
    rights: READ,
    handler: (ctx) => ({ PxgRetVal: ctx.world.unassignedGroup(ctx.vserverId)?.id ?? 1 }),
  },

  GroupIdSuper: {
    rights: READ,
    handler: (ctx) => ({
      PxgRetVal: ctx.world.groupsOf(ctx.vserverId).find((g) => g.name === 'Administration Servers')?.id ?? 2,
    }),
  },

  GetGroupInfo: {
    rights: READ,
    handler: (ctx, { nGroupId }) => ({ PxgRetVal: groupView(ctx, visibleGroup(ctx, nGroupId)) }),
  },

  GetGroupInfoEx: {
    rights: READ,
    handler: (ctx, { nGroupId, pArrAttributes }) => {
      if (pArrAttributes.length > 100) throw faults.badParameter('pArrAttributes');
      return { PxgRetVal: project(groupView(ctx, visibleGroup(ctx, nGroupId)), pArrAttributes) };
    },
  },

  // coverage: full — `nDepth` 0 is the whole tree; a group without subgroups answers null, as KSC may.
  GetSubgroups: {
    rights: READ,
    handler: (ctx, { nGroupId, nDepth }) => {
      const group = visibleGroup(ctx, nGroupId);
      const children = new Map<number, GroupRecord[]>();
      for (const g of ctx.world.groupsOf(ctx.vserverId)) {
        if (g.parentId === null) continue;
        const siblings = children.get(g.parentId) ?? [];
        siblings.push(g);
        children.set(g.parentId, siblings);
      }
      const tree = (id: number, level: number): KlParams[] =>
        (children.get(id) ?? [])
          .sort((a, b) => a.id - b.id)
          .map((g) => {
            const below = nDepth === 0 || level < nDepth ? tree(g.id, level + 1) : [];
            return below.length === 0
              ? { id: g.id, name: g.name }
              : { id: g.id, name: g.name, groups: below };
          });
      const subgroups = tree(group.id, 1);
      return { PxgRetVal: subgroups.length === 0 ? null : subgroups };
    },
  },

  AddGroup: {
    rights: WRITE,
    handler: async (ctx, { pInfo }) => {
      const parent = visibleGroup(ctx, pInfo.parentId);
      // AddGroup returns the id of an existing group of that name under the parent (spec §7.8).
      for (const g of ctx.world.groups.values()) {
        if (g.parentId === parent.id && g.name.toLowerCase() === pInfo.name.toLowerCase())
          return { PxgRetVal: g.id };
      }
      const group = await ctx.world.addGroup(ctx.vserverId, parent.id, pInfo.name);
      return { PxgRetVal: group.id };
    },
  },

  RemoveGroup: {
    rights: WRITE,
    handler: async (ctx, { nGroup, nFlags }) => {
      const group = visibleGroup(ctx, nGroup);
      if (group.parentId === null) throw faults.notPermitted('A root group cannot be removed');
      const subtree = ctx.world.subtree(group.id);
      const hosts = ctx.world.hostsOf(ctx.vserverId).filter((h) => subtree.has(h.groupId));
      const hasChildren = subtree.size > 1;
      // Flags (spec §7.8): 1 only if empty, 2 with subgroups, 3 with subgroups and hosts.
      const allowed =
        nFlags >= 3 || (nFlags === 2 && hosts.length === 0) || (!hasChildren && hosts.length === 0);
      if (allowed) {
        await ctx.world.deleteHosts(hosts.map((h) => h.id));
        await ctx.world.removeGroups([...subtree]);
      }
      const strActionGuid = ctx.actions.start(ctx.owner, {
        succeeded: allowed,
        stateCode: allowed ? 0 : 1,
        stateData: allowed ? {} : { GNRL_EA_DESCRIPTION: 'The group is not empty' },
      });
      return { strActionGuid };
    },
  },

  MoveHostsToGroup: {
    rights: WRITE,
    handler: async (ctx, { nGroup, pHostNames }) => {
      // No hosts, nothing to do: KSC answers without looking at the group.
      if (pHostNames.length === 0) return {};
      const group = visibleGroup(ctx, nGroup);
      const fromUnassigned = group.attributes['grp_from_unassigned'] === true;
      const moved = pHostNames.map((id) => {
        const host = visibleHost(ctx, id);
        return {
          ...host,
          groupId: group.id,
          attributes: {
            ...host.attributes,
            KLHST_WKS_GROUPID: group.id,
            KLHST_WKS_FROM_UNASSIGNED: fromUnassigned,
          },
        };
      });
      await ctx.world.saveHosts(moved);
      return {};
    },
  },

  UpdateHost: {
    rights: WRITE,
    handler: async (ctx, { strHostName, pInfo }) => {
      await ctx.world.saveHosts([updatedHost(visibleHost(ctx, strHostName), pInfo)]);
      return {};
    },
  },

  ZeroVirusCountForGroup: {
    rights: WRITE,
    handler: async (ctx, { nParent }) => {
      const subtree = ctx.world.subtree(visibleGroup(ctx, nParent).id);
      const hosts = canSeeDevices(ctx) ? ctx.world.hostsOf(ctx.vserverId) : [];
      await zeroVirusCounts(
        ctx.world,
        hosts.filter((h) => subtree.has(h.groupId)),
      );
      return { strActionGuid: ctx.actions.start(ctx.owner, { succeeded: true }) };
    },
  },

  ZeroVirusCountForHosts: {
    rights: WRITE,
    handler: async (ctx, { pHostNames }) => {
      // Every name is checked before any counter is reset: an unknown host changes nothing.
      const hosts = pHostNames.map((id) => visibleHost(ctx, id));
      await zeroVirusCounts(ctx.world, hosts);
      return { strActionGuid: ctx.actions.start(ctx.owner, { succeeded: true }) };
    },
  },

  ...hostTaskMethods,
  ...hostSettingsMethods,
  ...incidentMethods,
  ...instanceStatisticsMethods,
});
