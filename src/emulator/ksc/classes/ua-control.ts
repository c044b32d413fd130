import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { requireHost } from '../inventory/host-access.ts';
import { defineClass } from '../method.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'write')];

/**
 * A new update agent's settings: no scope, downloads updates, no multicast, not a gateway. Member names follow the
 * reference's `Ua*` family; the full "Distribution point settings" list was not retrievable (decisions/0062).
 */
const DEFAULT_UA: KlParams = {
  UaHostId: '',
  UaScope: [],
  UaIsConnectionGateway: false,
  UaIsDmzGateway: false,
  UaDownloadUpdates: true,
  UaUseMulticast: false,
  UaMulticastAddr: '225.6.7.8',
  UaMulticastPort: 15001,
};

async function registered(ctx: MethodContext): Promise<KlParams[]> {
  const stored = await storedSetting(ctx.world, ctx.vserverId, 'update-agents');
  return (stored?.['agents'] as KlParams[] | undefined) ?? [];
}

async function save(ctx: MethodContext, agents: KlParams[]): Promise<void> {
  await storeSetting(ctx.world, ctx.vserverId, 'update-agents', { agents });
}

/** The update agent on `hostId`, or the error KSC throws for a host that is not one. */
async function agentOf(ctx: MethodContext, hostId: string): Promise<{ all: KlParams[]; index: number }> {
  const host = requireHost(ctx, hostId);
  const all = await registered(ctx);
  const index = all.findIndex((ua) => ua['UaHostId'] === host.id);
  if (index < 0) throw faults.notFound(`The device '${host.id}' is not an update agent`);
  return { all, index };
}

/** `pUaInfo` checked: an existing host of the caller's server and a scope array (mandatory for an update agent). */
function checkedInfo(ctx: MethodContext, info: KlParams, name: string, needScope: boolean): KlParams {
  const hostId = info['UaHostId'];
  if (typeof hostId !== 'string' || hostId === '') throw faults.badParameter(name);
  requireHost(ctx, hostId);
  const scope = info['UaScope'];
  if (needScope ? !Array.isArray(scope) : scope !== undefined && !Array.isArray(scope))
    throw faults.badParameter(name);
  return { ...DEFAULT_UA, ...info };
}

/** The groups a host is in, from its own up to the root: a scope naming any of them serves the host. */
function groupChain(ctx: MethodContext, groupId: number): Set<number> {
  const chain = new Set<number>();
  for (let id: number | null = groupId; id !== null && !chain.has(id);) {
    chain.add(id);
    id = ctx.world.groups.get(id)?.parentId ?? null;
  }
  return chain;
}

async function register(ctx: MethodContext, info: KlParams, name: string, gateway: boolean): Promise<void> {
  const ua = checkedInfo(ctx, info, name, !gateway);
  const all = await registered(ctx);
  if (all.some((existing) => existing['UaHostId'] === ua['UaHostId']))
    throw faults.notPermitted(`The device '${String(ua['UaHostId'])}' is already an update agent`);
  await save(ctx, [...all, gateway ? { ...ua, UaIsConnectionGateway: true, UaIsDmzGateway: true } : ua]);
}

/**
 * `UaControl`, stored per virtual server on both backends (`server_settings`). Coverage: every method full, with
 * the attribute list a convention (decisions/0062). The seeded world has no registered update agents, and
 * automatic assignment is on (KSC's default).
 */
export const uaControlClass = defineClass('UaControl', {
  GetAssignUasAutomatically: {
    rights: READ,
    handler: async (ctx) => {
      const stored = await storedSetting(ctx.world, ctx.vserverId, 'assign-uas-automatically');
      return { PxgRetVal: stored?.['enabled'] !== false };
    },
  },
  SetAssignUasAutomatically: {
    rights: WRITE,
    handler: async (ctx, { bEnabled }) => {
      await storeSetting(ctx.world, ctx.vserverId, 'assign-uas-automatically', { enabled: bEnabled });
      return {};
    },
  },
  GetDefaultUpdateAgentRegistrationInfo: {
    rights: READ,
    handler: () => ({ pUaInfo: { ...DEFAULT_UA } }),
  },
  GetUpdateAgentInfo: {
    rights: READ,
    handler: async (ctx, { wstrUaHostId }) => {
      const { all, index } = await agentOf(ctx, wstrUaHostId);
      return { pUaInfo: all[index]! };
    },
  },
  GetUpdateAgentsDisplayInfoForHost: {
    rights: READ,
    handler: async (ctx, { wstrHostId }) => {
      const host = requireHost(ctx, wstrHostId);
      const chain = groupChain(ctx, host.groupId);
      const serving = (await registered(ctx)).filter((ua) =>
        ((ua['UaScope'] as KlParams[] | undefined) ?? []).some((item) =>
          chain.has(Number(item['KLHST_WKS_GROUPID'])),
        ),
      );
      return {
        pUaInfo: serving.map((ua) => ({
          UaHostId: ua['UaHostId'] as string,
          UaDisplayName: String(
            ctx.world.hosts.get(ua['UaHostId'] as string)?.attributes['KLHST_WKS_DN'] ?? '',
          ),
          UaIsConnectionGateway: ua['UaIsConnectionGateway'] === true,
        })),
      };
    },
  },
  GetUpdateAgentsList: {
    rights: READ,
    handler: async (ctx) => ({ pUasArr: await registered(ctx) }),
  },
  ModifyUpdateAgent: {
    rights: WRITE,
    handler: async (ctx, { pUaInfo }) => {
      const ua = checkedInfo(ctx, pUaInfo, 'pUaInfo', false);
      const { all, index } = await agentOf(ctx, ua['UaHostId'] as string);
      // Members not given keep their value; a scope given replaces the old one entirely.
      all[index] = { ...all[index], ...pUaInfo };
      await save(ctx, all);
      return {};
    },
  },
  RegisterUpdateAgent: {
    rights: WRITE,
    handler: async (ctx, { pUaInfo }) => {
      await register(ctx, pUaInfo, 'pUaInfo', false);
      return {};
    },
  },
  RegisterDmzGateway: {
    rights: WRITE,
    handler: async (ctx, { pCgInfo }) => {
      await register(ctx, pCgInfo, 'pCgInfo', true);
      return {};
    },
  },
  UnregisterUpdateAgent: {
    rights: WRITE,
    handler: async (ctx, { wstrUaHostId }) => {
      const { all, index } = await agentOf(ctx, wstrUaHostId);
      all.splice(index, 1);
      await save(ctx, all);
      return {};
    },
  },
});
