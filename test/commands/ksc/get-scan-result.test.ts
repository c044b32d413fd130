import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScanResult } from '../../../src/commands/ksc/get-scan-result.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;
type Raw = { pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: { type: string; value: Item }[] } };

const has = (host: HostRecord, product: string) => host.products.some((p) => p.name === product);
const dn = (host: HostRecord) => String(host.attributes['KLHST_WKS_DN']);
const expired = (host: HostRecord) =>
  (Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0) & (1 << 9)) !== 0;

describe('get_scan_result', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** The host's events of a task name, from the store: rise times and ids, newest first. */
  async function stored(
    hostId: string,
    taskName: string,
    since = 0,
  ): Promise<Array<{ id: number; rise: number }>> {
    const rows = await h.emu.ksc.world.db
      .selectFrom('events')
      .select(['id', 'rise_time', 'attrs'])
      .where('host_id', '=', hostId)
      .where('rise_time', '>=', since)
      .execute();
    return rows
      .filter(
        (r) =>
          String((JSON.parse(r.attrs) as Item)['task_display_name']).toLowerCase() === taskName.toLowerCase(),
      )
      .map((r) => ({ id: Number(r.id), rise: Number(r.rise_time) }))
      .sort((a, b) => b.rise - a.rise || a.id - b.id);
  }

  async function scanTask(host: HostRecord, name: string, run: boolean): Promise<string> {
    const reply = await admin.call('Tasks.AddTask', {
      pData: {
        TASK_NAME: 'ods',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASK_INFO_PARAMS: { DisplayName: name, HostList: [{ HostName: host.id }] },
      },
    });
    const id = reply['PxgRetVal'] as string;
    if (run) await admin.call('Tasks.RunTask', { strTask: id });
    return id;
  }

  it('returns the scan’s events on the host in seed 001’s raw shape, with the licence failure it shows', async () => {
    const host = h.emu.ksc.world.hostsOf(0).find((x) => has(x, '1103') && has(x, 'KES') && expired(x))!;
    await scanTask(host, 'Licence check scan', true);
    await h.emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
    const expected = await stored(host.id, 'Licence check scan');
    expect(expected.length).toBeGreaterThan(0);

    const result = await h.run(getScanResult, { hostId: dn(host), scanTaskName: 'licence check SCAN' });
    expect(result.status).toBe('Successful');
    const items = (result.raw as Raw).pParamsEvents.KLEVP_EVENT_RANGE_ARRAY;
    expect(items.map((i) => Number(i.value['event_id'])).sort()).toEqual(expected.map((e) => e.id).sort());
    const rises = items.map((i) => Date.parse((i.value['rise_time'] as { value: string }).value));
    expect([...rises].sort((a, b) => b - a)).toEqual(rises);
    for (const item of items) {
      expect(item.type).toBe('params');
      expect(item.value['hostname']).toBe(host.id);
      expect(item.value['task_display_name']).toBe('Licence check scan');
    }
    const failure = items.find((i) => i.value['event_type'] === '000000d4')!.value;
    expect(failure).toMatchObject({
      event_type_display_name: 'Task cannot be performed',
      GNRL_EA_SEVERITY: 3,
    });
    expect(String(failure['GNRL_EA_DESCRIPTION'])).toContain('Error: Component not supported by license');

    expect(result.keyFields).toEqual({
      EventNames: items.map((i) => i.value['event_type_display_name']),
      EventDescriptions: items.map((i) => i.value['GNRL_EA_DESCRIPTION']),
      Severities: items.map((i) => i.value['GNRL_EA_SEVERITY']),
    });
    expect(result.keyFields['EventNames']).toContain('Task cannot be performed');
    expect(result.result.title).toBe('Get Scan Result');
    expect(result.result.columns).toContain('EVENT_TYPE_DISPLAY_NAME');
    expect(result.result.rows).toHaveLength(items.length);
    expect(typeof (result.context as Item[])[0]!['rise_time']).toBe('string');
  });

  it('keeps only the last days’ results when told', async () => {
    // The seeded "Virus scan" task has a month of past results; take the host with the most.
    const now = h.emu.ksc.clock.now();
    let best: { host: HostRecord; events: Array<{ rise: number }> } | undefined;
    for (const host of h.emu.ksc.world.hostsOf(0)) {
      const events = await stored(host.id, 'Virus scan');
      if (best === undefined || events.length > best.events.length) best = { host, events };
    }
    const oldest = Math.min(...best!.events.map((e) => e.rise));
    const days = Math.max(1, Math.floor((now - oldest) / 86_400_000));
    const recent = await stored(best!.host.id, 'Virus scan', now - days * 86_400_000);
    expect(recent.length).toBeLessThan(best!.events.length);

    const all = await h.run(getScanResult, { hostId: best!.host.id, scanTaskName: 'Virus scan' });
    expect(all.keyFields['Severities']).toHaveLength(best!.events.length);
    const some = await h.run(getScanResult, { hostId: best!.host.id, scanTaskName: 'Virus scan', days });
    const items = (some.raw as Raw).pParamsEvents.KLEVP_EVENT_RANGE_ARRAY;
    expect(items.map((i) => Number(i.value['event_id'])).sort()).toEqual(recent.map((e) => e.id).sort());
  });

  it('tells a misspelt task name (404, listing the host’s tasks) from a scan that has no result yet', async () => {
    const host = h.emu.ksc.world.hostsOf(0).find((x) => has(x, '1103') && has(x, 'KES') && !expired(x))!;
    const misspelt = await h.run(getScanResult, { hostId: dn(host), scanTaskName: 'Virus Scna' });
    expect(misspelt.status).toBe('Failed');
    expect(firstError(misspelt)).toMatchObject({
      failureIndicator: 'Get Scan Result failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    expect(firstError(misspelt).message).toContain('"Virus scan"');

    await scanTask(host, 'Scan not run yet', false);
    const fresh = await h.run(getScanResult, { hostId: dn(host), scanTaskName: 'Scan not run yet' });
    expect(fresh.status).toBe('Successful');
    expect(fresh.keyFields).toEqual({ EventNames: [], EventDescriptions: [], Severities: [] });
    expect((fresh.raw as Raw).pParamsEvents.KLEVP_EVENT_RANGE_ARRAY).toEqual([]);

    const unknown = await h.run(getScanResult, { hostId: 'NO-SUCH-HOST', scanTaskName: 'Virus scan' });
    expect(firstError(unknown)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('names the field of bad input and needs Basic functionality Read', async () => {
    const bad = await h.run(getScanResult, { hostId: 'BR01-WS-0001', scanTaskName: 'Virus scan', days: 0 });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(days\) is invalid/);
    const noName = await h.run(getScanResult, { hostId: 'BR01-WS-0001', scanTaskName: ' ' });
    expect(firstError(noName).message).toMatch(/^The value for parameter \(scanTaskName\) is invalid/);

    const input = { hostId: 'BR01-WS-0001', scanTaskName: 'Virus scan' };
    const denied = await h.run(getScanResult, input, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect((await h.run(getScanResult, input, 'reader')).status).toBe('Successful');
  });
});
