import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTaskStatistics } from '../../../src/commands/ksc/get-task-statistics.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;

/** Seed 001's Context Data, in its order (an object literal would move the numeric keys first). */
const LABEL_LIST: Array<[string, string]> = [
  ['1', "Number of hosts where the task modification hasn't been distributed yet"],
  ['16', 'Number of hosts where the task failed'],
  ['2', 'Number of hosts where the task is running'],
  ['32', 'Number of hosts where the task was scheduled to run'],
  ['4', 'Number of hosts where the task finished successfully'],
  ['64', 'Number of hosts where the task was paused'],
  ['8', 'Number of hosts where the task finished with a warning'],
  ['GNRL_COMPLETED_PERCENT', 'Total task completion percent'],
  ['KLTSK_NEED_RBT_CNT', 'Number of hosts where the task is requested for the OS reboot'],
];
const LABELS = Object.fromEntries(LABEL_LIST);

describe('get_task_statistics', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function statisticsOf(strTask: string): Promise<Item> {
    return (await admin.call('Tasks.GetTaskStatistics', { strTask }))['PxgRetVal'] as Item;
  }

  it('returns seed 001’s raw {PxgRetVal} per task and its labelled "Statistics" context', async () => {
    const expected = await statisticsOf('103');
    const result = await h.run(getTaskStatistics, { taskIds: ['103'] });
    expect(result.status).toBe('Successful');
    expect(result.raw).toEqual([{ PxgRetVal: expected }]);
    const context = result.context as { taskId: string; state: string; Statistics: Item }[];
    expect(context).toHaveLength(1);
    expect(context[0]!.taskId).toBe('103');
    expect(Object.keys(context[0]!.Statistics)).toEqual(LABEL_LIST.map(([, label]) => label));
    for (const [key, label] of LABEL_LIST) {
      expect(context[0]!.Statistics[label], label).toBe(expected[key]);
    }
    expect(result.keyFields).toEqual({});
    expect(result.result).toEqual({ title: 'Get Task Statistics', columns: ['Tasks Count'], rows: [[1]] });
  });

  it('follows a run: pending until the agents sync, then running, then completed', async () => {
    const host = h.emu.ksc.world
      .hostsOf(0)
      .find(
        (x: HostRecord) =>
          x.products.some((p) => p.name === 'KES') &&
          x.products.some((p) => p.name === '1103') &&
          (Number(x.attributes['KLHST_WKS_STATUS_MASK'] ?? 0) & (1 << 9)) === 0,
      )!;
    const taskId = (
      await admin.call('Tasks.AddTask', {
        pData: {
          TASK_NAME: 'ods',
          TASKID_PRODUCT_NAME: 'KES',
          TASKID_VERSION: '11.0.0.0',
          TASK_INFO_PARAMS: { DisplayName: 'Statistics scan', HostList: [{ HostName: host.id }] },
        },
      })
    )['PxgRetVal'] as string;
    await admin.call('Tasks.RunTask', { strTask: taskId });
    const state = async () => {
      const result = await h.run(getTaskStatistics, { taskIds: [taskId] });
      return (result.context as { state: string; Statistics: Item }[])[0]!;
    };
    const pending = await state();
    expect(pending.state).toBe('pending');
    expect(pending.Statistics[LABELS['1']!]).toBe(1);
    await h.emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
    expect((await state()).state).toBe('running');
    await h.emu.control('POST', '/__emulator/clock/advance', { seconds: 15 * 60 });
    const done = await state();
    expect(done.state).toBe('completed');
    expect(done.Statistics[LABELS['4']!]).toBe(1);
    expect(done.Statistics[LABELS['GNRL_COMPLETED_PERCENT']!]).toBe(100);
  });

  it('reports unknown ids as seed 001 does ("Task #1111 was not found", 404), per id', async () => {
    const partial = await h.run(getTaskStatistics, { taskIds: ['103', '1111'] });
    expect(partial.status).toBe('Partially Successful');
    expect(partial.errors).toEqual([
      {
        failureIndicator: 'Get Task Statistics failed.',
        item: '1111',
        statusCode: 404,
        code: 'NOT_FOUND',
        message: 'Task #1111 was not found',
      },
    ]);
    expect(partial.raw).toHaveLength(1);
    const bad = await h.run(getTaskStatistics, { taskIds: ['#103'] });
    expect(firstError(bad).statusCode).toBe(400);
    expect(firstError(bad).message).toMatch(/^The value for parameter \(taskIds\.0\) is invalid/);
  });

  it('needs KES Anti-virus Read besides Basic Read (seed 001)', async () => {
    const reader = await h.run(getTaskStatistics, { taskIds: ['103'] }, 'reader');
    expect(firstError(reader)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect((await h.run(getTaskStatistics, { taskIds: ['103'] }, 'analyst')).status).toBe('Successful');
  });
});
