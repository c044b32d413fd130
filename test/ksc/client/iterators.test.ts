import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  events,
  findGroups,
  findHosts,
  KscClient,
  NotFoundError,
  srvView,
  taskHistory,
  waitForAction,
  type KscLogRecord,
} from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

describe('KscClient result sets and actions', () => {
  let emu: TestEmulator;
  let ksc: KscClient;
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 150, events: 2000 });
    ksc = new KscClient({ url: emu.url, credentials: { user: 'admin', password: TEST_PASSWORD } });
  });
  const extra: KscClient[] = [];
  afterAll(async () => {
    for (const client of extra) await client.close();
    await ksc?.close();
    await emu?.stop();
  });

  const openResultSets = () => emu.ksc.state.iterators.size;

  it('pages through every host once, whatever the page size, and releases the accessor', async () => {
    const before = openResultSets();
    const hosts = await findHosts(ksc, { fields: ['KLHST_WKS_HOSTNAME'], pageSize: 37 }).toArray();
    const ids = hosts.map((h) => h['KLHST_WKS_HOSTNAME']);
    expect(new Set(ids).size).toBe(emu.ksc.world.hostsOf(0).length);
    expect(ids).toHaveLength(emu.ksc.world.hostsOf(0).length);
    expect(openResultSets()).toBe(before);
  });

  it('releases the result set when the consumer stops early or throws', async () => {
    const before = openResultSets();
    const few = await findGroups(ksc, { fields: ['id', 'name'], pageSize: 2 }).toArray({ limit: 3 });
    expect(few).toHaveLength(3);
    expect(openResultSets()).toBe(before);
    const failing = (async () => {
      for await (const host of findHosts(ksc, { fields: ['KLHST_WKS_DN'], pageSize: 10 })) {
        if (host['KLHST_WKS_DN'] !== undefined) throw new Error('consumer failed');
      }
    })();
    await expect(failing).rejects.toThrow('consumer failed');
    expect(openResultSets()).toBe(before);
  });

  it('reads server views, events and task history', async () => {
    const quarantine = await srvView(ksc, 'Quarantine', { fields: ['nId'], pageSize: 7 }).toArray();
    expect(quarantine.length).toBeGreaterThan(0);
    expect(new Set(quarantine.map((q) => q['nId'])).size).toBe(quarantine.length);

    const critical = await events(ksc, {
      filter: { GNRL_EA_SEVERITY: 4 },
      fields: ['event_db_id', 'GNRL_EA_SEVERITY'],
      pageSize: 50,
    }).toArray();
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((e) => e['GNRL_EA_SEVERITY'] === 4)).toBe(true);

    const history = await taskHistory(ksc, '101', { fields: ['event_type'], pageSize: 9 }).toArray();
    const opened = await ksc.call('Tasks.GetTaskHistory', {
      strTask: '101',
      pFields2Return: ['event_type'],
      pSortFields: [],
      strHostName: '',
      pFilter: {},
    });
    const strIteratorId = opened['strIteratorId'] as string;
    const count = (await ksc.call('EventProcessing.GetRecordCount', { strIteratorId }))['PxgRetVal'];
    await ksc.call('EventProcessing.ReleaseIterator', { strIteratorId });
    expect(count).toBeGreaterThan(0);
    expect(history).toHaveLength(count as number);
  });

  /** A client of its own, to count its logins and read its notices. */
  function loggedClient(): { client: KscClient; logs: KscLogRecord[] } {
    const logs: KscLogRecord[] = [];
    const client = new KscClient(
      { url: emu.url, credentials: { user: 'admin', password: TEST_PASSWORD } },
      { logger: (r) => logs.push(r) },
    );
    extra.push(client);
    return { client, logs };
  }
  const logins = (logs: readonly KscLogRecord[]) => logs.filter((r) => r.message === 'logging in').length;
  const reopenings = (logs: readonly KscLogRecord[]) =>
    logs.filter((r) => r.message.startsWith('the server forgot the result set'));

  /** Iterates, running `meanwhile` once after the first `after` records. */
  async function collect<T>(results: AsyncIterable<T>, after: number, meanwhile: () => Promise<unknown>) {
    const out: T[] = [];
    for await (const record of results) {
      out.push(record);
      if (out.length === after) await meanwhile();
    }
    return out;
  }

  it('goes on after the session expires mid-iteration, with exactly one new login', async () => {
    const { client, logs } = loggedClient();
    const hosts = await collect(
      findHosts(client, { fields: ['KLHST_WKS_HOSTNAME'], pageSize: 20, readAhead: false }),
      20,
      () => emu.control('POST', '/__emulator/sessions/expire'),
    );
    const ids = hosts.map((h) => h['KLHST_WKS_HOSTNAME']);
    expect(ids).toHaveLength(emu.ksc.world.hostsOf(0).length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(logins(logs)).toBe(2);
    expect(reopenings(logs)).toHaveLength(1);
    expect(reopenings(logs)[0]?.message).toContain('at record 20');
  });

  it('reopens a result set whose lifetime passed, neither losing nor repeating records', async () => {
    const { client, logs } = loggedClient();
    const all = await events(client, { fields: ['event_db_id'], order: [{ Name: 'event_db_id', Asc: true }] })
      .toArray()
      .then((list) => list.map((e) => e['event_db_id']));
    const read = await collect(
      events(client, {
        fields: ['event_db_id'],
        order: [{ Name: 'event_db_id', Asc: true }],
        pageSize: 300,
        lifetimeSeconds: 60,
        readAhead: false,
      }),
      300,
      // Idle longer than the lifetime: the server drops the result set, the session itself stays valid.
      () => emu.control('POST', '/__emulator/clock/advance', { seconds: 90 }),
    );
    expect(read.map((e) => e['event_db_id'])).toEqual(all);
    expect(reopenings(logs)).toHaveLength(1);
    expect(logins(logs)).toBe(1);

    const views = await collect(
      srvView(client, 'Quarantine', { fields: ['nId'], pageSize: 3, readAhead: false }),
      3,
      () => emu.control('POST', '/__emulator/iterators/expire'),
    );
    expect(new Set(views.map((v) => v['nId'])).size).toBe(views.length);
    expect(reopenings(logs)).toHaveLength(2);
  });

  it('fails with NotFoundError instead when told not to resume, and never loops on a vanishing result set', async () => {
    const { client } = loggedClient();
    const once = collect(
      findHosts(client, { fields: ['KLHST_WKS_HOSTNAME'], pageSize: 10, resume: false, readAhead: false }),
      10,
      () => emu.control('POST', '/__emulator/iterators/expire'),
    );
    await expect(once).rejects.toBeInstanceOf(NotFoundError);
    let expirations = 0;
    const always = (async () => {
      for await (const _host of findHosts(client, {
        fields: ['KLHST_WKS_HOSTNAME'],
        pageSize: 1,
        readAhead: false,
      })) {
        expirations++;
        await emu.control('POST', '/__emulator/iterators/expire');
      }
    })();
    await expect(always).rejects.toBeInstanceOf(NotFoundError);
    // The first page, then three reopenings that each read one more record before the fourth loss fails it.
    expect(expirations).toBe(4);
  });

  // These read the emulator's call counter: the test's own reads of it are control calls, not counted.
  async function chunkReadsWhileOnFirstPage(readAhead: boolean): Promise<number> {
    // A call first, so that a new login (earlier tests expired sessions) is not counted below.
    await ksc.call('HostGroup.GroupIdGroups', {});
    const before = await emu.callsReceived();
    let seen = 0;
    for await (const _host of findHosts(ksc, { fields: ['KLHST_WKS_HOSTNAME'], pageSize: 10, readAhead })) {
      // FindHosts and the first page: 2 calls. A read-ahead is a third, made before this page is handled.
      const deadline = Date.now() + 2000;
      while (readAhead && (await emu.callsReceived()) - before < 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      seen = (await emu.callsReceived()) - before;
      break;
    }
    return seen;
  }

  it('asks for the next page while the consumer handles this one, unless told not to', async () => {
    expect(await chunkReadsWhileOnFirstPage(true)).toBe(3);
    expect(await chunkReadsWhileOnFirstPage(false)).toBe(2);
  });

  it('reads no page ahead past what toArray can take, and releases after a page in flight', async () => {
    await ksc.call('HostGroup.GroupIdGroups', {});
    const before = await emu.callsReceived();
    const open = openResultSets();
    const ten = await findHosts(ksc, { fields: ['KLHST_WKS_HOSTNAME'], pageSize: 10 }).toArray({ limit: 10 });
    expect(ten).toHaveLength(10);
    // FindHosts, one page, Release: no page beyond the limit.
    expect((await emu.callsReceived()) - before).toBe(3);
    expect(openResultSets()).toBe(open);
    const some = await findHosts(ksc, { fields: ['KLHST_WKS_HOSTNAME'], pageSize: 10 }).toArray({
      limit: 15,
    });
    expect(some).toHaveLength(15);
    expect(openResultSets()).toBe(open);
  });

  it('waits for an asynchronous action to finish', async () => {
    const root = (await ksc.call('HostGroup.GroupIdGroups'))['PxgRetVal'] as number;
    const group = (await ksc.call('HostGroup.AddGroup', { pInfo: { name: 'client-wait', parentId: root } }))[
      'PxgRetVal'
    ] as number;
    const started = await ksc.call('HostGroup.RemoveGroup', { nGroup: group, nFlags: 1 });
    const result = await waitForAction(ksc, started['strActionGuid'] as string, { maxDelayMs: 100 });
    expect(result.succeeded).toBe(true);
    expect(emu.ksc.world.groups.has(group)).toBe(false);
    const aborted = new AbortController();
    aborted.abort();
    await expect(waitForAction(ksc, 'whatever', { signal: aborted.signal })).rejects.toThrow();
  });
});
