import type { KlParams } from '../../../ksc/values.ts';
import { TASK_STATE_NAMES, taskStateEventName } from '../world/event-types.ts';
import { makeHostActionEvent, type ActionEventSpec } from '../world/events.ts';
import { SEVERITY, type HostRecord } from '../world/model.ts';
import { PLATFORM_TYPE } from '../world/platforms.ts';
import { findProduct } from '../world/products.ts';
import type { KscWorld } from '../world.ts';
import { PRCI_STATE } from './catalog.ts';
import type { TaskRecord } from './store.ts';

/**
 * The events a real server records about task runs. Every one carries `task_id` (the task's id as an int) and
 * `task_display_name`, so `GetTaskHistory` can select them.
 */

function dn(host: HostRecord): string {
  const name = host.attributes['KLHST_WKS_DN'];
  return typeof name === 'string' ? name : host.id;
}

/** The task's application publishes when the host has it; otherwise the Network Agent does. */
function publisher(task: TaskRecord, host: HostRecord): string | undefined {
  return findProduct(host.products, task.product) === undefined ? undefined : task.product;
}

function taskAttributes(task: TaskRecord, extra: KlParams = {}): KlParams {
  return { task_id: task.id, task_display_name: task.displayName, ...extra };
}

/** `KLPRCI_TaskState`: the task changed its state on the host. */
export function taskStateEvent(
  task: TaskRecord,
  host: HostRecord,
  oldState: number,
  newState: number,
  percent: number,
): ActionEventSpec {
  const from = TASK_STATE_NAMES[oldState] ?? String(oldState);
  const to = TASK_STATE_NAMES[newState] ?? String(newState);
  const product = publisher(task, host);
  return {
    type: 'KLPRCI_TaskState',
    displayName: taskStateEventName(newState),
    severity: newState === PRCI_STATE.FAILED ? SEVERITY.ERROR : SEVERITY.INFO,
    eaId: 4096,
    description: `Task '${task.displayName}' on device '${dn(host)}' changed its state from '${from}' to '${to}'.`,
    ...(product === undefined ? {} : { product }),
    attributes: taskAttributes(task, {
      task_old_state: oldState,
      task_new_state: newState,
      GNRL_COMPLETED_PERCENT: percent,
    }),
  };
}

/** Group task synchronisation states of `KLEVP_GroupTaskSyncState` (spec §8.4: "modified" is 1 there). */
export const SYNC_STATE = Object.freeze({ MODIFIED: 1, SCHEDULED: 32 });

/** `KLEVP_GroupTaskSyncState`: the host received the task ("Scheduled") or it changed since ("Modified"). */
export function syncStateEvent(task: TaskRecord, host: HostRecord, newState: number): ActionEventSpec {
  const display = newState === SYNC_STATE.SCHEDULED ? 'Scheduled' : 'Modified';
  return {
    type: 'KLEVP_GroupTaskSyncState',
    displayName: display,
    severity: SEVERITY.INFO,
    eaId: 0,
    description: `Task '${task.displayName}' on device '${dn(host)}': ${display.toLowerCase()}.`,
    attributes: taskAttributes(task, { task_new_state: newState }),
  };
}

/** Seed 001's "Task cannot be performed" event (type `000000d4`) in the words of the host's platform. */
export function cannotPerformEvent(
  task: TaskRecord,
  host: HostRecord,
  component: string,
  error: string,
): ActionEventSpec {
  const linux = host.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX;
  const lines = [
    'Event type: Task cannot be performed',
    linux ? 'Name: kesl' : 'Name: avp.exe',
    linux
      ? 'Application path: /opt/kaspersky/kesl/bin'
      : 'Application path: C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security for Windows',
    linux ? 'User: root' : 'User: NT AUTHORITY\\SYSTEM (System user)',
    `Component: ${component}`,
    'Result description: Task cannot be started',
    'Object type: Subsystem',
    `Object name: ${component}`,
    'Reason: eERROR',
    `Error: ${error}`,
  ];
  const product = publisher(task, host);
  return {
    type: '000000d4',
    displayName: 'Task cannot be performed',
    severity: SEVERITY.ERROR,
    eaId: 0xd4,
    description: lines.join('\r\n'),
    ...(product === undefined ? {} : { product }),
    attributes: taskAttributes(task),
  };
}

/** `KLBL_EV_FSCAN_COMPLETED` at the end of a full scan. */
export function fullScanCompletedEvent(task: TaskRecord, host: HostRecord, scanned: number): ActionEventSpec {
  const product = publisher(task, host);
  return {
    type: 'KLBL_EV_FSCAN_COMPLETED',
    displayName: 'Full scan completed',
    severity: SEVERITY.INFO,
    eaId: 4097,
    description: `Full scan of device '${dn(host)}' completed: ${scanned} objects scanned.`,
    ...(product === undefined ? {} : { product }),
    attributes: taskAttributes(task, { GNRL_EA_PARAM_1: String(scanned) }),
  };
}

export interface Detection {
  readonly object: string;
  readonly threat: string;
  readonly threatType: string;
  readonly user: string;
}

/** `GNRL_EV_VIRUS_FOUND`: a scan found a malicious object (parameters as in spec §6.3). */
export function virusFoundEvent(task: TaskRecord, host: HostRecord, found: Detection): ActionEventSpec {
  const product = publisher(task, host);
  return {
    type: 'GNRL_EV_VIRUS_FOUND',
    displayName: 'Malicious object detected',
    severity: SEVERITY.CRITICAL,
    eaId: 4098,
    description: `Malicious object detected on device '${dn(host)}': ${found.threat}. Object: ${found.object}. User: ${found.user}.`,
    ...(product === undefined ? {} : { product }),
    attributes: taskAttributes(task, {
      GNRL_EA_PARAM_1: found.object,
      GNRL_EA_PARAM_2: found.threat,
      GNRL_EA_PARAM_3: found.user,
      GNRL_EA_PARAM_4: found.threatType,
    }),
  };
}

/** Stores events a host published at `at`, in order. */
export async function recordHostEvents(
  world: KscWorld,
  host: HostRecord,
  at: number,
  specs: readonly ActionEventSpec[],
): Promise<void> {
  const group = world.groups.get(host.groupId);
  const events = [];
  for (const spec of specs) {
    const event = makeHostActionEvent(host, group, world.nextEventId(), at, spec);
    if (event !== null) events.push(event);
  }
  if (events.length > 0) await world.insertEvents(events);
}
