import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

const byTask = () => z.strictObject({ strTask: arg.taskId() });

const hostIterator = {
  strTask: arg.taskId(),
  pFields2Return: arg.strings().optional(),
  /** Host-state bits to include (1 pending, 2 running, 4 succeeded, …); 0 for every state. */
  nHostStateMask: arg.int().optional(),
  nLifetime: arg.int().optional(),
};

/** `Tasks`: group tasks and tasks for specific devices. Task ids are strings of digits. */
export const tasksMethods = {
  /** Reads a task's attributes (`TASK_NAME`, `DisplayName`, `TASK_UNIQUE_ID`, …). */
  'Tasks.GetTask': kscMethod({ args: byTask(), reply: z.looseObject({ PxgRetVal: out.params() }) }),
  /** Reads a task's settings, in the shape `AddTask` takes. */
  'Tasks.GetTaskData': kscMethod({ args: byTask(), reply: z.looseObject({ PxgRetVal: out.params() }) }),
  /** Returns the id of the administration group a task belongs to. */
  'Tasks.GetTaskGroup': kscMethod({
    args: z.strictObject({ strTaskId: arg.taskId() }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Counts the task's hosts per host-state bit (keys "1" to "64"); deprecated since KSC 15. */
  'Tasks.GetTaskStatistics': kscMethod({
    args: byTask(),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Counts the task's hosts per state (the KSC 15 successor of `GetTaskStatistics`). */
  'Tasks.GetTaskStatistics2': kscMethod({
    args: byTask(),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Opens an event result set of a task's history, read with `EventProcessing`. */
  'Tasks.GetTaskHistory': kscMethod({
    args: z.strictObject({
      strTask: arg.taskId(),
      pFields2Return: arg.strings().optional(),
      pSortFields: arg.order().optional(),
      /** A host id to narrow the history to; empty or null for every host. */
      strHostName: arg.optionalText(),
      pFilter: arg.params().optional(),
    }),
    reply: z.looseObject({ strIteratorId: out.string() }),
  }),
  /** Creates a task from its settings and returns the new task id. */
  'Tasks.AddTask': kscMethod({
    args: z.strictObject({ pData: arg.params() }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** Changes a task's settings. */
  'Tasks.UpdateTask': kscMethod({
    args: z.strictObject({ strTask: arg.taskId(), pData: arg.params().optional() }),
    reply: noReply(),
  }),
  /** Reads the event that starts a task (`EVENT_TYPE` and the `FILTER_EVENTS_*` it waits for). */
  'Tasks.GetTaskStartEvent': kscMethod({ args: byTask(), reply: z.looseObject({ PxgRetVal: out.params() }) }),
  /** Returns the id `Tasks` methods take for a task named by its scheduler (PRTS) id. */
  'Tasks.ResolveTaskId': kscMethod({
    args: z.strictObject({ strPrtsTaskId: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** Encrypts an account password to send as a task's `klprts-TaskAccountPassword` attribute. */
  'Tasks.ProtectPassword': kscMethod({
    args: z.strictObject({ strPassword: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.binary() }),
  }),
  /** Deletes a task. */
  'Tasks.DeleteTask': kscMethod({ args: byTask(), reply: noReply() }),
  /** Adds a host to a task for specific devices. */
  'Tasks.AddHostToTask': kscMethod({
    args: z.strictObject({ strTask: arg.taskId(), strHostName: arg.string() }),
    reply: noReply(),
  }),
  /** Starts a task on its hosts. */
  'Tasks.RunTask': kscMethod({ args: byTask(), reply: noReply() }),
  /** Pauses a running task. */
  'Tasks.SuspendTask': kscMethod({ args: byTask(), reply: noReply() }),
  /** Resumes a paused task. */
  'Tasks.ResumeTask': kscMethod({ args: byTask(), reply: noReply() }),
  /** Stops a running task. */
  'Tasks.CancelTask': kscMethod({ args: byTask(), reply: noReply() }),
  /** Lists the ids of the group and global tasks that apply to a host. */
  'Tasks.GetAllTasksOfHost': kscMethod({
    args: z.strictObject({ strDomainName: arg.optionalText(), strHostName: arg.string().min(1) }),
    reply: z.looseObject({ PxgRetVal: out.strings() }),
  }),
  /** Opens an iterator over the per-host states of a task. */
  'Tasks.ResetHostIteratorForTaskStatus': kscMethod({
    args: z.strictObject(hostIterator),
    reply: z.looseObject({ strHostIteratorId: out.string() }),
  }),
  /** Opens an iterator over the per-host states of a task, in the requested order. */
  'Tasks.ResetHostIteratorForTaskStatusEx': kscMethod({
    args: z.strictObject({ ...hostIterator, pFields2Order: arg.order().optional() }),
    reply: z.looseObject({ strHostIteratorId: out.string() }),
  }),
  /** Reads the next `nCount` host states; `PxgRetVal` is false once nothing was left to read. */
  'Tasks.GetNextHostStatus': kscMethod({
    args: z.strictObject({ strHostIteratorId: arg.string(), nCount: arg.int().min(0) }),
    reply: z.looseObject({ PxgRetVal: out.bool(), nActual: out.int(), pHostStatus: out.hostStatuses() }),
  }),
  /** Counts the host states of a host-status iterator. */
  'Tasks.GetHostStatusRecordsCount': kscMethod({
    args: z.strictObject({ strHostIteratorId: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.int() }),
  }),
  /** Reads the host states from the zero-based `nStart` up to `nEnd`. */
  'Tasks.GetHostStatusRecordRange': kscMethod({
    args: z.strictObject({ strHostIteratorId: arg.string(), nStart: arg.int(), nEnd: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.int().optional(), pParHostStatus: out.hostStatuses() }),
  }),
  /** Frees a host-status iterator. */
  'Tasks.ReleaseHostStatusIterator': kscMethod({
    args: z.strictObject({ strHostIteratorId: arg.string() }),
    reply: noReply(),
  }),
  /** Opens an iterator over tasks, narrowed by group, product, version, component, instance and task type. */
  'Tasks.ResetTasksIterator': kscMethod({
    args: z.strictObject({
      nGroupId: arg.int().optional(),
      bGroupIdSignificant: arg.bool().optional(),
      strProductName: arg.optionalText(),
      strVersion: arg.optionalText(),
      strComponentName: arg.optionalText(),
      strInstanceId: arg.optionalText(),
      strTaskName: arg.optionalText(),
      bIncludeSupergroups: arg.bool().optional(),
    }),
    reply: z.looseObject({ strTaskIteratorId: out.string() }),
  }),
  /** Reads the next task's settings; an empty or absent `pTaskData` means the iterator is exhausted. */
  'Tasks.GetNextTask': kscMethod({
    args: z.strictObject({ strTaskIteratorId: arg.string() }),
    reply: z.looseObject({ pTaskData: out.params().optional() }),
  }),
  /** Frees a task iterator. */
  'Tasks.ReleaseTasksIterator': kscMethod({
    args: z.strictObject({ strTaskIteratorId: arg.string() }),
    reply: noReply(),
  }),
} as const;
