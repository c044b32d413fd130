import { describe, expect, it } from 'vitest';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { BACKENDS, failure, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

const AGENT_ALIVE = 0x8;
const COUNTERS = ['gsyn_cnt_FullCount', 'gsyn_cnt_Running', 'gsyn_cnt_Finished', 'gsyn_cnt_Failed'];
const HOST_FIELDS = ['hostStatus', 'hostName', 'hostDisplayName', 'last_sync', 'last_sync_req', 'version'];

const hasAgent = (h: HostRecord) => typeof h.attributes['KLHST_WKS_NAG_VERSION'] === 'string';
const isAlive = (h: HostRecord) => (Number(h.attributes['KLHST_WKS_STATUS']) & AGENT_ALIVE) !== 0;
const seconds = (value: unknown) => new Date(value as string | Date).getTime();

/** Issue 21 part L: GroupSync over policies' and custom categories' synchronizations (decision 0079). */
describe.each(BACKENDS)('KSC emulator GroupSync (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 80, events: 50 });

  const info = async (caller: KscCaller, nSync: number) =>
    (await caller.call('GroupSync.GetSyncInfo', { nSync, arrFieldsToReturn: COUNTERS }))['PxgRetVal'] as Item;

  /** Every row of GetSyncHostsInfo, read through GroupSyncIterator in chunks of 7. */
  const hostRows = async (
    caller: KscCaller,
    nSync: number,
    order: Array<{ Name: string; Asc: boolean }> = [],
  ) => {
    const iterator = (
      await caller.call('GroupSync.GetSyncHostsInfo', {
        nSync,
        arrFieldsToReturn: HOST_FIELDS,
        arrFieldsToOrder: order,
        nLifeTime: 60,
      })
    )['PxgRetVal'] as string;
    const rows: Item[] = [];
    for (;;) {
      const chunk = await caller.call('GroupSyncIterator.GetNextItems', { szwIterator: iterator, nCount: 7 });
      rows.push(...((chunk['pData'] as Item)['KLCSP_ITERATOR_ARRAY'] as Item[]));
      if (chunk['bEOF'] === true) break;
    }
    await caller.call('GroupSyncIterator.ReleaseIterator', { szwIterator: iterator });
    return rows;
  };

  const managedHosts = (vserverId: number) => {
    const root = emu.ksc.world.rootGroup(vserverId)!;
    const groups = emu.ksc.world.subtree(root.id);
    return emu.ksc.world.hostsOf(vserverId).filter((h) => groups.has(h.groupId) && hasAgent(h));
  };

  it("delivers a category change to each managed host at its agent's next sync", async () => {
    const syncId = (await emu.admin.call('FileCategorizer2.GetSyncId', {}))['PxgRetVal'] as number;
    expect(syncId).toBe(1);
    const scope = managedHosts(0);
    const alive = scope.filter(isAlive);
    expect(alive.length).toBeGreaterThan(0);
    expect(alive.length).toBeLessThan(scope.length);

    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    try {
      await emu.admin.call('FileCategorizer2.CreateCategory', { pCategory: { name: 'group sync' } });
      const changedAt = Math.floor(emu.ksc.clock.now() / 1000) * 1000;
      expect(await info(emu.admin, syncId)).toEqual({
        gsyn_cnt_FullCount: scope.length,
        gsyn_cnt_Running: 0,
        gsyn_cnt_Finished: 0,
        gsyn_cnt_Failed: 0,
      });
      const before = await hostRows(emu.admin, syncId);
      expect(before.map((r) => r['hostStatus'])).toEqual(scope.map(() => 0));
      expect(before.some((r) => 'last_sync' in r || 'version' in r)).toBe(false);

      await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
      const now = emu.ksc.clock.now();
      expect((await info(emu.admin, syncId))['gsyn_cnt_Finished']).toBe(alive.length);
      const after = await hostRows(emu.admin, syncId, [{ Name: 'hostName', Asc: false }]);
      expect(after.map((r) => r['hostName'])).toEqual(
        scope
          .map((h) => h.id)
          .sort()
          .reverse(),
      );
      for (const row of after) {
        const host = emu.ksc.world.hosts.get(row['hostName'] as string)!;
        expect(row['hostDisplayName']).toBe(host.attributes['KLHST_WKS_DN']);
        if (!isAlive(host)) {
          expect(row['hostStatus']).toBe(0);
          continue;
        }
        expect(row).toMatchObject({ hostStatus: 2, version: 1 });
        expect(seconds(row['last_sync'])).toBeGreaterThan(changedAt);
        expect(seconds(row['last_sync'])).toBeLessThanOrEqual(seconds(row['last_sync_req']));
        expect(seconds(row['last_sync_req'])).toBeLessThanOrEqual(now);
      }

      const [on] = alive;
      const delivered = (
        await emu.admin.call('GroupSync.GetSyncDeliveryTime', { nSync: syncId, szwHostId: on!.id })
      )['PxgRetVal'];
      // A reply's datetime is its string; inside a container the codec restores a Date.
      expect(seconds(delivered)).toBe(seconds(after.find((r) => r['hostName'] === on!.id)!['last_sync']));
      const off = scope.find((h) => !isAlive(h))!;
      expect(
        (await emu.admin.call('GroupSync.GetSyncDeliveryTime', { nSync: syncId, szwHostId: off.id }))[
          'PxgRetVal'
        ],
      ).toBe('');
    } finally {
      await emu.control('POST', '/__emulator/clock/freeze', { frozen: false });
    }
  });

  it("scopes a policy's sync to the hosts it applies to, and a subgroup's own policy takes its hosts", async () => {
    const policies = (await emu.admin.call('Policy.GetPoliciesForGroup', { nGroupId: -1 }))[
      'PxgRetVal'
    ] as Item[];
    const kes = policies.find((p) => p['KLPOL_ID'] === 1)!;
    expect(kes['KLPOL_GSYN_ID']).toBe(13);
    const own = policies.find((p) => p['KLPOL_PRODUCT'] === 'KES' && p['KLPOL_GROUP_NAME'] === 'Finance')!;

    const rows = await hostRows(emu.admin, 13);
    const counters = await info(emu.admin, 13);
    expect(counters['gsyn_cnt_FullCount']).toBe(rows.length);
    expect(counters['gsyn_cnt_Finished']).toBe(rows.filter((r) => r['hostStatus'] === 2).length);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const host = emu.ksc.world.hosts.get(row['hostName'] as string)!;
      expect(hasAgent(host) && host.products.some((p) => p.name === 'KES')).toBe(true);
      expect(emu.ksc.world.groups.get(host.groupId)!.name).not.toBe('Finance');
    }
    const ownRows = await hostRows(emu.admin, own['KLPOL_GSYN_ID'] as number);
    for (const row of ownRows)
      expect(
        emu.ksc.world.groups.get(emu.ksc.world.hosts.get(row['hostName'] as string)!.groupId)!.name,
      ).toBe('Finance');

    // A changed policy is scheduled again everywhere until the hosts' next syncs.
    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    try {
      await emu.admin.call('Policy.UpdatePolicyData', {
        nPolicy: 1,
        pPolicyData: { KLPOL_DN: 'KES, changed' },
      });
      expect((await info(emu.admin, 13))['gsyn_cnt_Finished']).toBe(0);
      await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
      const alive = rows.filter((r) => isAlive(emu.ksc.world.hosts.get(r['hostName'] as string)!)).length;
      expect((await info(emu.admin, 13))['gsyn_cnt_Finished']).toBe(alive);
    } finally {
      await emu.control('POST', '/__emulator/clock/freeze', { frozen: false });
    }
  });

  it("keeps each virtual server's syncs apart: category ids never meet policy ids", async () => {
    const branch = await emu.session('admin', 'vs-branch');
    const branchId = emu.ksc.world.vserverByName('vs-branch')!.id;
    const syncId = (await branch.call('FileCategorizer2.GetSyncId', {}))['PxgRetVal'] as number;
    expect(syncId).toBe(2 ** 31 - branchId);
    expect((await info(branch, syncId))['gsyn_cnt_FullCount']).toBe(managedHosts(branchId).length);

    const syncIds = async (caller: KscCaller) =>
      ((await caller.call('Policy.GetPoliciesForGroup', { nGroupId: -1 }))['PxgRetVal'] as Item[]).map(
        (p) => p['KLPOL_GSYN_ID'],
      );
    expect([...(await syncIds(emu.admin)), ...(await syncIds(branch))]).not.toContain(syncId);
    expect(await syncIds(emu.admin)).not.toContain(1);

    // Another server's syncs, ids no sync has, and unknown hosts.
    expect((await failure(info(branch, 1))).pxgCode).toBe(1186);
    expect((await failure(info(branch, 13))).pxgCode).toBe(1186);
    expect((await failure(info(emu.admin, syncId))).pxgCode).toBe(1186);
    expect((await failure(info(emu.admin, 5))).pxgCode).toBe(1186);
    expect(
      (
        await failure(
          emu.admin.call('GroupSync.GetSyncDeliveryTime', { nSync: 1, szwHostId: 'no-such-host' }),
        )
      ).pxgCode,
    ).toBe(1186);
    expect(
      (
        await failure(
          emu.admin.call('GroupSync.GetSyncHostsInfo', {
            nSync: 1,
            arrFieldsToReturn: ['hostName'],
            arrFieldsToOrder: [{ Name: 'KLHST_WKS_DN', Asc: true }],
          }),
        )
      ).pxgCode,
    ).toBe(1187);
  });
});
