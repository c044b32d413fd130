import { need } from '../auth/rights.ts';
import { defineClass } from '../method.ts';
import { hostTasksObject } from '../tasks/host-tasks-object.ts';
import {
  addLocalTask,
  deleteLocalTask,
  findLocalTask,
  localTasks,
  matchesLocal,
  updateLocalTask,
} from '../tasks/local.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/** `HostTasks`: a host's local tasks, through the object `HostGroup.GetHostTasks` returns (spec §8.1). */
export const hostTasksClass = defineClass('HostTasks', {
  ResetTasksIterator: {
    rights: READ,
    handler: async (ctx, a) => {
      const { object, host } = hostTasksObject(ctx, a.strSrvObjId);
      const filter = {
        product: a.strProductName,
        version: a.strVersion,
        component: a.strComponentName,
        instance: a.strInstanceId,
        type: a.strTaskName,
      };
      object.items = (await localTasks(ctx.world, host)).filter((t) => matchesLocal(t, filter));
      object.next = 0;
      return {};
    },
  },

  GetNextTask: {
    rights: READ,
    handler: async (ctx, { strSrvObjId }) => {
      const { object, host } = hostTasksObject(ctx, strSrvObjId);
      // Without a reset first, the iterator covers every local task.
      object.items ??= await localTasks(ctx.world, host);
      const item = object.items[object.next];
      if (item !== undefined) object.next++;
      return { pTaskData: item ?? {} };
    },
  },

  GetTaskData: {
    rights: READ,
    handler: async (ctx, { strSrvObjId, strTask }) => {
      const { host } = hostTasksObject(ctx, strSrvObjId);
      return { PxgRetVal: await findLocalTask(ctx.world, host, strTask) };
    },
  },

  AddTask: {
    rights: WRITE,
    handler: async (ctx, { strSrvObjId, pData }) => {
      const { host } = hostTasksObject(ctx, strSrvObjId);
      return { PxgRetVal: await addLocalTask(ctx.world, host, pData, ctx.clock.now()) };
    },
  },

  UpdateTask: {
    rights: WRITE,
    handler: async (ctx, { strSrvObjId, strTask, pData }) => {
      const { host } = hostTasksObject(ctx, strSrvObjId);
      await updateLocalTask(ctx.world, host, strTask, pData);
      return {};
    },
  },

  DeleteTask: {
    rights: WRITE,
    handler: async (ctx, { strSrvObjId, strTask }) => {
      const { host } = hostTasksObject(ctx, strSrvObjId);
      await deleteLocalTask(ctx.world, host, strTask);
      return {};
    },
  },
});
