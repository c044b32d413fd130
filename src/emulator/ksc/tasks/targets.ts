import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { GroupRecord, HostRecord } from '../world/model.ts';
import { findProduct } from '../world/products.ts';
import type { KscWorld } from '../world.ts';
import type { TaskRecord } from './store.ts';

/** Name of the root group that holds tasks for specific devices (`HostGroup.GroupIdSuper`). */
const SPECIFIC_DEVICES_GROUP = 'Administration Servers';

/** The group tasks for specific devices belong to in a virtual server. */
export function specificDevicesGroup(world: KscWorld, vserverId: number): GroupRecord | undefined {
  return world.groupsOf(vserverId).find((g) => g.parentId === null && g.name === SPECIFIC_DEVICES_GROUP);
}

export function paramsOf(value: KlValue | undefined): KlParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return {};
  if (value instanceof Uint8Array) return {};
  return value as KlParams;
}

/** `TASK_INFO_PARAMS.HostList[*].HostName`: the devices a task names explicitly. */
export function hostListOf(data: KlParams): string[] {
  const list = paramsOf(data['TASK_INFO_PARAMS'])['HostList'];
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const item of list as readonly (KlValue | null)[]) {
    const name = paramsOf(item ?? undefined)['HostName'];
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

/** A group task reaches the hosts of its group's subtree that run the task's application. */
function reachedByGroup(task: TaskRecord, host: HostRecord, subtree: ReadonlySet<number>): boolean {
  return subtree.has(host.groupId) && findProduct(host.products, task.product) !== undefined;
}

/** The hosts a task applies to: its group's hosts with the application, and the hosts it lists. */
export function taskTargets(world: KscWorld, task: TaskRecord): HostRecord[] {
  const out = new Map<string, HostRecord>();
  const group = world.groups.get(task.groupId);
  if (group !== undefined && group.vserverId === task.vserverId && group.name !== SPECIFIC_DEVICES_GROUP) {
    const subtree = world.subtree(group.id);
    for (const host of world.hostsOf(task.vserverId))
      if (reachedByGroup(task, host, subtree)) out.set(host.id, host);
  }
  for (const id of hostListOf(task.data)) {
    const host = world.hosts.get(id);
    if (host !== undefined && host.vserverId === task.vserverId) out.set(host.id, host);
  }
  return [...out.values()];
}

/** Whether a task applies to one host (cheaper than listing every target). */
export function taskAppliesTo(world: KscWorld, task: TaskRecord, host: HostRecord): boolean {
  if (host.vserverId !== task.vserverId) return false;
  if (hostListOf(task.data).includes(host.id)) return true;
  const group = world.groups.get(task.groupId);
  if (group === undefined || group.name === SPECIFIC_DEVICES_GROUP) return false;
  return reachedByGroup(task, host, world.subtree(group.id));
}
