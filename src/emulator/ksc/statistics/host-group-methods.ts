import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { virtualServers } from '../hierarchy/servers.ts';
import { isExpired, KEY_TYPE, keyAttributes, listedKeys, readKeyStore } from '../licenses/keys.ts';
import type { ClassImplementation } from '../method.ts';
import { project } from '../records.ts';
import { serverCounters } from './server-counters.ts';

const READ = [need('basic', 'read')];

/**
 * Process ids of the emulated server and of the Network Agent on its host. A real server reports its processes;
 * the emulator reports its own pid for the server and a fixed one for the agent it does not run.
 */
const NAGENT_PID = 4312;

/** The license flags of one virtual server, from its keys (`LicenseKeys`). */
async function licenseDetails(ctx: MethodContext, vserverId: number): Promise<KlParams> {
  const scoped: MethodContext = { ...ctx, vserverId };
  const store = await readKeyStore(scoped);
  const keys = listedKeys(scoped, store, true);
  const now = ctx.clock.now();
  const commercial = keys.filter((k) => k.type === KEY_TYPE.COMMERCIAL && !isExpired(k, now));
  const trial = keys.some((k) => k.type === KEY_TYPE.TRIAL && !isExpired(k, now));
  const details: Record<string, KlValue> = {
    KLSRV_ST_VSERVER_TRIAL_LIC_EXISTS: trial,
    KLSRV_ST_VSERVER_COM_LIC_EXISTS: commercial.length > 0,
  };
  const last = commercial.map((k) => keyAttributes(scoped, k)['KLLIC_LIMIT_DATE'] as Date);
  if (last.length > 0)
    details['KLSRV_ST_VSERVER_LAST_COM_LIC_EXPIR'] = new Date(Math.max(...last.map(Number)));
  return details;
}

/** `KLSRV_ST_VIRT_SERVERS_DETAILS`: one container per virtual server the caller sees. */
async function virtualServerDetails(ctx: MethodContext): Promise<KlParams[]> {
  const out: KlParams[] = [];
  for (const vserver of virtualServers(ctx.world, ctx.vserverId)) {
    const id = Number(vserver['KLVSRV_ID']);
    const hosts = ctx.world.hostsOf(id);
    out.push({
      KLSRV_ST_VIRT_SERVER_ID: BigInt(id),
      KLSRV_ST_VIRT_SERVER_NAME: String(vserver['KLVSRV_DN']),
      KLSRV_ST_VSERVER_HOST_COUNT: hosts.length,
      // Hosts with a Network Agent: the others are only seen (network scan), as a real server counts them.
      KLSRV_ST_VSERVER_REAL_HOST_COUNT: hosts.filter(
        (h) => typeof h.attributes['KLHST_WKS_NAG_VERSION'] === 'string',
      ).length,
      KLSRV_ST_VSERVER_CREATION_DATE: vserver['KLVSRV_CREATED'] as Date,
      KLSRV_ST_VSERVER_IOSMDM_DEV_COUNT: 0,
      KLSRV_ST_VSERVER_KESMOB_DEV_COUNT: 0,
      ...(await licenseDetails(ctx, id)),
    });
  }
  return out;
}

/** `HostGroup.GetInstanceStatistics`; `host-group.ts` serves it with the rest of the class. */
export const instanceStatisticsMethods: ClassImplementation<'HostGroup'> = {
  GetInstanceStatistics: {
    rights: READ,
    handler: async (ctx, { vecFilterFields }) => {
      const seen = ctx.vserverId === 0 ? [...ctx.world.vservers.keys()] : [ctx.vserverId];
      const wanted = vecFilterFields ?? [];
      const all: Record<string, KlValue> = {
        KLSRV_ST_PID_SERVER: process.pid,
        KLSRV_ST_PID_NAGENT: NAGENT_PID,
        KLSRV_ST_VIRT_SERVER_COUNT: virtualServers(ctx.world, ctx.vserverId).length,
        KLSRV_ST_TOTAL_HOSTS_COUNT: seen.reduce((n, id) => n + ctx.world.hostsOf(id).length, 0),
      };
      const counted = wanted.some((f) => !(f in all) && f !== 'KLSRV_ST_VIRT_SERVERS_DETAILS');
      if (counted) Object.assign(all, await serverCounters(ctx, seen));
      if (wanted.includes('KLSRV_ST_VIRT_SERVERS_DETAILS'))
        all['KLSRV_ST_VIRT_SERVERS_DETAILS'] = await virtualServerDetails(ctx);
      return { PxgRetVal: project(all, wanted) };
    },
  },
};
