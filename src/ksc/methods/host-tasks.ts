import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `strSrvObjId`: the server object `HostGroup.GetHostTasks` returns for one host. */
const object = { strSrvObjId: arg.string() };

/** `HostTasks`: a host's local tasks. Their ids are strings, not necessarily digits. */
export const hostTasksMethods = {
  /** Restarts the object's task iterator, narrowed by product, version, component, instance and task type. */
  'HostTasks.ResetTasksIterator': kscMethod({
    args: z.strictObject({
      ...object,
      strProductName: arg.optionalText(),
      strVersion: arg.optionalText(),
      strComponentName: arg.optionalText(),
      strInstanceId: arg.optionalText(),
      strTaskName: arg.optionalText(),
    }),
    reply: noReply(),
  }),
  /** Reads the next local task's settings; an empty or absent `pTaskData` means the iterator is exhausted. */
  'HostTasks.GetNextTask': kscMethod({
    args: z.strictObject(object),
    reply: z.looseObject({ pTaskData: out.params().optional() }),
  }),
  /** Reads a local task's settings. */
  'HostTasks.GetTaskData': kscMethod({
    args: z.strictObject({ ...object, strTask: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Creates a local task on the host and returns its id. */
  'HostTasks.AddTask': kscMethod({
    args: z.strictObject({ ...object, pData: arg.params() }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** Changes a local task's settings. */
  'HostTasks.UpdateTask': kscMethod({
    args: z.strictObject({ ...object, strTask: arg.string(), pData: arg.params().optional() }),
    reply: noReply(),
  }),
  /** Deletes a local task. */
  'HostTasks.DeleteTask': kscMethod({
    args: z.strictObject({ ...object, strTask: arg.string() }),
    reply: noReply(),
  }),
} as const;
