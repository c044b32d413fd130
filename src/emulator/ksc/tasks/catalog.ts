/**
 * The task types the simulated agents know, by `TASK_NAME`, and what a run of each does. Types not listed run as
 * a generic task that simply completes. See docs/decisions/0006-emulator-tasks.md.
 */

export type TaskKind = 'scan' | 'update' | 'quarantine' | 'vulnerabilities' | 'generic';

export interface TaskTypeSpec {
  readonly kind: TaskKind;
  /** Sets `KLHST_WKS_LAST_FULLSCAN` when it completes. */
  readonly fullScan: boolean;
  /** Component named by the "Task cannot be performed" event. */
  readonly component: string;
  /** Base run time, ms; each host adds up to a quarter more (derived from its id). */
  readonly durationMs: number;
}

const MINUTE_MS = 60_000;

const spec = (kind: TaskKind, component: string, durationMs: number, fullScan = false): TaskTypeSpec =>
  Object.freeze({ kind, component, durationMs, fullScan });

/** Known task types. `ods` is KES's "Virus scan" (seed 001's Get Task Settings sample). */
export const TASK_TYPES: Readonly<Record<string, TaskTypeSpec>> = Object.freeze({
  ods: spec('scan', 'Virus Scan', 10 * MINUTE_MS, true),
  Scan_My_Computer: spec('scan', 'Virus Scan', 10 * MINUTE_MS, true),
  Critical_Areas_Scan: spec('scan', 'Virus Scan', 4 * MINUTE_MS),
  Updater: spec('update', 'Update', 2 * MINUTE_MS),
  Update: spec('update', 'Update', 2 * MINUTE_MS),
  QuarantineFile: spec('quarantine', 'Quarantine', MINUTE_MS / 3),
  KLNAG_TASK_VAPM_SEARCH: spec('vulnerabilities', 'Vulnerability Assessment', 3 * MINUTE_MS),
});

const GENERIC = spec('generic', 'Task', MINUTE_MS);

export function taskTypeSpec(type: string): TaskTypeSpec {
  return TASK_TYPES[type] ?? GENERIC;
}

/** The KES task type that moves a file of a host into its quarantine (`TASK_ADDITIONAL_PARAMS.FilePaths`). */
export const QUARANTINE_TASK_TYPE = 'QuarantineFile';

/** Bits of "Bitmasks of host task states" (spec §8.3), the keys of `GetTaskStatistics`. */
export const HOST_TASK_STATE = Object.freeze({
  PENDING: 0x01,
  RUNNING: 0x02,
  COMPLETED: 0x04,
  WARNING: 0x08,
  FAILED: 0x10,
  SCHEDULED: 0x20,
  PAUSED: 0x40,
});

export const ALL_HOST_TASK_STATES: readonly number[] = Object.values(HOST_TASK_STATE);

/** `task_new_state` / `task_old_state` of `KLPRCI_TaskState` (spec §8.4). */
export const PRCI_STATE = Object.freeze({ CREATED: 0, RUNNING: 1, SUSPENDED: 2, FAILED: 3, COMPLETED: 4 });
