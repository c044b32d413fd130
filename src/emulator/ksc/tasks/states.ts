import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord } from '../world/model.ts';
import type { KscWorld } from '../world.ts';
import { ALL_HOST_TASK_STATES, HOST_TASK_STATE } from './catalog.ts';
import { pastState } from './seed.ts';
import { storedStates, type HostTaskState, type TaskRecord } from './store.ts';
import { taskTargets } from './targets.ts';

export interface TargetState {
  readonly host: HostRecord;
  readonly state: HostTaskState;
}

/** Progress of a host's run at `now`: a running host advances with the clock. */
export function percentAt(state: HostTaskState, now: number): number {
  if (state.state !== HOST_TASK_STATE.RUNNING) return state.percent;
  if (state.dueAt === null || state.startTime === null || state.dueAt <= state.startTime)
    return state.percent;
  const share = (now - state.startTime) / (state.dueAt - state.startTime);
  return Math.max(0, Math.min(99, Math.floor(share * 100)));
}

/** Every target host of a task with its current state (stored, or derived from the seed). */
export async function targetStates(world: KscWorld, task: TaskRecord): Promise<TargetState[]> {
  const stored = await storedStates(world, task.id);
  return taskTargets(world, task).map((host) => ({
    host,
    state: stored.get(host.id) ?? pastState(world, task, host),
  }));
}

/**
 * `GetTaskStatistics`: host counts by state bit ("1".."64"), the overall completion percent (finished hosts count
 * 100, running and paused ones their progress) and the number of hosts that asked for a restart.
 */
export function taskStatistics(states: readonly TargetState[], now: number): KlParams {
  const counts = new Map<number, number>(ALL_HOST_TASK_STATES.map((bit) => [bit, 0]));
  let percent = 0;
  let reboot = 0;
  for (const { state } of states) {
    counts.set(state.state, (counts.get(state.state) ?? 0) + 1);
    percent += percentAt(state, now);
    if (state.needReboot) reboot++;
  }
  const out: Record<string, number> = {};
  for (const bit of ALL_HOST_TASK_STATES) out[String(bit)] = counts.get(bit) ?? 0;
  out['GNRL_COMPLETED_PERCENT'] = states.length === 0 ? 0 : Math.round(percent / states.length);
  out['KLTSK_NEED_RBT_CNT'] = reboot;
  return out;
}

/** A host's record in the host-status iterators ("Host task state attributes", spec §8.4). */
export function hostStatusRecord(target: TargetState, now: number): KlParams {
  const { host, state } = target;
  const a = host.attributes;
  const record: Record<string, KlParams[string]> = {
    domain_name: typeof a['KLHST_WKS_WINDOMAIN'] === 'string' ? a['KLHST_WKS_WINDOMAIN'] : '',
    hostname: host.id,
    hostdn: typeof a['KLHST_WKS_DN'] === 'string' ? a['KLHST_WKS_DN'] : host.id,
    state_code: state.state,
    try_count: state.tryCount,
    state_descr: state.descr,
    completed_percent: percentAt(state, now),
  };
  if (state.startTime !== null) record['start_time'] = new Date(state.startTime);
  if (state.finishTime !== null) record['finish_time'] = new Date(state.finishTime);
  return record;
}
