import type { KlParams } from '../../../ksc/values.ts';
import type { TaskRecord } from './store.ts';

/**
 * The event filter of `GetTaskHistory`: the events that carry the task's id, and for a seeded task also the
 * past events of the generated history that name it (same display name and application, no task id), combined
 * with the caller's own `pFilter`.
 */

function quoted(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

export function historyFilter(task: TaskRecord, callerFilter: KlParams): KlParams {
  const own = `(task_id = ${task.id})`;
  const mine = task.seeded
    ? `(|${own}(&(task_display_name = ${quoted(task.displayName)})(product_name = ${quoted(task.product)})(!(task_id > 0))))`
    : own;
  const theirs = callerFilter['KLEVP_RFC2254_FILTER'];
  const combined =
    typeof theirs === 'string' && theirs.trim() !== ''
      ? `(&${mine}${theirs.trim().startsWith('(') ? theirs.trim() : `(${theirs.trim()})`})`
      : mine;
  return { ...callerFilter, KLEVP_RFC2254_FILTER: combined };
}
