import { need, satisfies } from '../auth/rights.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import type { HostRecord } from '../world/model.ts';
import { QUARANTINE_TASK_TYPE } from './catalog.ts';
import { findTask, type TaskRecord } from './store.ts';

/** Lookups shared by the task methods. */

/**
 * Task ids the store holds: 32-bit ints, so at most nine digits are sure to fit. The catalogue checks that
 * `strTask` is "task id in digital representation, like \"1\" or \"45\"" (spec §8.1).
 */
const STORED_TASK_ID = /^\d{1,9}$/;

/**
 * The task of the caller's virtual server, or `Task #N was not found`; `Bad parameter` (naming `argument`) for an id
 * too long to be one.
 */
export async function taskOf(ctx: MethodContext, strTask: string, argument = 'strTask'): Promise<TaskRecord> {
  if (!STORED_TASK_ID.test(strTask)) throw faults.badParameter(argument);
  const task = await findTask(ctx.world, ctx.vserverId, Number(strTask));
  if (task === undefined) throw faults.taskNotFound(strTask);
  return task;
}

/**
 * A host named by its id (`KLHST_WKS_HOSTNAME`) or, as the D3 integration passes it, by its display or NetBIOS
 * name (then `strDomainName`, when given, must match its domain). Undefined when nothing matches.
 */
export function findHostByName(ctx: MethodContext, name: string, domain = ''): HostRecord | undefined {
  const byId = ctx.world.hosts.get(name);
  if (byId !== undefined && byId.vserverId === ctx.vserverId) return byId;
  const wanted = name.toLowerCase();
  const wantedDomain = domain.toLowerCase();
  return ctx.world.hostsOf(ctx.vserverId).find((host) => {
    const a = host.attributes;
    const names = [a['KLHST_WKS_DN'], a['KLHST_WKS_WINHOSTNAME']].map((v) => String(v ?? '').toLowerCase());
    if (!names.includes(wanted)) return false;
    return wantedDomain === '' || String(a['KLHST_WKS_WINDOMAIN'] ?? '').toLowerCase() === wantedDomain;
  });
}

/** Device data needs the Managed devices scope (decisions/0004). */
export function requireDevices(ctx: MethodContext): void {
  if (!canSeeDevices(ctx)) throw faults.accessDenied();
}

/**
 * Seed 001: quarantining files needs the KES anti-virus area (read, write, execute, device selections) on top
 * of what creating or running any task needs.
 */
export function requireTypeRights(ctx: MethodContext, type: string): void {
  if (type !== QUARANTINE_TASK_TYPE) return;
  if (!satisfies(ctx.rights.server, [need('kesAntivirus', 'read', 'write', 'execute', 'selections')]))
    throw faults.accessDenied();
}
