import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { storedSetting, updateSetting } from '../server-settings/store.ts';
import { MDM_PROTOCOL } from './devices.ts';

/**
 * Multitenancy servers of the world: each virtual server has one iOS MDM server (the reference: settings exist
 * only for the iOS MDM protocol). Settings a client sets are stored per virtual server in `server_settings` under
 * `multitenancy-servers` and read back as set (decisions/0074).
 */

export interface MultitenancyServer {
  readonly id: string;
  readonly protocol: number;
  readonly hostName: string;
  readonly productName: string;
  readonly productVersion: string;
}

export function multitenancyServers(ctx: MethodContext): MultitenancyServer[] {
  return [
    {
      id: `mdm4ios-${ctx.vserverId}`,
      protocol: MDM_PROTOCOL.IOS_MDM,
      hostName: ctx.vserverId === 0 ? 'KSC-SRV' : `KSC-SRV (virtual server ${ctx.vserverId})`,
      productName: 'iOS MDM Server',
      productVersion: '16.0.0.1000',
    },
  ];
}

/** "Multitenancy servers info" (`MTNC_SRV_INFO_*`). */
export function serverInfo(server: MultitenancyServer): KlParams {
  return {
    MTNC_SRV_INFO_STR_ID: server.id,
    MTNC_SRV_INFO_PROT_ID: server.protocol,
    MTNC_SRV_INFO_HOST_DN: server.hostName,
    MTNC_SRV_INFO_PROD_DN: server.productName,
    MTNC_SRV_INFO_PROD_DV: server.productVersion,
  };
}

/** The server `id` names; empty: the first server (the reference's rule); unknown: KLSTD 1186. */
export function serverById(ctx: MethodContext, id: string): MultitenancyServer {
  const servers = multitenancyServers(ctx);
  const found = id === '' ? servers[0] : servers.find((s) => s.id === id);
  if (found === undefined) throw faults.notFound(`Multitenancy server '${id}' not found`);
  return found;
}

export async function serverSettings(ctx: MethodContext, server: MultitenancyServer): Promise<KlParams> {
  const stored = await storedSetting(ctx.world, ctx.vserverId, 'multitenancy-servers');
  return (stored?.[server.id] as KlParams | undefined) ?? {};
}

export async function setServerSettings(
  ctx: MethodContext,
  server: MultitenancyServer,
  settings: KlParams,
): Promise<void> {
  await updateSetting(ctx.world, ctx.vserverId, 'multitenancy-servers', (stored) => ({
    value: { ...stored, [server.id]: settings },
    result: undefined,
  }));
}
