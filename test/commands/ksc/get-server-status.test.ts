import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { getServerStatus } from '../../../src/commands/ksc/get-server-status.ts';
import type { CommandContext } from '../../../src/commands/core/types.ts';
import { setCondition } from '../../../src/emulator/ksc/status/store.ts';
import type { KscClient } from '../../../src/ksc/index.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Params = Record<string, unknown>;

describe('get_server_status', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function eventsStatus(): Promise<Params> {
    const admin = await h.emu.session();
    const { strRequestId } = (await admin.call('ReportManager.RequestStatisticsData', {
      pRequestParams: { KLSTS_Events: {} },
    })) as { strRequestId: string };
    const data = await admin.call('ReportManager.GetStatisticsData', { strRequestId });
    return (data['pResultData'] as Params)['KLSTS_Events'] as Params;
  }

  it('decodes the events status into its level, reasons in words and their counters', async () => {
    const expected = await eventsStatus();
    const mask = expected['KLSTS_Par_StatusReasonMask'] as number;
    expect(mask & 1).toBe(1);
    const result = await h.run(getServerStatus, {});
    expect(result.status).toBe('Successful');
    const raw = result.raw as { pResultData: { KLSTS_Events: { type: string; value: Params } } };
    expect(raw.pResultData.KLSTS_Events.type).toBe('params');
    expect(raw.pResultData.KLSTS_Events.value).toEqual(expected);
    const bits = [1, 2, 4, 8, 16, 32, 64, 128].filter((b) => (mask & b) !== 0);
    const levels = ['OK', 'Informational', 'Warning', 'Critical'];
    const critical = expected['KLSTS_Par_Ev_CriticalSrvEventsCnt'] as number;
    expect(result.keyFields).toMatchObject({
      Status: levels[expected['KLSTS_Par_Status'] as number],
      StatusCode: expected['KLSTS_Par_Status'],
      ReasonMask: mask,
      ReasonBits: bits,
    });
    const reasons = result.keyFields['Reasons'] as string[];
    expect(reasons).toHaveLength(bits.length);
    expect(reasons[0]).toBe(
      `There are ${critical} new critical events on the server since the status was last reset.`,
    );
    const { KLSTS_Par_Status: _s, KLSTS_Par_StatusReasonMask: _m, ...counters } = expected;
    expect(result.keyFields['Parameters']).toEqual(counters);
    expect(result.result.title).toBe('Get Server Status');
    expect(result.result.columns).toEqual(['Status', 'Reason Bit', 'Reason']);
    expect(result.result.rows.map((r) => r[1])).toEqual(bits);
    expect((result.context as { reasons: { resettable: boolean }[] }).reasons[0]?.resettable).toBe(true);
  });

  it('words a reason the world does not drive, set on the server', async () => {
    await setCondition(h.emu.ksc.world, 0, 'KLSTS_Events', 8192, { KLSTS_Par_Ev_AdmSrvRbtRsn: 2 });
    try {
      const result = await h.run(getServerStatus, {});
      expect(result.keyFields['ReasonBits']).toContain(8192);
      expect(result.keyFields['Reasons']).toContain(
        'Kaspersky Security Center requires a reboot (reason 2).',
      );
      expect((result.keyFields['Parameters'] as Params)['KLSTS_Par_Ev_AdmSrvRbtRsn']).toBe(2);
    } finally {
      await setCondition(h.emu.ksc.world, 0, 'KLSTS_Events', 8192, null);
    }
    const after = await h.run(getServerStatus, {});
    expect(after.keyFields['ReasonBits']).not.toContain(8192);
  });

  it('needs Basic functionality Read, and names the field of bad input', async () => {
    const denied = await h.run(getServerStatus, {}, 'no-rights');
    expect(firstError(denied)).toMatchObject({
      failureIndicator: 'Get Server Status failed.',
      statusCode: 403,
      code: 'ACCESS_DENIED',
    });
    const bad = await h.run(getServerStatus, { timeoutSeconds: 0 });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(timeoutSeconds\) is invalid/);
  });

  it('polls while KSC is still collecting, then gives up at the timeout and cancels the request', async () => {
    const calls: string[] = [];
    let now = 0;
    let ready = false;
    const ksc = {
      call: (method: string) => {
        calls.push(method);
        return Promise.resolve(
          method === 'ReportManager.RequestStatisticsData' ? { strRequestId: 'r1' } : {},
        );
      },
      callWire: (method: string) => {
        calls.push(method);
        const pResultData = ready
          ? { KLSTS_Events: { KLSTS_Par_Status: 0, KLSTS_Par_StatusReasonMask: 0 } }
          : null;
        return Promise.resolve({ reply: { pResultData }, wire: { pResultData } });
      },
    } as unknown as KscClient;
    const ctx: CommandContext = {
      ksc,
      now: () => now,
      sleep: (ms) => {
        now += ms;
        return Promise.resolve();
      },
    };
    const late = await executeCommand(getServerStatus, ctx, { timeoutSeconds: 2 });
    expect(late.status).toBe('Failed');
    expect(late.errors[0]).toMatchObject({ statusCode: 504, code: 'TIMEOUT' });
    expect(calls.filter((c) => c === 'ReportManager.GetStatisticsData').length).toBeGreaterThan(2);
    expect(calls.at(-1)).toBe('ReportManager.CancelStatisticsRequest');

    calls.length = 0;
    now = 0;
    const original = ctx.sleep!;
    const eventually: CommandContext = {
      ...ctx,
      sleep: async (ms) => {
        await original(ms);
        ready = true;
      },
    };
    const done = await executeCommand(getServerStatus, eventually, {});
    expect(done.status).toBe('Successful');
    expect(done.keyFields).toMatchObject({ Status: 'OK', ReasonBits: [0] });
    expect(calls.filter((c) => c === 'ReportManager.GetStatisticsData')).toHaveLength(2);
  });
});
