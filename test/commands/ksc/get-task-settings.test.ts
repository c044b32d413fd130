import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTaskSettings } from '../../../src/commands/ksc/get-task-settings.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;

describe('get_task_settings', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function settingsOf(strTask: string): Promise<Item> {
    return (await admin.call('Tasks.GetTaskData', { strTask }))['PxgRetVal'] as Item;
  }

  it('returns seed 001’s raw array of {PxgRetVal} in wire form, the key fields and a count table', async () => {
    const expected = [await settingsOf('102'), await settingsOf('103')];
    const result = await h.run(getTaskSettings, { taskIds: ['102', '103'] });
    expect(result.status).toBe('Successful');
    const raw = result.raw as { PxgRetVal: Item }[];
    expect(raw).toHaveLength(2);
    const scan = raw[1]!.PxgRetVal;
    expect(scan['TASK_UNIQUE_ID']).toBe('103');
    expect(scan['TASK_INFO_PARAMS']).toMatchObject({ type: 'params' });
    expect(scan['TASKSCH_FIRST_EXECUTION_TIME']).toMatchObject({ type: 'datetime' });
    expect(scan['TASK_PRIORITY']).toBe(expected[1]!['TASK_PRIORITY']);

    const info = (s: Item) => s['TASK_INFO_PARAMS'] as Item;
    expect(result.keyFields).toEqual({
      ProductNames: expected.map((s) => s['TASKID_PRODUCT_NAME']),
      ProductVersions: expected.map((s) => s['TASKID_VERSION']),
      TaskDisplayNames: expected.map((s) => info(s)['DisplayName']),
      TaskTypes: expected.map((s) => s['TASK_NAME']),
      TaskPriorities: expected.map((s) => s['TASK_PRIORITY']),
    });
    expect(result.keyFields['TaskTypes']).toEqual(['Updater', 'ods']);
    const context = result.context as Item[];
    expect(context.map((c) => c['taskId'])).toEqual(['102', '103']);
    expect(typeof context[1]!['TASKSCH_FIRST_EXECUTION_TIME']).toBe('string');
    expect((context[1]!['TASK_INFO_PARAMS'] as Item)['DisplayName']).toBe(info(expected[1]!)['DisplayName']);
    expect(result.result).toEqual({ title: 'Get Task Settings', columns: ['Tasks Count'], rows: [[2]] });
  });

  it('reads each id on its own: unknown ids are 404 errors, the others still return', async () => {
    const partial = await h.run(getTaskSettings, { taskIds: ['999999', '103', '999998'] });
    expect(partial.status).toBe('Partially Successful');
    expect(partial.errors.map((e) => [e.item, e.statusCode, e.message])).toEqual([
      ['999999', 404, 'Task #999999 was not found'],
      ['999998', 404, 'Task #999998 was not found'],
    ]);
    expect(partial.errors[0]!.failureIndicator).toBe('Get Task Settings failed.');
    expect(partial.keyFields['TaskTypes']).toEqual(['ods']);
    expect(partial.result.rows).toEqual([[1]]);

    const none = await h.run(getTaskSettings, { taskIds: ['999999'] });
    expect(none.status).toBe('Failed');
    expect(firstError(none)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', item: '999999' });
  });

  it('names the field of bad input', async () => {
    for (const taskIds of [[], ['abc'], '103']) {
      const bad = await h.run(getTaskSettings, { taskIds });
      expect(firstError(bad).statusCode, JSON.stringify(taskIds)).toBe(400);
      expect(firstError(bad).message).toMatch(/^The value for parameter \(taskIds(\.0)?\) is invalid/);
    }
  });

  it('needs KES Anti-virus Read besides Basic Read (seed 001)', async () => {
    const reader = await h.run(getTaskSettings, { taskIds: ['103'] }, 'reader');
    expect(reader.status).toBe('Failed');
    expect(firstError(reader)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED', item: '103' });
    expect((await h.run(getTaskSettings, { taskIds: ['103'] }, 'analyst')).status).toBe('Successful');
  });
});
