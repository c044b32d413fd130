import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import type { HostRecord } from '../world/model.ts';

/**
 * The host a per-host call names by `KLHST_WKS_HOSTNAME`: unknown on the caller's server gives seed 001's
 * `Unknown name of device '%1'`; a caller whose roles do not reach Managed devices gets `Access denied`.
 */
export function requireHost(ctx: MethodContext, argument: string): HostRecord {
  const host = ctx.world.hosts.get(argument);
  if (host === undefined || host.vserverId !== ctx.vserverId) throw faults.unknownDevice(argument);
  if (!canSeeDevices(ctx)) throw faults.accessDenied();
  return host;
}
