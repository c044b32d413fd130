import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4FromLong } from '../../../src/commands/ksc/shared/ipv4.ts';
import { scanHosts } from '../../../src/commands/ksc/scan-hosts.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;
type Raw = { taskId: string; pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: { type: string; value: Item }[] } };

const KES_SCAN = 'Virus Scan with Kaspersky Endpoint Security for Windows(11.7.0)';
const KESL_SCAN = 'Virus Scan with Kaspersky Endpoint Security 11.2.0 for Linux';
const MAC_SCAN = 'Virus Scan with Kaspersky Endpoint Security for Mac (11.2)';
const LICENSE_EXPIRED = 1 << 9;

const has = (host: HostRecord, product: string) => host.products.some((p) => p.name === product);
const dn = (host: HostRecord) => String(host.attributes['KLHST_WKS_DN']);
const expired = (host: HostRecord) =>
  (Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0) & LICENSE_EXPIRED) !== 0;

describe('scan_hosts', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let licensed: HostRecord[];
  let expiredHost: HostRecord;
  let noAgent: HostRecord;
  let noKes: HostRecord;
  let linux: HostRecord;
  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    const hosts = h.emu.ksc.world.hostsOf(0);
    licensed = hosts.filter((x) => has(x, '1103') && has(x, 'KES') && !expired(x));
    expiredHost = hosts.find((x) => has(x, '1103') && has(x, 'KES') && expired(x))!;
    noAgent = hosts.find((x) => !has(x, '1103'))!;
    noKes = hosts.find((x) => has(x, '1103') && !has(x, 'KES') && !has(x, 'KESL'))!;
    linux = hosts.find((x) => has(x, '1103') && has(x, 'KESL') && !expired(x))!;
    expect([licensed.length >= 10, expiredHost, noAgent, noKes, linux].every(Boolean)).toBe(true);
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function taskCount(): Promise<number> {
    const reset = await admin.call('Tasks.ResetTasksIterator', { bGroupIdSignificant: false });
    const strTaskIteratorId = reset['strTaskIteratorId'] as string;
    let count = 0;
    for (;;) {
      const next = (await admin.call('Tasks.GetNextTask', { strTaskIteratorId }))['pTaskData'] as Item;
      if (Object.keys(next).length === 0) break;
      count++;
    }
    await admin.call('Tasks.ReleaseTasksIterator', { strTaskIteratorId });
    return count;
  }

  async function taskData(strTask: string): Promise<Item> {
    return (await admin.call('Tasks.GetTaskData', { strTask }))['PxgRetVal'] as Item;
  }

  const hostListOf = (data: Item) =>
    ((data['TASK_INFO_PARAMS'] as Item)['HostList'] as Item[]).map((e) => e['HostName']);

  it('creates and runs a scan task and returns at once with its id and state (seed 001’s raw + taskId)', async () => {
    const host = licensed[0]!;
    const before = await taskCount();
    const result = await h.run(scanHosts, {
      hostNames: [dn(host)],
      scanType: KES_SCAN,
      scanDisplayName: 'Virus Scan_postman1',
    });
    expect(result.status).toBe('Successful');
    const raw = result.raw as Raw;
    expect(raw.taskId).toMatch(/^\d+$/);
    expect(raw.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY).toEqual([]);
    expect(result.keyFields).toEqual({
      ScanTaskID: raw.taskId,
      hostNames: [dn(host)],
      ScanNewState: [],
      ScanNewStateDesc: [],
      ScanState: 'pending',
    });
    expect(result.result).toEqual({
      title: 'Scan Hosts',
      columns: ['taskId', 'state'],
      rows: [[raw.taskId, 'pending']],
    });
    expect(await taskCount()).toBe(before + 1);

    const data = await taskData(raw.taskId);
    expect(data).toMatchObject({ TASK_NAME: 'ods', TASKID_PRODUCT_NAME: 'KES', TASKID_VERSION: '11.0.0.0' });
    expect((data['TASK_INFO_PARAMS'] as Item)['DisplayName']).toBe('Virus Scan_postman1');
    expect(hostListOf(data)).toEqual([host.id]);
    // Started: the host takes it at its next sync.
    const stats = (await admin.call('Tasks.GetTaskStatistics', { strTask: raw.taskId }))['PxgRetVal'] as Item;
    expect(stats['1']).toBe(1);
    const context = result.context as { finished: boolean; hosts: Item[] };
    expect(context.finished).toBe(false);
    expect(context.hosts.map((x) => [x['hostname'], x['state']])).toEqual([[host.id, 'pending']]);
  });

  it('with wait, waits until the scan finished and reports the state changes as seed 001 shows them', async () => {
    const hosts = [licensed[1]!, licensed[2]!];
    const ip = ipv4FromLong(hosts[1]!.attributes['KLHST_WKS_IP_LONG'] as bigint)!;
    const result = await h.run(scanHosts, {
      hostNames: [hosts[0]!.id, ip],
      scanType: KES_SCAN,
      scanDisplayName: 'Scan and wait',
      wait: true,
      waitTimeoutSeconds: 1800,
    });
    expect(result.status).toBe('Successful');
    const raw = result.raw as Raw;
    const reply = await admin.call('Tasks.GetTaskHistory', {
      strTask: raw.taskId,
      pFields2Return: ['event_id', 'task_new_state', 'hostname'],
      pSortFields: [{ Name: 'rise_time', Asc: false }],
      strHostName: '',
      pFilter: { event_type: 'KLPRCI_TaskState' },
    });
    const range = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: reply['strIteratorId'] as string,
      nStart: 0,
      nEnd: 100,
    });
    const expected = (range['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Item[] }).KLEVP_EVENT_RANGE_ARRAY;
    expect(expected.map((e) => e['task_new_state']).sort()).toEqual([1, 1, 4, 4]);

    const items = raw.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY;
    expect(items.map((i) => i.value['event_id'])).toEqual(expected.map((e) => e['event_id']));
    for (const item of items) {
      expect(item.type).toBe('params');
      expect(item.value['event_type']).toBe('KLPRCI_TaskState');
      expect(item.value['rise_time']).toMatchObject({ type: 'datetime' });
      expect(item.value['task_new_state_desc']).toBe(
        item.value['task_new_state'] === 4 ? 'completed' : 'running',
      );
    }
    expect(result.keyFields).toMatchObject({
      ScanTaskID: raw.taskId,
      hostNames: hosts.map(dn),
      ScanNewState: expected.map((e) => e['task_new_state']),
      ScanState: 'completed',
    });
    expect(result.keyFields['ScanNewStateDesc']).toEqual(
      expected.map((e) => (e['task_new_state'] === 4 ? 'completed' : 'running')),
    );
    const context = result.context as { finished: boolean; timedOut: boolean; hosts: Item[] };
    expect(context.finished).toBe(true);
    expect(context.timedOut).toBe(false);
    expect(context.hosts.map((x) => x['state'])).toEqual(['completed', 'completed']);
    for (const host of hosts) {
      expect(h.emu.ksc.world.hosts.get(host.id)!.attributes['KLHST_WKS_LAST_FULLSCAN']).toBeInstanceOf(Date);
    }
  });

  it('stops waiting at the timeout and reports the state so far', async () => {
    const result = await h.run(scanHosts, {
      hostNames: [licensed[3]!.id],
      scanType: KES_SCAN,
      scanDisplayName: 'Scan with a short wait',
      wait: true,
      waitTimeoutSeconds: 30,
    });
    expect(result.status).toBe('Successful');
    const context = result.context as {
      finished: boolean;
      timedOut: boolean;
      state: string;
      waitedSeconds: number;
    };
    expect(context).toMatchObject({ finished: false, timedOut: true, waitedSeconds: 30 });
    expect(['pending', 'running']).toContain(context.state);
    expect(result.keyFields['ScanState']).toBe(context.state);
  });

  it('refuses hosts the scan cannot run on, with the reason, and scans the others (Partially Successful)', async () => {
    const good = licensed[4]!;
    const result = await h.run(scanHosts, {
      hostNames: [dn(good), dn(expiredHost), dn(noAgent), dn(noKes), 'NO-SUCH-HOST', 'BR01-WS-*', good.id],
      scanType: KES_SCAN,
      scanDisplayName: 'Mixed scan',
    });
    expect(result.status).toBe('Partially Successful');
    const errors = new Map(result.errors.map((e) => [e.item, e]));
    expect(errors.get(dn(expiredHost))).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(errors.get(dn(expiredHost))!.message).toContain('licence');
    expect(errors.get(dn(noAgent))).toMatchObject({ statusCode: 409 });
    expect(errors.get(dn(noAgent))!.message).toContain('Network Agent');
    expect(errors.get(dn(noKes))).toMatchObject({ statusCode: 409 });
    expect(errors.get(dn(noKes))!.message).toContain(
      'Kaspersky Endpoint Security for Windows is not installed',
    );
    expect(errors.get('NO-SUCH-HOST')).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect(errors.get('BR01-WS-*')).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(result.errors).toHaveLength(5);
    expect(result.errors.every((e) => e.failureIndicator === 'Scan Hosts failed.')).toBe(true);
    // The good host, named twice, is scanned once.
    expect(result.keyFields['hostNames']).toEqual([dn(good)]);
    expect(hostListOf(await taskData(String(result.keyFields['ScanTaskID'])))).toEqual([good.id]);

    const before = await taskCount();
    const none = await h.run(scanHosts, {
      hostNames: [dn(expiredHost), 'NO-SUCH-HOST'],
      scanType: KES_SCAN,
      scanDisplayName: 'Nothing to scan',
    });
    expect(none.status).toBe('Failed');
    expect(none.errors).toHaveLength(2);
    expect(await taskCount()).toBe(before);
  });

  it('refuses a name two hosts share and lists them, creating nothing', async () => {
    const [a, b] = [licensed[5]!, licensed[6]!];
    const attributes = b.attributes as Record<string, unknown>;
    const original = attributes['KLHST_WKS_DN'];
    // The generated world has unique names; re-imaged machines sharing a display name are common in real ones.
    attributes['KLHST_WKS_DN'] = dn(a);
    try {
      const before = await taskCount();
      const result = await h.run(scanHosts, {
        hostNames: [dn(a)],
        scanType: KES_SCAN,
        scanDisplayName: 'Which one?',
      });
      expect(result.status).toBe('Failed');
      expect(firstError(result)).toMatchObject({ statusCode: 409, code: 'CONFLICT', item: dn(a) });
      expect(firstError(result).message).toContain(a.id);
      expect(firstError(result).message).toContain(b.id);
      expect(await taskCount()).toBe(before);
    } finally {
      attributes['KLHST_WKS_DN'] = original;
    }
  });

  it('runs the scan type of the application: KES for Linux, and refuses one that is not installed', async () => {
    const result = await h.run(scanHosts, {
      hostNames: [dn(linux)],
      scanType: KESL_SCAN,
      scanDisplayName: 'Linux scan',
    });
    expect(result.status).toBe('Successful');
    const data = await taskData(String(result.keyFields['ScanTaskID']));
    const version = linux.products.find((p) => p.name === 'KESL')!.version;
    expect(data).toMatchObject({
      TASK_NAME: 'Scan_My_Computer',
      TASKID_PRODUCT_NAME: 'KESL',
      TASKID_VERSION: version,
    });

    const mac = await h.run(scanHosts, {
      hostNames: [dn(licensed[7]!)],
      scanType: MAC_SCAN,
      scanDisplayName: 'Mac scan',
    });
    expect(firstError(mac)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(firstError(mac).message).toContain('Kaspersky Endpoint Security for Mac is not installed');
  });

  it('does not scan twice for a repeat with the same idempotencyKey', async () => {
    const input = {
      hostNames: [dn(licensed[8]!)],
      scanType: KES_SCAN,
      scanDisplayName: 'Retried scan',
      idempotencyKey: 'case-4711-scan',
    };
    const before = await taskCount();
    const first = await h.run(scanHosts, input);
    const again = await h.run(scanHosts, input);
    expect(first.status).toBe('Successful');
    expect(again.keyFields['ScanTaskID']).toBe(first.keyFields['ScanTaskID']);
    expect(await taskCount()).toBe(before + 1);
    const other = await h.run(scanHosts, { ...input, idempotencyKey: 'case-4712-scan' });
    expect(other.keyFields['ScanTaskID']).not.toBe(first.keyFields['ScanTaskID']);
    expect(await taskCount()).toBe(before + 2);
  });

  it('names the field of bad input', async () => {
    const base = { hostNames: [dn(licensed[9]!)], scanType: KES_SCAN, scanDisplayName: 'Scan' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, hostNames: [] }, 'hostNames'],
      [{ ...base, scanType: 'Full Scan' }, 'scanType'],
      [{ ...base, scanDisplayName: 'x'.repeat(101) }, 'scanDisplayName'],
      [{ ...base, scanDisplayName: undefined }, 'scanDisplayName'],
      [{ ...base, waitTimeoutSeconds: -1 }, 'waitTimeoutSeconds'],
    ];
    for (const [input, field] of cases) {
      const result = await h.run(scanHosts, input);
      expect(firstError(result).statusCode, field).toBe(400);
      expect(firstError(result).message).toMatch(
        new RegExp(`^The value for parameter \\(${field}\\) is invalid`),
      );
    }
  });

  it('needs Execute and device selections (seed 001): the read-only analyst gets 403 and nothing is created', async () => {
    const before = await taskCount();
    const input = { hostNames: [dn(licensed[9]!)], scanType: KES_SCAN, scanDisplayName: 'Not allowed' };
    for (const user of ['analyst', 'reader']) {
      const denied = await h.run(scanHosts, input, user);
      expect(denied.status, user).toBe('Failed');
      expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    }
    expect(await taskCount()).toBe(before);
    const responder = await h.run(scanHosts, input, 'responder');
    expect(responder.status).toBe('Successful');
  });
});
