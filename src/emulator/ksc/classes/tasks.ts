import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import { selectEventIds } from '../event-query.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
import { orderRecords, project } from '../records.ts';
import { historyFilter } from '../tasks/history.ts';
import { findHostByName, requireDevices, requireTypeRights, taskOf } from '../tasks/lookup.ts';
import { cancelTask, distribute, dropTaskWork, resumeTask, runTask, suspendTask } from '../tasks/runs.ts';
import { hostStatusRecord, targetStates, taskStatistics } from '../tasks/states.ts';
import { insertTasks, markTaskDeleted, nextTaskId, saveTask, tasksOf } from '../tasks/store.ts';
import { parseNewTask, taskAttributes, taskData, updatedTask } from '../tasks/task-data.ts';
import { hostListOf, paramsOf, taskAppliesTo, taskTargets } from '../tasks/targets.ts';
import { EVENTS_KIND } from './event-processing.ts';
import { protectPassword } from '../tasks/protect-password.ts';
import { taskStartEvent } from '../tasks/start-event.ts';

/** Seed 001: task reads need Basic functionality Read; settings, statistics and history also KES anti-virus Read. */
const READ = [need('basic', 'read')];
const READ_AV = [need('basic', 'read'), need('kesAntivirus', 'read')];
/** Seed 001's Scan Hosts (create a task for devices and run it): Execute and device selections. */
const CREATE = [need('basic', 'execute', 'selections')];
const CHANGE = [need('basic', 'read', 'write')];
const RUN = [need('basic', 'execute')];

const HOST_STATUS_KIND = 'TaskHostStatus';
const TASKS_KIND = 'TasksIterator';
/** `GetTaskHistory` takes no lifetime; its result set lives as long as an event iterator's default. */
const HISTORY_LIFETIME_SECONDS = 1800;
const TASK_ITERATOR_LIFETIME_SECONDS = 3600;

interface Cursor {
  readonly items: readonly KlParams[];
  next: number;
}

function opener(ctx: Parameters<typeof taskOf>[0]) {
  return (data: Cursor, lifetime: number): string =>
    ctx.iterators.create(HOST_STATUS_KIND, ctx.owner, lifetime, data);
}

/** `Tasks`: group tasks and tasks for specific devices (spec §8). */
export const tasksClass = defineClass('Tasks', {
  GetTask: {
    rights: READ,
    handler: async (ctx, { strTask }) => ({ PxgRetVal: taskAttributes(await taskOf(ctx, strTask)) }),
  },

  GetTaskData: {
    rights: READ_AV,
    handler: async (ctx, { strTask }) => ({ PxgRetVal: taskData(await taskOf(ctx, strTask)) }),
  },

  GetTaskGroup: {
    rights: READ,
    handler: async (ctx, { strTaskId }) => ({
      PxgRetVal: (await taskOf(ctx, strTaskId, 'strTaskId')).groupId,
    }),
  },

  GetTaskStatistics: {
    rights: READ_AV,
    handler: async (ctx, { strTask }) => {
      const task = await taskOf(ctx, strTask);
      return { PxgRetVal: taskStatistics(await targetStates(ctx.world, task), ctx.clock.now()) };
    },
  },

  // No source gives the keys of the KSC 15 variant; it answers as GetTaskStatistics does (decisions/0006).
  GetTaskStatistics2: {
    rights: READ_AV,
    handler: async (ctx, { strTask }) => {
      const task = await taskOf(ctx, strTask);
      return { PxgRetVal: taskStatistics(await targetStates(ctx.world, task), ctx.clock.now()) };
    },
  },

  GetTaskHistory: {
    rights: READ_AV,
    handler: async (ctx, args) => {
      const task = await taskOf(ctx, args.strTask);
      let hostId: string | undefined;
      if (args.strHostName !== '') {
        const host = findHostByName(ctx, args.strHostName);
        if (host === undefined) throw faults.unknownDevice(args.strHostName);
        hostId = host.id;
      }
      const ids = canSeeDevices(ctx)
        ? await selectEventIds(ctx.world, {
            vserverId: ctx.vserverId,
            ...(hostId === undefined ? {} : { hostId }),
            filter: historyFilter(task, args.pFilter),
            order: args.pSortFields,
            now: ctx.clock.now(),
          })
        : [];
      const strIteratorId = ctx.iterators.create(EVENTS_KIND, ctx.owner, HISTORY_LIFETIME_SECONDS, {
        ids,
        fields: args.pFields2Return,
      });
      return { strIteratorId };
    },
  },

  GetTaskStartEvent: {
    rights: READ,
    handler: async (ctx, { strTask }) => ({ PxgRetVal: taskStartEvent(await taskOf(ctx, strTask)) }),
  },

  ResolveTaskId: {
    rights: READ,
    // The emulator's scheduler keeps one id per task: a PRTS id is the task id, checked to exist.
    handler: async (ctx, { strPrtsTaskId }) => ({
      PxgRetVal: String((await taskOf(ctx, strPrtsTaskId, 'strPrtsTaskId')).id),
    }),
  },

  ProtectPassword: {
    rights: CREATE,
    handler: (ctx, { strPassword }) => ({ PxgRetVal: protectPassword(ctx.world.seedValue, strPassword) }),
  },

  AddTask: {
    rights: CREATE,
    handler: async (ctx, { pData }) => {
      const parsed = parseNewTask(ctx.world, ctx.vserverId, pData);
      requireTypeRights(ctx, parsed.type);
      const task = {
        ...parsed,
        id: await nextTaskId(ctx.world),
        vserverId: ctx.vserverId,
        createdAt: ctx.clock.now(),
        lastRunAt: null,
        runSeq: 0,
        seeded: false,
      };
      await insertTasks(ctx.world, [task]);
      await distribute(ctx, task, taskTargets(ctx.world, task), false);
      return { PxgRetVal: String(task.id) };
    },
  },

  UpdateTask: {
    rights: CHANGE,
    handler: async (ctx, { strTask, pData }) => {
      const task = await taskOf(ctx, strTask);
      requireTypeRights(ctx, task.type);
      const updated = updatedTask(ctx.world, task, pData);
      await saveTask(ctx.world, updated);
      await distribute(ctx, updated, taskTargets(ctx.world, updated), true);
      return {};
    },
  },

  DeleteTask: {
    rights: CHANGE,
    handler: async (ctx, { strTask }) => {
      const task = await taskOf(ctx, strTask);
      await dropTaskWork(ctx, task);
      await markTaskDeleted(ctx.world, task.id);
      return {};
    },
  },

  AddHostToTask: {
    rights: CREATE,
    handler: async (ctx, { strTask, strHostName }) => {
      const task = await taskOf(ctx, strTask);
      requireTypeRights(ctx, task.type);
      requireDevices(ctx);
      const host = ctx.world.hosts.get(strHostName);
      if (host === undefined || host.vserverId !== ctx.vserverId) throw faults.unknownDevice(strHostName);
      if (hostListOf(task.data).includes(host.id)) return {};
      const info = paramsOf(task.data['TASK_INFO_PARAMS']);
      const list = Array.isArray(info['HostList']) ? info['HostList'] : [];
      const entry: KlParams = {
        HostName: host.id,
        HostDispName: String(host.attributes['KLHST_WKS_DN'] ?? host.id),
        Preliminary: false,
      };
      const updated = {
        ...task,
        data: { ...task.data, TASK_INFO_PARAMS: { ...info, HostList: [...list, entry] } },
      };
      await saveTask(ctx.world, updated);
      await distribute(ctx, updated, [host], false);
      return {};
    },
  },

  RunTask: {
    rights: RUN,
    handler: async (ctx, { strTask }) => {
      const task = await taskOf(ctx, strTask);
      requireTypeRights(ctx, task.type);
      await runTask(ctx, task);
      return {};
    },
  },

  SuspendTask: {
    rights: RUN,
    handler: async (ctx, { strTask }) => {
      await suspendTask(ctx, await taskOf(ctx, strTask));
      return {};
    },
  },

  ResumeTask: {
    rights: RUN,
    handler: async (ctx, { strTask }) => {
      await resumeTask(ctx, await taskOf(ctx, strTask));
      return {};
    },
  },

  CancelTask: {
    rights: RUN,
    handler: async (ctx, { strTask }) => {
      await cancelTask(ctx, await taskOf(ctx, strTask));
      return {};
    },
  },

  GetAllTasksOfHost: {
    rights: READ,
    handler: async (ctx, { strDomainName, strHostName }) => {
      requireDevices(ctx);
      const host = findHostByName(ctx, strHostName, strDomainName);
      if (host === undefined) throw faults.badParameter('strHostName');
      const tasks = await tasksOf(ctx.world, ctx.vserverId);
      return { PxgRetVal: tasks.filter((t) => taskAppliesTo(ctx.world, t, host)).map((t) => String(t.id)) };
    },
  },

  ResetHostIteratorForTaskStatus: {
    rights: READ_AV,
    handler: async (ctx, a) => ({
      strHostIteratorId: opener(ctx)(
        await hostStatuses(ctx, a.strTask, a.nHostStateMask, a.pFields2Return, []),
        a.nLifetime,
      ),
    }),
  },

  ResetHostIteratorForTaskStatusEx: {
    rights: READ_AV,
    handler: async (ctx, a) => ({
      strHostIteratorId: opener(ctx)(
        await hostStatuses(ctx, a.strTask, a.nHostStateMask, a.pFields2Return, a.pFields2Order),
        a.nLifetime,
      ),
    }),
  },

  GetNextHostStatus: {
    rights: [],
    handler: (ctx, { strHostIteratorId, nCount }) => {
      const cursor = ctx.iterators.get<Cursor>(HOST_STATUS_KIND, strHostIteratorId, ctx.owner);
      const page = cursor.items.slice(cursor.next, cursor.next + nCount);
      cursor.next += page.length;
      return { PxgRetVal: page.length > 0, nActual: page.length, pHostStatus: { statuses: page } };
    },
  },

  GetHostStatusRecordsCount: {
    rights: [],
    handler: (ctx, { strHostIteratorId }) => ({
      PxgRetVal: ctx.iterators.get<Cursor>(HOST_STATUS_KIND, strHostIteratorId, ctx.owner).items.length,
    }),
  },

  GetHostStatusRecordRange: {
    rights: [],
    handler: (ctx, { strHostIteratorId, nStart, nEnd }) => {
      const cursor = ctx.iterators.get<Cursor>(HOST_STATUS_KIND, strHostIteratorId, ctx.owner);
      const start = Math.max(0, nStart);
      const page = cursor.items.slice(start, Math.max(start, nEnd));
      return { PxgRetVal: page.length, pParHostStatus: { statuses: page } };
    },
  },

  ReleaseHostStatusIterator: {
    rights: [],
    handler: (ctx, { strHostIteratorId }) => {
      ctx.iterators.release(HOST_STATUS_KIND, strHostIteratorId, ctx.owner);
      return {};
    },
  },

  ResetTasksIterator: {
    rights: READ,
    handler: async (ctx, a) => {
      let groups: Set<number> | undefined;
      if (a.bGroupIdSignificant) {
        groups = new Set([a.nGroupId]);
        for (let g = ctx.world.groups.get(a.nGroupId); a.bIncludeSupergroups && g?.parentId != null;) {
          groups.add(g.parentId);
          g = ctx.world.groups.get(g.parentId);
        }
      }
      const items = (await tasksOf(ctx.world, ctx.vserverId))
        .filter((t) => groups === undefined || groups.has(t.groupId))
        .map(taskData)
        .filter(
          (d) =>
            (a.strProductName === '' || d['TASKID_PRODUCT_NAME'] === a.strProductName) &&
            (a.strVersion === '' || d['TASKID_VERSION'] === a.strVersion) &&
            (a.strComponentName === '' || d['TASKID_COMPONENT_NAME'] === a.strComponentName) &&
            (a.strInstanceId === '' || d['TASKID_INSTANCE_ID'] === a.strInstanceId) &&
            (a.strTaskName === '' || d['TASK_NAME'] === a.strTaskName),
        );
      const cursor: Cursor = { items, next: 0 };
      return {
        strTaskIteratorId: ctx.iterators.create(
          TASKS_KIND,
          ctx.owner,
          TASK_ITERATOR_LIFETIME_SECONDS,
          cursor,
        ),
      };
    },
  },

  GetNextTask: {
    rights: [],
    handler: (ctx, { strTaskIteratorId }) => {
      const cursor = ctx.iterators.get<Cursor>(TASKS_KIND, strTaskIteratorId, ctx.owner);
      const item = cursor.items[cursor.next];
      if (item !== undefined) cursor.next++;
      // Exhausted: an empty container, which KlAkOAPI's samples test for.
      return { pTaskData: item ?? {} };
    },
  },

  ReleaseTasksIterator: {
    rights: [],
    handler: (ctx, { strTaskIteratorId }) => {
      ctx.iterators.release(TASKS_KIND, strTaskIteratorId, ctx.owner);
      return {};
    },
  },
});

/**
 * The host records of a task whose state matches `mask` (0: every state), ordered and projected. Without the
 * Managed devices scope the set is empty.
 */
async function hostStatuses(
  ctx: Parameters<typeof taskOf>[0],
  strTask: string,
  mask: number,
  fields: readonly string[],
  order: Array<{ Name: string; Asc: boolean }>,
): Promise<Cursor> {
  const task = await taskOf(ctx, strTask);
  if (!canSeeDevices(ctx)) return { items: [], next: 0 };
  const now = ctx.clock.now();
  const records = (await targetStates(ctx.world, task))
    .filter(({ state }) => mask === 0 || (state.state & mask) !== 0)
    .map((target) => hostStatusRecord(target, now));
  const ordered = orderRecords(records, order, (r) => r);
  return { items: fields.length === 0 ? ordered : ordered.map((r) => project(r, fields)), next: 0 };
}
