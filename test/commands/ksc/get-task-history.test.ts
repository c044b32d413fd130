import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTaskHistory } from '../../../src/commands/ksc/get-task-history.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;
type Raw = {
  results: { pParamsEvents: { taskId: number; KLEVP_EVENT_RANGE_ARRAY: { type: string; value: Item }[] } }[];
};

const SYNC_SECONDS = 60;

describe('get_task_history', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let host: HostRecord;
  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    host = h.emu.ksc.world
      .hostsOf(0)
      .find(
        (x) =>
          x.products.some((p) => p.name === 'KES') &&
          x.products.some((p) => p.name === '1103') &&
          (Number(x.attributes['KLHST_WKS_STATUS_MASK'] ?? 0) & (1 << 9)) === 0,
      )!;
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** The history as a plain KLOAPI client reads it, newest first. */
  async function history(strTask: string, strHostName = ''): Promise<Item[]> {
    const reply = await admin.call('Tasks.GetTaskHistory', {
      strTask,
      pFields2Return: ['event_id', 'event_type', 'task_new_state', 'hostname', 'GNRL_EA_SEVERITY'],
      pSortFields: [{ Name: 'rise_time', Asc: false }],
      strHostName,
      pFilter: {},
    });
    const strIteratorId = reply['strIteratorId'] as string;
    const range = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId,
      nStart: 0,
      nEnd: 5000,
    });
    await admin.call('EventProcessing.ReleaseIterator', { strIteratorId });
    return (range['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Item[] }).KLEVP_EVENT_RANGE_ARRAY;
  }

  it('returns seed 001’s shape (results[].pParamsEvents with taskId) with task_new_state_desc added', async () => {
    const expected = await history('103');
    expect(expected.length).toBeGreaterThan(3);
    const result = await h.run(getTaskHistory, { taskId: '103' });
    expect(result.status).toBe('Successful');
    const raw = result.raw as Raw;
    expect(raw.results).toHaveLength(1);
    const events = raw.results[0]!.pParamsEvents;
    expect(events.taskId).toBe(103);
    expect(events.KLEVP_EVENT_RANGE_ARRAY.map((e) => e.value['event_id'])).toEqual(
      expected.map((e) => e['event_id']),
    );
    for (const item of events.KLEVP_EVENT_RANGE_ARRAY) {
      expect(item.type).toBe('params');
      expect(item.value['rise_time']).toMatchObject({ type: 'datetime' });
      expect('task_new_state_desc' in item.value).toBe(typeof item.value['task_new_state'] === 'number');
    }
    const context = result.context as Item[];
    expect(context).toHaveLength(expected.length);
    expect(typeof context[0]!['rise_time']).toBe('string');

    const withState = expected.filter((e) => typeof e['task_new_state'] === 'number');
    expect(result.keyFields['TaskNewStates']).toEqual(withState.map((e) => e['task_new_state']));
    expect(result.keyFields['EventSeverities']).toEqual(expected.map((e) => e['GNRL_EA_SEVERITY']));
    expect(result.keyFields['TaskStatuses']).toHaveLength(expected.length);
    expect(result.result.title).toBe('Get Task History');
    expect(result.result.columns).toContain('TASK_NEW_STATE_DESC');
    expect(result.result.rows).toHaveLength(expected.length);

    const limited = await h.run(getTaskHistory, { taskId: '103', limit: 2 });
    expect(limited.context).toEqual(context.slice(0, 2));
  });

  it('describes the states of a task’s life: scheduled, modified (where D3 says "running"), running', async () => {
    const created = await admin.call('Tasks.AddTask', {
      pData: {
        TASK_NAME: 'ods',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASK_INFO_PARAMS: { DisplayName: 'History scan', HostList: [{ HostName: host.id }] },
      },
    });
    const taskId = created['PxgRetVal'] as string;
    await h.emu.control('POST', '/__emulator/clock/advance', { seconds: SYNC_SECONDS + 1 });
    await admin.call('Tasks.UpdateTask', {
      strTask: taskId,
      pData: { TASK_INFO_PARAMS: { DisplayName: 'History scan (changed)' } },
    });
    await admin.call('Tasks.RunTask', { strTask: taskId });
    await h.emu.control('POST', '/__emulator/clock/advance', { seconds: SYNC_SECONDS + 1 });

    const result = await h.run(getTaskHistory, { taskId });
    const context = result.context as Item[];
    const described = context.map(
      (e) => `${String(e['event_type'])} ${String(e['task_new_state'])} ${String(e['task_new_state_desc'])}`,
    );
    expect(described).toContain('KLEVP_GroupTaskSyncState 32 scheduled');
    expect(described).toContain('KLEVP_GroupTaskSyncState 1 modified');
    expect(described).toContain('KLPRCI_TaskState 1 running');
    expect(result.keyFields['TaskStatuses']).toContain('Scheduled');
    expect(result.keyFields['TaskNewStateDesc']).toEqual(context.map((e) => e['task_new_state_desc']));
    expect((result.raw as Raw).results[0]!.pParamsEvents.taskId).toBe(Number(taskId));
  });

  it('narrows the history to one host named by display name', async () => {
    const all = await history('103');
    const scanned = h.emu.ksc.world.hosts.get(String(all.at(-1)!['hostname']))!;
    const expected = await history('103', scanned.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    const result = await h.run(getTaskHistory, {
      taskId: '103',
      host: String(scanned.attributes['KLHST_WKS_DN']),
    });
    const context = result.context as Item[];
    expect(context.map((e) => e['event_id'])).toEqual(expected.map((e) => e['event_id']));
    expect(context.every((e) => e['hostname'] === scanned.id)).toBe(true);
  });

  it('reports an unknown task as 404 (D3 answers an empty success) and a malformed id as 400', async () => {
    const unknown = await h.run(getTaskHistory, { taskId: '999999' });
    expect(unknown.status).toBe('Failed');
    expect(firstError(unknown)).toMatchObject({
      failureIndicator: 'Get Task History failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Task #999999 was not found',
    });
    const malformed = await h.run(getTaskHistory, { taskId: '10 3' });
    expect(firstError(malformed).statusCode).toBe(400);
    expect(firstError(malformed).message).toMatch(/^The value for parameter \(taskId\) is invalid/);
    const noHost = await h.run(getTaskHistory, { taskId: '103', host: 'NO-SUCH-HOST' });
    expect(firstError(noHost)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('needs KES Anti-virus Read besides Basic Read (seed 001)', async () => {
    const reader = await h.run(getTaskHistory, { taskId: '103' }, 'reader');
    expect(firstError(reader)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    const analyst = await h.run(getTaskHistory, { taskId: '103', limit: 1 }, 'analyst');
    expect(analyst.status).toBe('Successful');
  });
});
