import type { KlValue } from '../../../ksc/values.ts';
import { hashString } from '../../core/random.ts';
import { MASK_BIT } from '../world/status.ts';
import type { HostRecord } from '../world/model.ts';
import type { NewWorld } from '../store/tables/table-set.ts';
import { HOST_TASK_STATE, taskTypeSpec } from './catalog.ts';
import { insertTasks, nextTaskId, type HostTaskState, type TaskRecord } from './store.ts';

/** A group task the quick-start wizard creates on "Managed devices". */
interface QuickStartTask {
  readonly displayName: string;
  readonly type: string;
  readonly product: string;
  readonly version: string;
  readonly component: string;
}

/**
 * The tasks a server has after its quick-start wizard, per installed plug-in. Display names are the ones the
 * generated event history uses (`task_display_name`), so a seeded task's history includes those past events.
 */
const QUICK_START: readonly QuickStartTask[] = [
  {
    displayName: 'Find vulnerabilities and required updates',
    type: 'KLNAG_TASK_VAPM_SEARCH',
    product: '1103',
    version: '1.0.0.0',
    component: '86',
  },
  { displayName: 'Update', type: 'Updater', product: 'KES', version: '11.0.0.0', component: 'Connector' },
  { displayName: 'Virus scan', type: 'ods', product: 'KES', version: '11.0.0.0', component: 'Connector' },
  { displayName: 'Update', type: 'Update', product: 'KESL', version: '12.0.0.0', component: 'Connector' },
  {
    displayName: 'Virus scan',
    type: 'Scan_My_Computer',
    product: 'KESL',
    version: '12.0.0.0',
    component: 'Connector',
  },
];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function timeOf(value: KlValue | undefined): number | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.getTime() : undefined;
}

/** Creates the quick-start tasks of every virtual server; ids count up from 101 in server order. */
export async function seedTasks(world: NewWorld): Promise<void> {
  let id = await nextTaskId(world);
  const tasks: TaskRecord[] = [];
  for (const vserver of [...world.vservers.values()].sort((a, b) => a.id - b.id)) {
    const root = world.rootGroup(vserver.id);
    if (root === undefined) continue;
    // The wizard runs right after installation, when the root group is created.
    const createdAt = (timeOf(root.attributes['creationDate']) ?? world.clock.now()) + HOUR_MS;
    for (const spec of QUICK_START) {
      tasks.push({
        id: id++,
        vserverId: vserver.id,
        groupId: root.id,
        type: spec.type,
        product: spec.product,
        version: spec.version,
        displayName: spec.displayName,
        data: {
          TASKID_COMPONENT_NAME: spec.component,
          TASK_INFO_PARAMS: { DisplayName: spec.displayName, PRTS_TASK_GROUPID: root.id },
        },
        createdAt,
        lastRunAt: null,
        runSeq: 0,
        seeded: true,
      });
    }
  }
  await insertTasks(world, tasks);
}

/**
 * A run's length on one host: the type's base plus up to a quarter more, fixed per host and task, times `scale`
 * (the world's `taskTimeScale` for new runs).
 */
export function runDurationMs(seed: number, task: TaskRecord, hostId: string, scale = 1): number {
  const base = taskTypeSpec(task.type).durationMs;
  const realistic =
    base + (hashString(`${seed}:${task.id}:${hostId}:duration`) % Math.max(1, Math.floor(base / 4)));
  return Math.max(1000, Math.round(realistic * scale));
}

function state(
  task: TaskRecord,
  host: HostRecord,
  code: number,
  descr: string,
  finishTime: number | null = null,
  startTime: number | null = null,
): HostTaskState {
  const finished =
    code === HOST_TASK_STATE.COMPLETED || code === HOST_TASK_STATE.WARNING || code === HOST_TASK_STATE.FAILED;
  const updateNeedsReboot =
    code === HOST_TASK_STATE.COMPLETED &&
    taskTypeSpec(task.type).kind === 'update' &&
    host.attributes['KLHST_WKS_RBT_REQUIRED'] === true;
  return {
    taskId: task.id,
    hostId: host.id,
    state: code,
    runId: 0,
    startTime,
    finishTime,
    dueAt: null,
    remainingMs: null,
    percent: finished ? 100 : 0,
    descr,
    needReboot: updateNeedsReboot,
    tryCount: finished ? 1 : 0,
  };
}

/**
 * A host's state in a task before the emulator changed it. Tasks created through the API start pending
 * (nothing delivered yet). Seeded tasks show a plausible past, consistent with the host: its last full scan,
 * its last bases update, an expired license making scans fail; hosts whose agent never connected are pending.
 */
export function pastState(
  world: Pick<NewWorld, 'seedValue'>,
  task: TaskRecord,
  host: HostRecord,
): HostTaskState {
  const a = host.attributes;
  const lastConnect = timeOf(a['KLHST_WKS_LAST_NAGENT_CONNECTED']);
  if (!task.seeded || lastConnect === undefined)
    return state(task, host, HOST_TASK_STATE.PENDING, 'Not yet delivered to the device');
  const hash = hashString(`${world.seedValue}:${task.id}:${host.id}`);
  const spec = taskTypeSpec(task.type);
  const duration = runDurationMs(world.seedValue, task, host.id);
  const finishedAt = (finish: number | undefined, code: number, descr: string): HostTaskState =>
    finish === undefined || finish < task.createdAt
      ? state(task, host, HOST_TASK_STATE.SCHEDULED, 'Scheduled')
      : state(task, host, code, descr, finish, finish - duration);
  const mask = Number(a['KLHST_WKS_STATUS_MASK'] ?? 0);
  if (spec.kind === 'scan') {
    const lastScan = timeOf(a['KLHST_WKS_LAST_FULLSCAN']);
    if (lastScan !== undefined) return finishedAt(lastScan, HOST_TASK_STATE.COMPLETED, 'Completed');
    if ((mask & (1 << MASK_BIT.LICENSE_EXPIRED)) !== 0)
      return finishedAt(
        lastConnect - (hash % (3 * DAY_MS)),
        HOST_TASK_STATE.FAILED,
        'Component not supported by license',
      );
    return state(task, host, HOST_TASK_STATE.SCHEDULED, 'Scheduled');
  }
  if (spec.kind === 'update') {
    return finishedAt(timeOf(a['KLHST_WKS_LAST_UPDATE']), HOST_TASK_STATE.COMPLETED, 'Completed');
  }
  const roll = hash % 100;
  const finish = lastConnect - (hash % (7 * DAY_MS));
  if (roll < 88) return finishedAt(finish, HOST_TASK_STATE.COMPLETED, 'Completed');
  if (roll < 94) return finishedAt(finish, HOST_TASK_STATE.FAILED, 'Task failed');
  return state(task, host, HOST_TASK_STATE.SCHEDULED, 'Scheduled');
}
