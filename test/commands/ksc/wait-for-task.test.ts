import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForTask } from '../../../src/commands/ksc/wait-for-task.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;

const has = (host: HostRecord, product: string) => host.products.some((p) => p.name === product);
const expired = (host: HostRecord) =>
  (Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0) & (1 << 9)) !== 0;

describe('wait_for_task', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let licensed: HostRecord[];
  let expiredHost: HostRecord;
  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    const hosts = h.emu.ksc.world.hostsOf(0).filter((x) => has(x, '1103') && has(x, 'KES'));
    licensed = hosts.filter((x) => !expired(x));
    expiredHost = hosts.find(expired)!;
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function startScan(hosts: HostRecord[], name: string): Promise<string> {
    const reply = await admin.call('Tasks.AddTask', {
      pData: {
        TASK_NAME: 'ods',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASK_INFO_PARAMS: { DisplayName: name, HostList: hosts.map((x) => ({ HostName: x.id })) },
      },
    });
    const id = reply['PxgRetVal'] as string;
    await admin.call('Tasks.RunTask', { strTask: id });
    return id;
  }

  it('waits until every host finished and reports the overall and per-host states', async () => {
    const hosts = [licensed[0]!, expiredHost];
    const taskId = await startScan(hosts, 'Scan to wait for');
    const started = h.emu.ksc.clock.now();
    const result = await h.run(waitForTask, { taskId, waitTimeoutSeconds: 3600, pollIntervalSeconds: 20 });
    expect(result.status).toBe('Successful');

    const stats = (await admin.call('Tasks.GetTaskStatistics', { strTask: taskId }))['PxgRetVal'] as Item;
    expect(stats['4']).toBe(1);
    expect(stats['16']).toBe(1);
    const raw = result.raw as {
      taskId: string;
      PxgRetVal: Item;
      pParHostStatus: { statuses: { type: string; value: Item }[] };
    };
    expect(raw.taskId).toBe(taskId);
    expect(raw.PxgRetVal).toEqual(stats);
    const statuses = raw.pParHostStatus.statuses;
    expect(statuses.every((s) => s.type === 'params')).toBe(true);
    const byHost = new Map(statuses.map((s) => [s.value['hostname'], s.value]));
    expect(byHost.get(licensed[0]!.id)!['state_code']).toBe(4);
    expect(byHost.get(licensed[0]!.id)!['finish_time']).toMatchObject({ type: 'datetime' });
    expect(byHost.get(expiredHost.id)!['state_code']).toBe(16);

    const keyFields = result.keyFields as Record<string, unknown>;
    expect(keyFields).toMatchObject({
      TaskID: taskId,
      TaskName: 'Scan to wait for',
      TaskState: 'completed with failures',
      Finished: true,
      TimedOut: false,
      CompletedPercent: stats['GNRL_COMPLETED_PERCENT'],
    });
    const states = new Map(
      (keyFields['HostIDs'] as string[]).map((id, i) => [id, (keyFields['HostStates'] as string[])[i]]),
    );
    expect(states).toEqual(
      new Map([
        [licensed[0]!.id, 'completed'],
        [expiredHost.id, 'failed'],
      ]),
    );
    const context = result.context as { waitedSeconds: number; Statistics: Item; hosts: Item[] };
    // It waited as long as the scan took (about ten minutes), not to the timeout.
    expect(context.waitedSeconds).toBeGreaterThan(5 * 60);
    expect(context.waitedSeconds).toBeLessThan(30 * 60);
    expect(h.emu.ksc.clock.now() - started).toBeLessThan(30 * 60 * 1000);
    expect(context.Statistics['Number of hosts where the task failed']).toBe(1);
    expect(result.result.title).toBe('Wait For Task');
    expect(result.result.columns.slice(0, 3)).toEqual(['HOSTDN', 'HOSTNAME', 'STATE']);
    expect(result.result.rows).toHaveLength(2);
  });

  it('reports the state so far when the timeout comes first, without error', async () => {
    const taskId = await startScan([licensed[1]!], 'Long scan');
    const looked = await h.run(waitForTask, { taskId, waitTimeoutSeconds: 0 });
    expect(looked.status).toBe('Successful');
    expect(looked.keyFields).toMatchObject({ TaskState: 'pending', Finished: false, TimedOut: true });
    expect(looked.keyFields['HostStates']).toEqual(['pending']);

    const waited = await h.run(waitForTask, { taskId, waitTimeoutSeconds: 120, pollIntervalSeconds: 30 });
    expect(waited.keyFields).toMatchObject({ TaskState: 'running', Finished: false, TimedOut: true });
    expect((waited.context as { waitedSeconds: number }).waitedSeconds).toBe(120);
  });

  it('answers at once for a task that is not running', async () => {
    const before = h.emu.ksc.clock.now();
    const result = await h.run(waitForTask, { taskId: '103', waitTimeoutSeconds: 600 });
    expect(result.keyFields).toMatchObject({ TaskID: '103', Finished: true, TimedOut: false });
    // No poll slept: the emulator clock moved only as real time passed, far less than one 10 s interval.
    expect(h.emu.ksc.clock.now() - before).toBeLessThan(5000);
    expect((result.context as { waitedSeconds: number }).waitedSeconds).toBe(0);
  });

  it('reports an unknown task as 404 and a malformed id as 400', async () => {
    const unknown = await h.run(waitForTask, { taskId: '999999' });
    expect(firstError(unknown)).toMatchObject({
      failureIndicator: 'Wait For Task failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Task #999999 was not found',
    });
    const malformed = await h.run(waitForTask, { taskId: 'latest' });
    expect(firstError(malformed).message).toMatch(/^The value for parameter \(taskId\) is invalid/);
    const interval = await h.run(waitForTask, { taskId: '103', pollIntervalSeconds: 0 });
    expect(firstError(interval).message).toMatch(
      /^The value for parameter \(pollIntervalSeconds\) is invalid/,
    );
  });

  it('needs KES Anti-virus Read besides Basic Read, as task statistics do', async () => {
    const reader = await h.run(waitForTask, { taskId: '103', waitTimeoutSeconds: 0 }, 'reader');
    expect(firstError(reader)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    const analyst = await h.run(waitForTask, { taskId: '103', waitTimeoutSeconds: 0 }, 'analyst');
    expect(analyst.status).toBe('Successful');
  });
});
