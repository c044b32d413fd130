import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { faults } from '../faults.ts';
import type { KscWorld } from '../world.ts';
import { QUARANTINE_TASK_TYPE } from './catalog.ts';
import type { TaskRecord } from './store.ts';
import { hostListOf, paramsOf, specificDevicesGroup } from './targets.ts';

/** Task settings as `GetTaskData` serves them (seed 001's Get Task Settings sample), and `pData` parsing. */

const EPOCH = (): Date => new Date(0);
/** Seed 001 and the D3 integration limit display names to 100 characters. */
const MAX_DISPLAY_NAME = 100;

/** Settings every task has, before the task's own. */
function defaults(): KlParams {
  return {
    EVENT_TYPE: 'PRTS_EVENT_NONE',
    FILTER_EVENTS_COMPONENT_NAME: '',
    FILTER_EVENTS_INSTANCE_ID: '',
    FILTER_EVENTS_PRODUCT_NAME: '',
    FILTER_EVENTS_VERSION: '',
    TASKID_COMPONENT_NAME: 'Connector',
    TASKID_INSTANCE_ID: '',
    TASKSCH_FIRST_EXECUTION_TIME: EPOCH(),
    TASKSCH_FIRST_EXECUTION_TIME_SEC: 0,
    TASKSCH_LIFETIME: EPOCH(),
    TASKSCH_MS_PERIOD: 0,
    TASKSCH_RUN_MISSED_FLAG: false,
    TASKSCH_TYPE: 0,
    TASK_ADDITIONAL_PARAMS: {},
    TASK_CLASS_ID: 0,
    TASK_DEL_AFTER_RUN_FLAG: false,
    TASK_MAX_EXEC_TIME: 0,
    TASK_PREP_START: 0,
    TASK_PRIORITY: 1,
    TASK_START_DELTA: 0,
  };
}

/** The settings of a task: defaults, then what the client set, then what the server owns. */
export function taskData(task: TaskRecord): KlParams {
  const lastRun = task.lastRunAt ?? 0;
  return {
    ...defaults(),
    ...task.data,
    TASKID_PRODUCT_NAME: task.product,
    TASKID_VERSION: task.version,
    TASK_NAME: task.type,
    TASK_INFO_PARAMS: {
      ...paramsOf(task.data['TASK_INFO_PARAMS']),
      DisplayName: task.displayName,
      PRTS_TASK_GROUPID: task.groupId,
      PRTS_TASK_CREATION_DATE: new Date(task.createdAt),
    },
    TASK_LAST_EXEC_TIME: new Date(lastRun),
    TASK_LAST_EXEC_TIME_SEC: Math.floor(lastRun / 1000),
    TASK_UNIQUE_ID: String(task.id),
  };
}

/** `GetTask`: the task's attributes ("List of task attributes", spec §8.2). */
export function taskAttributes(task: TaskRecord): KlParams {
  const data = taskData(task);
  return {
    TASK_UNIQUE_ID: String(task.id),
    TASK_NAME: task.type,
    DisplayName: task.displayName,
    TASKID_PRODUCT_NAME: task.product,
    TASKID_VERSION: task.version,
    TASKID_COMPONENT_NAME: data['TASKID_COMPONENT_NAME'] ?? '',
    PRTS_TASK_GROUPID: task.groupId,
    PRTS_TASK_CREATION_DATE: new Date(task.createdAt),
    TASKSCH_TYPE: data['TASKSCH_TYPE'] ?? 0,
    TASK_LAST_EXEC_TIME: new Date(task.lastRunAt ?? 0),
  };
}

function text(value: KlValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `TASK_ADDITIONAL_PARAMS.FilePaths` (or `FilePath`) of a quarantine task. */
export function quarantinePaths(data: KlParams): string[] {
  const extra = paramsOf(data['TASK_ADDITIONAL_PARAMS']);
  const many = extra['FilePaths'];
  const paths = Array.isArray(many) ? many.filter((p): p is string => typeof p === 'string' && p !== '') : [];
  const one = text(extra['FilePath']);
  if (one !== undefined && one !== '') paths.push(one);
  return paths;
}

/** What `AddTask` needs from `pData`, checked; a missing or malformed part is `Bad parameter "pData"`. */
export interface NewTask {
  readonly type: string;
  readonly product: string;
  readonly version: string;
  readonly displayName: string;
  readonly groupId: number;
  readonly data: KlParams;
}

function checkHostList(world: KscWorld, vserverId: number, data: KlParams): void {
  for (const name of hostListOf(data)) {
    const host = world.hosts.get(name);
    if (host === undefined || host.vserverId !== vserverId) throw faults.unknownDevice(name);
  }
}

function checkDisplayName(name: string): void {
  if (name === '' || name.length > MAX_DISPLAY_NAME) throw faults.badParameter('pData');
}

export function parseNewTask(world: KscWorld, vserverId: number, pData: KlParams): NewTask {
  const type = text(pData['TASK_NAME']);
  const product = text(pData['TASKID_PRODUCT_NAME']);
  if (type === undefined || type === '' || product === undefined || product === '')
    throw faults.badParameter('pData');
  const info = paramsOf(pData['TASK_INFO_PARAMS']);
  const displayName = text(info['DisplayName']) ?? type;
  checkDisplayName(displayName);
  checkHostList(world, vserverId, pData);
  const groupValue = info['PRTS_TASK_GROUPID'];
  let groupId: number;
  if (typeof groupValue === 'number') {
    const group = world.groups.get(groupValue);
    if (group === undefined || group.vserverId !== vserverId)
      throw faults.notFound(`Group ${groupValue} not found`);
    groupId = group.id;
  } else {
    // Without a group the task is a task for specific devices (decisions/0006).
    const holder = specificDevicesGroup(world, vserverId);
    if (holder === undefined) throw faults.badParameter('pData');
    groupId = holder.id;
  }
  if (type === QUARANTINE_TASK_TYPE && quarantinePaths(pData).length === 0)
    throw faults.badParameter('pData');
  return { type, product, version: text(pData['TASKID_VERSION']) ?? '', displayName, groupId, data: pData };
}

/**
 * `UpdateTask`: the new settings replace the old ones key by key (`TASK_INFO_PARAMS` member by member). The
 * type, application and group of a task do not change.
 */
export function updatedTask(world: KscWorld, task: TaskRecord, pData: KlParams): TaskRecord {
  const info = { ...paramsOf(task.data['TASK_INFO_PARAMS']), ...paramsOf(pData['TASK_INFO_PARAMS']) };
  const data: KlParams = { ...task.data, ...pData, TASK_INFO_PARAMS: info };
  checkHostList(world, task.vserverId, data);
  const displayName = text(info['DisplayName']) ?? task.displayName;
  checkDisplayName(displayName);
  if (task.type === QUARANTINE_TASK_TYPE && quarantinePaths(data).length === 0)
    throw faults.badParameter('pData');
  return { ...task, displayName, data };
}
