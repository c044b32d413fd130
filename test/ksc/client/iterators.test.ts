import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  events,
  findGroups,
  findHosts,
  KscClient,
  srvView,
  taskHistory,
  waitForAction,
} from '../../../src/ksc/index.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

describe('KscClient result sets and actions', () => {
  let emu: TestEmulator;
  let ksc: KscClient;
  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 150, events: 2000 });
    ksc = new KscClient({ url: emu.url, credentials: { user: 'admin', password: TEST_PASSWORD } });
  });
  afterAll(async () => {
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
