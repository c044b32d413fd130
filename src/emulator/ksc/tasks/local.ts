import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { faults } from '../faults.ts';
import type { HostRecord } from '../world/model.ts';
import { findProduct } from '../world/products.ts';
import { hashString } from '../../core/random.ts';
import type { KscWorld } from '../world.ts';
import { localTaskChanges, saveLocalTask } from './store.ts';
import { paramsOf } from './targets.ts';

/**
 * A host's local tasks (`HostTasks`): the ones its security application comes with, derived from the host, plus
 * the changes made through the API (stored per host).
 */

interface LocalTaskSpec {
  readonly product: string;
  readonly version: string;
  readonly type: string;
  readonly displayName: string;
}

const LOCAL_TASKS: readonly LocalTaskSpec[] = [
  { product: 'KES', version: '11.0.0.0', type: 'ods', displayName: 'Virus scan' },
  { product: 'KES', version: '11.0.0.0', type: 'Critical_Areas_Scan', displayName: 'Critical areas scan' },
  { product: 'KES', version: '11.0.0.0', type: 'Updater', displayName: 'Update' },
  { product: 'KESL', version: '12.0.0.0', type: 'Scan_My_Computer', displayName: 'Scan_My_Computer' },
  { product: 'KESL', version: '12.0.0.0', type: 'Critical_Areas_Scan', displayName: 'Critical_Areas_Scan' },
  { product: 'KESL', version: '12.0.0.0', type: 'Update', displayName: 'Update' },
];

/** Local task ids are strings (`_LOCAL_` and 8 hex digits), unlike the digits of server tasks. */
function localId(hostId: string, salt: string): string {
  return `_LOCAL_${hashString(`${hostId}:${salt}`).toString(16).padStart(8, '0')}`;
}

function localData(spec: LocalTaskSpec, id: string): KlParams {
  return {
    TASKID_PRODUCT_NAME: spec.product,
    TASKID_VERSION: spec.version,
    TASKID_COMPONENT_NAME: 'Connector',
    TASKID_INSTANCE_ID: '',
    TASK_NAME: spec.type,
    TASKSCH_TYPE: 0,
    TASK_ADDITIONAL_PARAMS: {},
    TASK_INFO_PARAMS: { DisplayName: spec.displayName },
    TASK_UNIQUE_ID: id,
  };
}

/** The local tasks of a host, in a stable order (built-in ones first, then added ones). */
export async function localTasks(world: KscWorld, host: HostRecord): Promise<KlParams[]> {
  const changes = await localTaskChanges(world, host.id);
  const out: KlParams[] = [];
  const seen = new Set<string>();
  for (const spec of LOCAL_TASKS) {
    if (findProduct(host.products, spec.product) === undefined) continue;
    const id = localId(host.id, `${spec.product}:${spec.type}`);
    seen.add(id);
    const changed = changes.get(id);
    if (changed === null) continue;
    out.push(changed ?? localData(spec, id));
  }
  for (const [id, data] of [...changes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!seen.has(id) && data !== null) out.push(data);
  }
  return out;
}

function text(value: KlValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** Keeps the tasks matching the non-empty filters of `HostTasks.ResetTasksIterator`. */
export function matchesLocal(
  task: KlParams,
  filter: { product: string; version: string; component: string; instance: string; type: string },
): boolean {
  return (
    (filter.product === '' || text(task['TASKID_PRODUCT_NAME']) === filter.product) &&
    (filter.version === '' || text(task['TASKID_VERSION']) === filter.version) &&
    (filter.component === '' || text(task['TASKID_COMPONENT_NAME']) === filter.component) &&
    (filter.instance === '' || text(task['TASKID_INSTANCE_ID']) === filter.instance) &&
    (filter.type === '' || text(task['TASK_NAME']) === filter.type)
  );
}

export async function findLocalTask(world: KscWorld, host: HostRecord, id: string): Promise<KlParams> {
  const found = (await localTasks(world, host)).find((t) => t['TASK_UNIQUE_ID'] === id);
  if (found === undefined) throw faults.taskNotFound(id);
  return found;
}

export async function addLocalTask(
  world: KscWorld,
  host: HostRecord,
  pData: KlParams,
  now: number,
): Promise<string> {
  const type = text(pData['TASK_NAME']);
  const product = text(pData['TASKID_PRODUCT_NAME']);
  if (type === '' || product === '') throw faults.badParameter('pData');
  const existing = await localTaskChanges(world, host.id);
  const id = localId(host.id, `added:${existing.size}:${now}`);
  await saveLocalTask(world, host.id, id, { ...pData, TASK_UNIQUE_ID: id });
  return id;
}

export async function updateLocalTask(
  world: KscWorld,
  host: HostRecord,
  id: string,
  pData: KlParams,
): Promise<void> {
  const current = await findLocalTask(world, host, id);
  const info = { ...paramsOf(current['TASK_INFO_PARAMS']), ...paramsOf(pData['TASK_INFO_PARAMS']) };
  await saveLocalTask(world, host.id, id, {
    ...current,
    ...pData,
    TASK_INFO_PARAMS: info,
    TASK_UNIQUE_ID: id,
  });
}

export async function deleteLocalTask(world: KscWorld, host: HostRecord, id: string): Promise<void> {
  await findLocalTask(world, host, id);
  await saveLocalTask(world, host.id, id, null);
}
