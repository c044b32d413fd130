import type { AgentScheduler, AgentWork, WorkHandler } from '../agents/scheduler.ts';
import { addToQuarantine } from '../lists/quarantine.ts';
import type { HostRecord } from '../world/model.ts';
import { MASK_BIT } from '../world/status.ts';
import { findProduct } from '../world/products.ts';
import { HOST_TASK_STATE, PRCI_STATE, taskTypeSpec } from './catalog.ts';
import {
  SYNC_STATE,
  cannotPerformEvent,
  fullScanCompletedEvent,
  recordHostEvents,
  syncStateEvent,
  taskStateEvent,
  virusFoundEvent,
} from './events.ts';
import { afterScan, afterUpdate, scanDetection, scannedObjects } from './host-effects.ts';
import { runDurationMs, pastState } from './seed.ts';
import { findTask, saveStates, storedState, type HostTaskState, type TaskRecord } from './store.ts';
import { quarantinePaths } from './task-data.ts';

/**
 * What the simulated Network Agents do with tasks. `task.sync`: the host receives a new or changed task;
 * `task.run`: a run starts at the host's sync; `task.finish`: the run ends. States and events are dated by the
 * work's due time.
 */

export const TASK_WORK = Object.freeze({
  SYNC: 'task.sync',
  RUN: 'task.run',
  FINISH: 'task.finish',
});

export interface TaskWorkPayload {
  readonly taskId: number;
  readonly runId?: number;
}

interface Subject {
  readonly task: TaskRecord;
  readonly host: HostRecord;
  readonly payload: TaskWorkPayload;
}

async function subjectOf(work: AgentWork, agents: AgentScheduler): Promise<Subject | undefined> {
  const payload = work.payload as TaskWorkPayload;
  const host = work.hostId === null ? undefined : agents.world.hosts.get(work.hostId);
  if (host === undefined || typeof payload?.taskId !== 'number') return undefined;
  const task = await findTask(agents.world, work.vserverId, payload.taskId);
  return task === undefined ? undefined : { task, host, payload };
}

/** Why a run cannot start on the host, in the words of the failure event; undefined when it can. */
function obstacle(task: TaskRecord, host: HostRecord): string | undefined {
  if (findProduct(host.products, task.product) === undefined) return 'Application is not installed';
  const kind = taskTypeSpec(task.type).kind;
  const mask = Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0);
  if ((kind === 'scan' || kind === 'quarantine') && (mask & (1 << MASK_BIT.LICENSE_EXPIRED)) !== 0)
    return 'Component not supported by license';
  return undefined;
}

function finished(current: HostTaskState, state: number, at: number, descr: string): HostTaskState {
  return { ...current, state, finishTime: at, dueAt: null, remainingMs: null, percent: 100, descr };
}

const onSync: WorkHandler = async (work, agents) => {
  const subject = await subjectOf(work, agents);
  if (subject === undefined) return;
  const { task, host } = subject;
  const current = await storedState(agents.world, task.id, host.id);
  if (current?.state !== HOST_TASK_STATE.PENDING) return;
  await saveStates(agents.world, [{ ...current, state: HOST_TASK_STATE.SCHEDULED, descr: 'Scheduled' }]);
  await recordHostEvents(agents.world, host, work.dueAt, [syncStateEvent(task, host, SYNC_STATE.SCHEDULED)]);
};

const onRun: WorkHandler = async (work, agents) => {
  const subject = await subjectOf(work, agents);
  if (subject === undefined) return;
  const { task, host } = subject;
  const world = agents.world;
  const runId = subject.payload.runId ?? 0;
  const at = work.dueAt;
  const current = (await storedState(world, task.id, host.id)) ?? pastState(world, task, host);
  if (current.state === HOST_TASK_STATE.RUNNING || current.state === HOST_TASK_STATE.PAUSED) return;
  const started: HostTaskState = {
    ...current,
    runId,
    startTime: at,
    finishTime: null,
    remainingMs: null,
    percent: 0,
    needReboot: false,
    tryCount: current.tryCount + 1,
  };
  const spec = taskTypeSpec(task.type);
  const problem = obstacle(task, host);
  if (problem !== undefined) {
    await saveStates(world, [finished(started, HOST_TASK_STATE.FAILED, at, problem)]);
    await recordHostEvents(world, host, at, [
      cannotPerformEvent(task, host, spec.component, problem),
      taskStateEvent(task, host, PRCI_STATE.CREATED, PRCI_STATE.FAILED, 100),
    ]);
    return;
  }
  const dueAt = at + runDurationMs(world.seedValue, task, host.id, world.taskTimeScale);
  await saveStates(world, [{ ...started, state: HOST_TASK_STATE.RUNNING, dueAt, descr: 'Running' }]);
  await recordHostEvents(world, host, at, [
    taskStateEvent(task, host, PRCI_STATE.CREATED, PRCI_STATE.RUNNING, 0),
  ]);
  if (spec.kind === 'quarantine') {
    try {
      for (const path of quarantinePaths(task.data)) await addToQuarantine(agents, host.id, { path }, at);
    } catch (error) {
      const reason = `Cannot move the file to quarantine: ${error instanceof Error ? error.message : 'error'}`;
      await saveStates(world, [finished({ ...started, dueAt }, HOST_TASK_STATE.FAILED, at, reason)]);
      await recordHostEvents(world, host, at, [
        taskStateEvent(task, host, PRCI_STATE.RUNNING, PRCI_STATE.FAILED, 100),
      ]);
      return;
    }
  }
  await agents.schedule({
    vserverId: host.vserverId,
    hostId: host.id,
    dueAt,
    kind: TASK_WORK.FINISH,
    payload: { taskId: task.id, runId } satisfies TaskWorkPayload,
  });
};

const onFinish: WorkHandler = async (work, agents) => {
  const subject = await subjectOf(work, agents);
  if (subject === undefined) return;
  const { task } = subject;
  let host = subject.host;
  const world = agents.world;
  const at = work.dueAt;
  const current = await storedState(world, task.id, host.id);
  if (current?.state !== HOST_TASK_STATE.RUNNING || current.runId !== subject.payload.runId) return;
  const spec = taskTypeSpec(task.type);
  let state: number = HOST_TASK_STATE.COMPLETED;
  let descr = 'Completed';
  if (spec.kind === 'scan') {
    const found = scanDetection(world.seedValue, task.id, host, current.runId);
    if (found !== undefined) {
      await recordHostEvents(world, host, at, [virusFoundEvent(task, host, found)]);
      try {
        await addToQuarantine(agents, host.id, { path: found.object, threat: found.threat }, at);
      } catch {
        // The object stays where it is: the run ends with a warning instead of hiding the detection.
        state = HOST_TASK_STATE.WARNING;
        descr = 'Threats detected; not all objects were moved to quarantine';
      }
    }
    host = await afterScan(world, host, at, spec.fullScan, found === undefined ? 0 : 1);
    if (spec.fullScan) {
      const scanned = scannedObjects(world.seedValue, task.id, host.id, current.runId);
      await recordHostEvents(world, host, at, [fullScanCompletedEvent(task, host, scanned)]);
    }
  } else if (spec.kind === 'update') {
    host = await afterUpdate(world, host, at);
  }
  const needReboot = spec.kind === 'update' && host.attributes['KLHST_WKS_RBT_REQUIRED'] === true;
  await saveStates(world, [{ ...finished(current, state, at, descr), needReboot }]);
  await recordHostEvents(world, host, at, [
    taskStateEvent(task, host, PRCI_STATE.RUNNING, PRCI_STATE.COMPLETED, 100),
  ]);
};

/** Scheduled work of this part, by kind (`task.…`). */
export const taskWork: Readonly<Record<string, WorkHandler>> = {
  [TASK_WORK.SYNC]: onSync,
  [TASK_WORK.RUN]: onRun,
  [TASK_WORK.FINISH]: onFinish,
};
