import { describe, expect, it } from 'vitest';
import { BACKENDS, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;

/** The counters an unmodified Go client asks for (its GetInstanceStatistics call), minus the unreported ones. */
const COUNTERS = [
  'KLSRV_ST_ALL_CONS_CNT',
  'KLSRV_ST_NAG_CONS_CNT',
  'KLSRV_ST_CTLNGT_CONS_CNT',
  'KLSRV_ST_PING_CNT',
  'KLSRV_ST_PING_REJECTED_CNT',
  'KLSRV_ST_PING_ERROR_CNT',
  'KLSRV_ST_PING_JN_CNT',
  'KLSRV_ST_SYNC_CNT',
  'KLSRV_ST_SYNC_REAL_CNT',
  'KLSRV_ST_SYNC_SUC_CNT',
  'KLSRV_ST_SYNC_JN_CNT',
  'KLSRV_ST_NETWORK_SCANNED',
  'KLSRV_ST_LAST_FULLNETSCAN_TIME',
  'KLSRV_ST_LAST_FASTNETSCAN_TIME',
  'KLSRV_ST_LAST_DPNSSCAN_TIME',
  'KLSRV_ST_LAST_ADSCAN_TIME',
  'KLSRV_ST_FULL_SCAN_PERCENT',
  'KLSRV_ST_NETWORK_SCAN_PERCENT',
  'KLSRV_ST_DPNS_SCAN_PERCENT',
  'KLSRV_ST_AD_SCAN_PERCENT',
  'KLSRV_ST_NETWORK_DOMAIN_SCANNED',
  'KLSRV_ST_SYNC_QUEUE_SIZE',
  'KLNLST_COUNTERS',
  'KLASYNCACT_COUNTERS',
  'KLSRV_ST_CPU_USER',
  'KLSRV_ST_CPU_KERNEL',
  'KLTR_ST_ACCEPTS_TOTAL',
  'KLTR_ST_ACCEPTS_FAILED',
  'KLTR_ST_SENT_BYTES',
  'KLTR_ST_RECEIVED_BYTES',
  'KLFTS_ST_GET_CHUNK_REQUESTS_TOTAL',
  'KLFTS_ST_GET_CHUNK_REQUESTS_REJECTED',
  'KLFTS_ST_TRANSMITTED_SIZE',
];

describe.each(BACKENDS)('KSC emulator HostGroup.GetInstanceStatistics counters (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  const statistics = async (fields: string[]) =>
    (await emu.admin.call('HostGroup.GetInstanceStatistics', { vecFilterFields: fields }))[
      'PxgRetVal'
    ] as Params;

  it('reports every counter, consistent with the world and with each other', async () => {
    const stats = await statistics(COUNTERS);
    expect(Object.keys(stats).sort()).toEqual([...COUNTERS].sort());

    const alive = [...emu.ksc.world.hosts.values()].filter(
      (h) =>
        typeof h.attributes['KLHST_WKS_NAG_VERSION'] === 'string' &&
        (Number(h.attributes['KLHST_WKS_STATUS']) & 0x8) !== 0,
    ).length;
    expect(alive).toBeGreaterThan(0);
    expect(stats['KLSRV_ST_NAG_CONS_CNT']).toBe(alive);
    // The agents' connections plus at least this session.
    expect(stats['KLSRV_ST_ALL_CONS_CNT']).toBeGreaterThan(alive);
    expect(stats['KLSRV_ST_PING_CNT'] as number).toBeGreaterThanOrEqual(alive);
    const syncs = stats['KLSRV_ST_SYNC_CNT'] as number;
    expect(syncs).toBeGreaterThan(0);
    expect(stats['KLSRV_ST_SYNC_SUC_CNT'] as number).toBeLessThanOrEqual(syncs);
    expect(stats['KLSRV_ST_NETWORK_SCANNED']).toBe(true);
    expect(stats['KLSRV_ST_LAST_FASTNETSCAN_TIME']).toBeInstanceOf(Date);
    expect(typeof stats['KLTR_ST_ACCEPTS_TOTAL']).toBe('bigint');
    expect(stats['KLTR_ST_ACCEPTS_TOTAL'] as bigint).toBeGreaterThanOrEqual(
      BigInt(stats['KLSRV_ST_PING_CNT'] as number),
    );
    expect(stats['KLFTS_ST_TRANSMITTED_SIZE']).toBe(
      (stats['KLFTS_ST_GET_CHUNK_REQUESTS_TOTAL'] as bigint) * 65_536n,
    );
    const lists = (stats['KLNLST_COUNTERS'] as Params)['KLNLST_COUNTERS_LISTS_ARRAY'] as Params[];
    expect(lists.map((l) => l['KLNLST_COUNTERS_LIST_NAME'])).toEqual(['Quarantine', 'Backup', 'TIF']);
    // A double on the wire: the client decodes it to a KlDouble.
    expect(Number(stats['KLSRV_ST_CPU_USER'])).toBeGreaterThanOrEqual(0);
  });

  it('counts pings on the emulator clock and async actions as they start and finish', async () => {
    const counters = async () => {
      const stats = await statistics(['KLSRV_ST_PING_CNT', 'KLASYNCACT_COUNTERS']);
      return { pings: stats['KLSRV_ST_PING_CNT'] as number, actions: stats['KLASYNCACT_COUNTERS'] as Params };
    };
    const before = await counters();
    const policies = (await emu.admin.call('Policy.GetPoliciesForGroup', { nGroupId: -1 }))[
      'PxgRetVal'
    ] as Params[];
    const { wstrAsyncId } = await emu.admin.call('FileCategorizer2.DoStaticAnalysisAsync2', {
      nPolicyId: policies[0]!['KLPOL_ID'] as number,
    });
    const running = await counters();
    expect(running.actions['KLASYNCACT_ACTION_COUNT']).toBe(
      (before.actions['KLASYNCACT_ACTION_COUNT'] as number) + 1,
    );
    expect(running.actions['KLASYNCACT_CONNECTION_COUNT']).toBeGreaterThanOrEqual(1);

    await emu.control('POST', '/__emulator/clock/advance', { seconds: 600 });
    const state = await emu.admin.call('AsyncActionStateChecker.CheckActionState', {
      wstrActionGuid: wstrAsyncId as string,
    });
    expect(state['bFinalized']).toBe(true);
    const after = await counters();
    expect(after.pings).toBeGreaterThan(before.pings);
    expect(after.actions['KLASYNCACT_ACTION_COUNT']).toBe(before.actions['KLASYNCACT_ACTION_COUNT']);
    expect(after.actions['KLASYNCACT_FINALIZED_ACTION_COUNT']).toBe(
      (before.actions['KLASYNCACT_FINALIZED_ACTION_COUNT'] as number) + 1,
    );
    expect(after.actions['KLASYNCACT_DURATION_MSEC'] as bigint).toBeGreaterThanOrEqual(30_000n);
  });

  it('counts the calls it answered, the console connections and the events it received', async () => {
    const fields = [
      'KLSRV_ST_GUI_CALLS_CNT',
      'KLSRV_ST_CON_EVENTS',
      'KLSRV_ST_EVENTS_CNT',
      'KLSRV_ST_EVENTS_ERROR_CNT',
      'KLSRV_ST_EVENTBULKS_CNT',
      'KLSRV_ST_EVENTBULKS_REJECTED_CNT',
    ];
    const first = await statistics(fields);
    expect(Object.keys(first).sort()).toEqual([...fields].sort());
    expect(first['KLSRV_ST_GUI_CALLS_CNT'] as number).toBeGreaterThan(0);
    const events = first['KLSRV_ST_EVENTS_CNT'] as number;
    const bulks = first['KLSRV_ST_EVENTBULKS_CNT'] as number;
    // The seeded history of the last day was received in bulks of several events.
    expect(events).toBeGreaterThan(0);
    expect(bulks).toBeGreaterThan(0);
    expect(bulks).toBeLessThanOrEqual(events);
    expect(first['KLSRV_ST_EVENTS_ERROR_CNT']).toBe(0);
    const consoles = first['KLSRV_ST_CON_EVENTS'] as Params;
    expect(consoles['KLSRV_ST_CON_EV_SESSION_COUNT'] as number).toBeGreaterThanOrEqual(1);
    expect(consoles['KLSRV_ST_CON_EV_SUBS_COUNT']).toBe(0);

    // Two calls in between: this one's statistics call and one more.
    await emu.admin.call('HostGroup.GetSubgroups', { nGroupId: 0, nDepth: 1 });
    const host = [...emu.ksc.world.hosts.values()].find(
      (h) => (Number(h.attributes['KLHST_WKS_STATUS']) & 0x8) !== 0,
    );
    expect(host).toBeDefined();
    const added = (await emu.control('POST', '/__emulator/events', { count: 5, hostId: host!.id })).body as {
      added: number;
    };
    expect(added.added).toBeGreaterThan(0);
    const second = await statistics(fields);
    expect(second['KLSRV_ST_GUI_CALLS_CNT']).toBe((first['KLSRV_ST_GUI_CALLS_CNT'] as number) + 2);
    expect(second['KLSRV_ST_EVENTS_CNT']).toBe(events + added.added);
    // One host's events of one moment are one bulk.
    expect(second['KLSRV_ST_EVENTBULKS_CNT']).toBe(bulks + 1);
  });

  it('counts the network-list operations the hosts carried out and the ones queued for their syncs', async () => {
    const lists = async () => {
      const stats = await statistics(['KLNLST_COUNTERS']);
      const counters = stats['KLNLST_COUNTERS'] as Params;
      const byName = (array: Params[]) => new Map(array.map((l) => [l['KLNLST_COUNTERS_LIST_NAME'], l]));
      return {
        done: byName(counters['KLNLST_COUNTERS_LISTS_ARRAY'] as Params[]),
        queue: counters['KLNLST_COUNTERS_TRANSQUEUE'] as Params,
      };
    };
    const [item] = await emu.admin.viewAll('Quarantine', {
      filter: '',
      fields: ['nId'],
      order: [{ Name: 'nId', Asc: true }],
    });
    expect(item).toBeDefined();
    const before = await lists();
    await emu.admin.call('QBTNetworkListApi.AddListItemTask', {
      listName: 'Quarantine',
      itemId: item!['nId'] as number,
      taskName: 'DeleteObj',
      pTaskParams: {},
    });
    const queued = await lists();
    expect(queued.queue['KLNLST_COUNTERS_TRANSQUEUE_TRANS_CNT']).toBe(
      (before.queue['KLNLST_COUNTERS_TRANSQUEUE_TRANS_CNT'] as number) + 1,
    );
    const quarantineQueue = (queued.queue['KLNLST_COUNTERS_LISTS_ARRAY'] as Params[]).find(
      (l) => l['KLNLST_COUNTERS_LIST_NAME'] === 'Quarantine',
    );
    expect(quarantineQueue?.['KLNLST_COUNTERS_TRANSQUEUE_LIST_PENDING']).toBe(true);

    await emu.control('POST', '/__emulator/clock/advance', { seconds: 600 });
    const after = await lists();
    expect(after.queue['KLNLST_COUNTERS_TRANSQUEUE_TRANS_CNT']).toBe(
      before.queue['KLNLST_COUNTERS_TRANSQUEUE_TRANS_CNT'],
    );
    expect(after.done.get('Quarantine')?.['KLNLST_COUNTERS_DELETEDITEM_CNT']).toBe(
      (before.done.get('Quarantine')?.['KLNLST_COUNTERS_DELETEDITEM_CNT'] as bigint) + 1n,
    );
  });
});
