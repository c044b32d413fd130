import type { KlParams } from '../../../ksc/values.ts';
import type { TaskRecord } from './store.ts';
import { taskData } from './task-data.ts';

/** The settings of a task that name the event starting it; `PRTS_EVENT_NONE` for a task started by its schedule. */
const START_EVENT_KEYS = [
  'EVENT_TYPE',
  'FILTER_EVENTS_PRODUCT_NAME',
  'FILTER_EVENTS_VERSION',
  'FILTER_EVENTS_COMPONENT_NAME',
  'FILTER_EVENTS_INSTANCE_ID',
] as const;

/** `Tasks.GetTaskStartEvent`: the start-event part of the task's settings, as `GetTaskData` shows it. */
export function taskStartEvent(task: TaskRecord): KlParams {
  const data = taskData(task);
  const event: Record<string, KlParams[string]> = {};
  for (const key of START_EVENT_KEYS) event[key] = data[key] ?? '';
  return event;
}
