import type { AgentWork } from '../agents/scheduler.ts';
import type { MethodContext } from '../context.ts';
import { makeHostActionEvent } from '../world/events.ts';
import type { EventRecord, HostRecord } from '../world/model.ts';
import { NETWORK_AGENT, findProduct } from '../world/products.ts';
import { HOST_TASK_STATE, PRCI_STATE } from './catalog.ts';
import { SYNC_STATE, recordHostEvents, syncStateEvent, taskStateEvent } from './events.ts';
import { pastState, runDurationMs } from './seed.ts';
import { percentAt, targetStates, type TargetState } from './states.ts';
import { saveStates, saveTask, storedState, type HostTaskState, type TaskRecord } from './store.ts';
import { TASK_WORK, type TaskWorkPayload } from './work.ts';

/**
 * What the server does when a client starts, pauses, resumes or stops a task, or changes who gets it. The hosts
 * act at their next sync (work.ts); what the server itself knows changes now.
 */

const active = (state: number): boolean =>
  state === HOST_TASK_STATE.RUNNING || state === HOST_TASK_STATE.PAUSED;

/** Only hosts with a Network Agent ever sync; the others stay "pending" for good. */
function syncs(host: HostRecord): boolean {
  return findProduct(host.products, NETWORK_AGENT.code) !== undefined;
}

function payloadOf(work: AgentWork): TaskWorkPayload | undefined {
  const payload = work.payload as TaskWorkPayload | null;
  return typeof payload?.taskId === 'number' ? payload : undefined;
}

/** Pending work of one task (queued runs, runs that will finish, deliveries), by host. */
async function pendingWork(ctx: MethodContext, taskId: number, kind: string): Promise<Set<string>> {
  const hosts = new Set<string>();
  for (const work of await ctx.agents.pending()) {
    if (work.kind === kind && work.hostId !== null && payloadOf(work)?.taskId === taskId)
      hosts.add(work.hostId);
  }
  return hosts;
}

function cancelWork(ctx: MethodContext, kind: string, hostId: string, taskId: number): Promise<number> {
  return ctx.agents.cancel(kind, hostId, (payload) => (payload as TaskWorkPayload | null)?.taskId === taskId);
}

/**
 * A new or changed task reaches its hosts at their next sync: until then they are "pending" (the modification
 * has not been distributed). A change of an existing task also records "Modified" for each host.
 */
export async function distribute(
  ctx: MethodContext,
  task: TaskRecord,
  hosts: readonly HostRecord[],
  modified: boolean,
): Promise<void> {
  const world = ctx.world;
  const now = ctx.clock.now();
  const states: HostTaskState[] = [];
  const events: EventRecord[] = [];
  for (const host of hosts) {
    const current = (await storedState(world, task.id, host.id)) ?? pastState(world, task, host);
    if (active(current.state)) continue;
    states.push({ ...current, state: HOST_TASK_STATE.PENDING, descr: 'Not yet delivered to the device' });
    if (!syncs(host)) continue;
    await cancelWork(ctx, TASK_WORK.SYNC, host.id, task.id);
    await ctx.agents.atNextSync(host.id, TASK_WORK.SYNC, { taskId: task.id } satisfies TaskWorkPayload);
    if (modified) {
      const spec = syncStateEvent(task, host, SYNC_STATE.MODIFIED);
      const event = makeHostActionEvent(host, world.groups.get(host.groupId), world.nextEventId(), now, spec);
      if (event !== null) events.push(event);
    }
  }
  await saveStates(world, states);
  if (events.length > 0) await world.insertEvents(events);
}

/** `RunTask`: each host that is not already running it starts at its next sync. */
export async function runTask(ctx: MethodContext, task: TaskRecord): Promise<void> {
  const runId = task.runSeq + 1;
  await saveTask(ctx.world, { ...task, runSeq: runId, lastRunAt: ctx.clock.now() });
  for (const { host, state } of await targetStates(ctx.world, task)) {
    if (active(state.state) || !syncs(host)) continue;
    // A second RunTask before the sync replaces the queued start rather than starting twice.
    await cancelWork(ctx, TASK_WORK.RUN, host.id, task.id);
    await ctx.agents.atNextSync(host.id, TASK_WORK.RUN, { taskId: task.id, runId } satisfies TaskWorkPayload);
  }
}

/** `SuspendTask`: running hosts pause where they are; hosts whose start is still queued pause before it. */
export async function suspendTask(ctx: MethodContext, task: TaskRecord): Promise<void> {
  const now = ctx.clock.now();
  const queued = await pendingWork(ctx, task.id, TASK_WORK.RUN);
  const changed: HostTaskState[] = [];
  for (const { host, state } of await targetStates(ctx.world, task)) {
    if (state.state === HOST_TASK_STATE.RUNNING) {
      await cancelWork(ctx, TASK_WORK.FINISH, host.id, task.id);
      const percent = percentAt(state, now);
      changed.push({
        ...state,
        state: HOST_TASK_STATE.PAUSED,
        remainingMs: Math.max(0, (state.dueAt ?? now) - now),
        dueAt: null,
        percent,
        descr: 'Paused',
      });
      await recordHostEvents(ctx.world, host, now, [
        taskStateEvent(task, host, PRCI_STATE.RUNNING, PRCI_STATE.SUSPENDED, percent),
      ]);
    } else if (queued.has(host.id)) {
      await cancelWork(ctx, TASK_WORK.RUN, host.id, task.id);
      // Not started yet: no time left is recorded, so a resume queues the start again.
      changed.push({ ...state, state: HOST_TASK_STATE.PAUSED, remainingMs: null, descr: 'Paused' });
    }
  }
  await saveStates(ctx.world, changed);
}

/** `ResumeTask`: paused hosts carry on (or start at their next sync if they had not started). */
export async function resumeTask(ctx: MethodContext, task: TaskRecord): Promise<void> {
  const now = ctx.clock.now();
  const changed: HostTaskState[] = [];
  for (const { host, state } of await targetStates(ctx.world, task)) {
    if (state.state !== HOST_TASK_STATE.PAUSED) continue;
    if (state.remainingMs === null) {
      changed.push({ ...state, state: HOST_TASK_STATE.SCHEDULED, descr: 'Scheduled' });
      await ctx.agents.atNextSync(host.id, TASK_WORK.RUN, {
        taskId: task.id,
        runId: task.runSeq,
      } satisfies TaskWorkPayload);
      continue;
    }
    const total = runDurationMs(ctx.world.seedValue, task, host.id, ctx.world.taskTimeScale);
    const dueAt = now + state.remainingMs;
    changed.push({
      ...state,
      state: HOST_TASK_STATE.RUNNING,
      // Progress continues from where it stopped: the run's start moves by the time spent paused.
      startTime: dueAt - total,
      dueAt,
      remainingMs: null,
      descr: 'Running',
    });
    await ctx.agents.schedule({
      vserverId: host.vserverId,
      hostId: host.id,
      dueAt,
      kind: TASK_WORK.FINISH,
      payload: { taskId: task.id, runId: state.runId } satisfies TaskWorkPayload,
    });
    await recordHostEvents(ctx.world, host, now, [
      taskStateEvent(task, host, PRCI_STATE.SUSPENDED, PRCI_STATE.RUNNING, state.percent),
    ]);
  }
  await saveStates(ctx.world, changed);
}

/** `CancelTask`: queued starts are withdrawn; running and paused hosts stop, which ends their run as failed. */
export async function cancelTask(ctx: MethodContext, task: TaskRecord): Promise<void> {
  const now = ctx.clock.now();
  const queued = await pendingWork(ctx, task.id, TASK_WORK.RUN);
  const changed: HostTaskState[] = [];
  for (const target of await targetStates(ctx.world, task)) {
    const { host, state } = target;
    if (queued.has(host.id)) await cancelWork(ctx, TASK_WORK.RUN, host.id, task.id);
    if (!active(state.state)) continue;
    await stopHost(ctx, task, target, now, changed);
  }
  await saveStates(ctx.world, changed);
}

async function stopHost(
  ctx: MethodContext,
  task: TaskRecord,
  { host, state }: TargetState,
  now: number,
  changed: HostTaskState[],
): Promise<void> {
  await cancelWork(ctx, TASK_WORK.FINISH, host.id, task.id);
  const startedBefore = state.state === HOST_TASK_STATE.RUNNING || state.remainingMs !== null;
  if (!startedBefore) {
    changed.push({ ...state, state: HOST_TASK_STATE.SCHEDULED, descr: 'Scheduled' });
    return;
  }
  const percent = percentAt(state, now);
  changed.push({
    ...state,
    state: HOST_TASK_STATE.FAILED,
    finishTime: now,
    dueAt: null,
    remainingMs: null,
    percent: 100,
    descr: 'Stopped by the user',
  });
  const from = state.state === HOST_TASK_STATE.PAUSED ? PRCI_STATE.SUSPENDED : PRCI_STATE.RUNNING;
  await recordHostEvents(ctx.world, host, now, [
    taskStateEvent(task, host, from, PRCI_STATE.FAILED, percent),
  ]);
}

/** `DeleteTask`: whatever the agents still had to do for it is dropped. */
export async function dropTaskWork(ctx: MethodContext, task: TaskRecord): Promise<void> {
  for (const work of await ctx.agents.pending()) {
    if (!work.kind.startsWith('task.') || work.hostId === null || payloadOf(work)?.taskId !== task.id)
      continue;
    await cancelWork(ctx, work.kind, work.hostId, task.id);
  }
}
