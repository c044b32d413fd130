import type { CompiledQuery, Kysely } from 'kysely';
import { decodeParams, stringifyParams } from '../../../ksc/codec.ts';
import { parseWireJson } from '../../../wire/json.ts';
import type { KlParams } from '../../../ksc/values.ts';
import type { TaskTables } from '../store/tables/tasks.ts';
import type { WorldDatabase } from '../store/tables/table-set.ts';

/** A group task or a task for specific devices. */
export interface TaskRecord {
  readonly id: number;
  readonly vserverId: number;
  readonly groupId: number;
  readonly type: string;
  readonly product: string;
  readonly version: string;
  readonly displayName: string;
  /** The settings as the client gave them (or as seeded); the served view adds the server's attributes. */
  readonly data: KlParams;
  readonly createdAt: number;
  readonly lastRunAt: number | null;
  readonly runSeq: number;
  readonly seeded: boolean;
}

/** One host's state in a task, as stored once something happened to it. */
export interface HostTaskState {
  readonly taskId: number;
  readonly hostId: string;
  readonly state: number;
  readonly runId: number;
  readonly startTime: number | null;
  readonly finishTime: number | null;
  readonly dueAt: number | null;
  readonly remainingMs: number | null;
  readonly percent: number;
  readonly descr: string;
  readonly needReboot: boolean;
  readonly tryCount: number;
}

/** Ids of the first task of a new world: seed 001's task ids are three-digit numbers from 101. */
export const FIRST_TASK_ID = 101;

function db(world: WorldDatabase): Kysely<TaskTables> {
  return world.db.withTables<TaskTables>();
}

type TaskRow = TaskTables['tasks'];
type StateRow = TaskTables['task_host_states'];

function toTask(row: TaskRow): TaskRecord {
  return {
    id: Number(row.id),
    vserverId: row.vserver_id,
    groupId: row.group_id,
    type: row.type,
    product: row.product,
    version: row.version,
    displayName: row.display_name,
    data: decodeParams(parseWireJson(row.data)),
    createdAt: Number(row.created_at),
    lastRunAt: row.last_run_at === null ? null : Number(row.last_run_at),
    runSeq: row.run_seq,
    seeded: row.seeded === 1,
  };
}

export function taskRow(task: TaskRecord): TaskRow {
  return {
    id: task.id,
    vserver_id: task.vserverId,
    group_id: task.groupId,
    type: task.type,
    product: task.product,
    version: task.version,
    display_name: task.displayName,
    data: stringifyParams(task.data),
    created_at: task.createdAt,
    last_run_at: task.lastRunAt,
    run_seq: task.runSeq,
    seeded: task.seeded ? 1 : 0,
    deleted: 0,
  };
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toState(row: StateRow): HostTaskState {
  return {
    taskId: Number(row.task_id),
    hostId: row.host_id,
    state: row.state,
    runId: row.run_id,
    startTime: num(row.start_time),
    finishTime: num(row.finish_time),
    dueAt: num(row.due_at),
    remainingMs: num(row.remaining_ms),
    percent: row.percent,
    descr: row.descr,
    needReboot: row.need_reboot === 1,
    tryCount: row.try_count,
  };
}

function stateRow(state: HostTaskState): StateRow {
  return {
    task_id: state.taskId,
    host_id: state.hostId,
    state: state.state,
    run_id: state.runId,
    start_time: state.startTime,
    finish_time: state.finishTime,
    due_at: state.dueAt,
    remaining_ms: state.remainingMs,
    percent: state.percent,
    descr: state.descr,
    need_reboot: state.needReboot ? 1 : 0,
    try_count: state.tryCount,
  };
}

/**
 * Stand-ins for the lookup's two arguments in its precompiled query: ids no stored row has (ids are positive), so
 * they are told from every other parameter by value, whatever order the compiler puts them in.
 */
const TASK_ID_SLOT = -2_147_483_001;
const VSERVER_ID_SLOT = -2_147_483_002;
const findTaskQueries = new WeakMap<object, CompiledQuery<TaskRow>>();

/**
 * The task lookup compiled once per database: `Tasks.GetTaskData` and its siblings run it on every call, and
 * building and compiling the Kysely query each time was a visible part of the emulator's CPU per call. The text is
 * the same every time, so SQLite's statement cache (decisions/0069) prepares it once too.
 */
function findTaskQuery(world: WorldDatabase): CompiledQuery<TaskRow> {
  let query = findTaskQueries.get(world.db);
  if (query === undefined) {
    query = db(world)
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', TASK_ID_SLOT)
      .where('vserver_id', '=', VSERVER_ID_SLOT)
      .where('deleted', '=', 0)
      .compile();
    findTaskQueries.set(world.db, query);
  }
  return query;
}

/** A live task of the virtual server, or undefined (unknown, deleted, or another server's). */
export async function findTask(
  world: WorldDatabase,
  vserverId: number,
  id: number,
): Promise<TaskRecord | undefined> {
  const query = findTaskQuery(world);
  const parameters = query.parameters.map((value) =>
    value === TASK_ID_SLOT ? id : value === VSERVER_ID_SLOT ? vserverId : value,
  );
  const { rows } = await world.db.executeQuery<TaskRow>({ ...query, parameters });
  const row = rows[0];
  return row === undefined ? undefined : toTask(row);
}

export async function tasksOf(world: WorldDatabase, vserverId: number): Promise<TaskRecord[]> {
  const rows = await db(world)
    .selectFrom('tasks')
    .selectAll()
    .where('vserver_id', '=', vserverId)
    .where('deleted', '=', 0)
    .orderBy('id')
    .execute();
  return rows.map(toTask);
}

/** The next task id: ids of deleted tasks stay taken. */
export async function nextTaskId(world: WorldDatabase): Promise<number> {
  const row = await db(world)
    .selectFrom('tasks')
    .select((eb) => eb.fn.max('id').as('maxId'))
    .executeTakeFirst();
  const max = row?.maxId === null || row?.maxId === undefined ? FIRST_TASK_ID - 1 : Number(row.maxId);
  return Math.max(max + 1, FIRST_TASK_ID);
}

export async function insertTasks(world: WorldDatabase, tasks: readonly TaskRecord[]): Promise<void> {
  if (tasks.length === 0) return;
  await db(world).insertInto('tasks').values(tasks.map(taskRow)).execute();
}

export async function saveTask(world: WorldDatabase, task: TaskRecord): Promise<void> {
  const { id, ...rest } = taskRow(task);
  await db(world).updateTable('tasks').set(rest).where('id', '=', id).execute();
}

export async function markTaskDeleted(world: WorldDatabase, id: number): Promise<void> {
  await db(world).updateTable('tasks').set({ deleted: 1 }).where('id', '=', id).execute();
  await db(world).deleteFrom('task_host_states').where('task_id', '=', id).execute();
}

/** The stored host states of a task, by host id. */
export async function storedStates(
  world: WorldDatabase,
  taskId: number,
): Promise<Map<string, HostTaskState>> {
  const rows = await db(world)
    .selectFrom('task_host_states')
    .selectAll()
    .where('task_id', '=', taskId)
    .execute();
  return new Map(rows.map((row) => [row.host_id, toState(row)]));
}

export async function storedState(
  world: WorldDatabase,
  taskId: number,
  hostId: string,
): Promise<HostTaskState | undefined> {
  const row = await db(world)
    .selectFrom('task_host_states')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('host_id', '=', hostId)
    .executeTakeFirst();
  return row === undefined ? undefined : toState(row);
}

/** Writes host states (insert or replace), in one transaction. */
export async function saveStates(world: WorldDatabase, states: readonly HostTaskState[]): Promise<void> {
  if (states.length === 0) return;
  await db(world)
    .transaction()
    .execute(async (trx) => {
      for (const state of states) {
        const row = stateRow(state);
        const { task_id: _taskId, host_id: _hostId, ...rest } = row;
        await trx
          .insertInto('task_host_states')
          .values(row)
          .onConflict((oc) => oc.columns(['task_id', 'host_id']).doUpdateSet(rest))
          .execute();
      }
    });
}

/** Local-task changes of a host, by task id (`null` data: deleted). */
export async function localTaskChanges(
  world: WorldDatabase,
  hostId: string,
): Promise<Map<string, KlParams | null>> {
  const rows = await db(world)
    .selectFrom('host_task_changes')
    .selectAll()
    .where('host_id', '=', hostId)
    .execute();
  return new Map(
    rows.map((row) => [row.task_id, row.data === null ? null : decodeParams(parseWireJson(row.data))]),
  );
}

export async function saveLocalTask(
  world: WorldDatabase,
  hostId: string,
  taskId: string,
  data: KlParams | null,
): Promise<void> {
  const text = data === null ? null : stringifyParams(data);
  await db(world)
    .insertInto('host_task_changes')
    .values({ host_id: hostId, task_id: taskId, data: text })
    .onConflict((oc) => oc.columns(['host_id', 'task_id']).doUpdateSet({ data: text }))
    .execute();
}
