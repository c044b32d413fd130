import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import type { HostRecord } from '../world/model.ts';

/**
 * The server object `HostGroup.GetHostTasks` returns (`strSrvObjId`): a handle on one host's local tasks with
 * its own task iterator. It is a result set of the caller's session like any other (decisions/0005).
 */
export const HOST_TASKS_KIND = 'HostTasks';
const LIFETIME_SECONDS = 3600;

export interface HostTasksObject {
  readonly hostId: string;
  items: readonly KlParams[] | undefined;
  next: number;
}

export function openHostTasks(ctx: MethodContext, hostId: string): string {
  const data: HostTasksObject = { hostId, items: undefined, next: 0 };
  return ctx.iterators.create(HOST_TASKS_KIND, ctx.owner, LIFETIME_SECONDS, data);
}

export function hostTasksObject(
  ctx: MethodContext,
  id: string,
): { object: HostTasksObject; host: HostRecord } {
  const object = ctx.iterators.get<HostTasksObject>(HOST_TASKS_KIND, id, ctx.owner);
  const host = ctx.world.hosts.get(object.hostId);
  // The host was deleted since the object was made.
  if (host === undefined) throw faults.unknownDevice(object.hostId);
  return { object, host };
}
