import { describe, expect, it } from 'vitest';
import type { KscCallError } from '../../support/ksc-emulator.ts';
import { BACKENDS, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

async function find(
  caller: KscCaller,
  filter: string,
  fields: string[],
  order: Array<{ Name: string; Asc: boolean }> = [],
): Promise<Item[]> {
  const found = await caller.call('HostGroup.FindHosts', {
    wstrFilter: filter,
    vecFieldsToReturn: fields,
    vecFieldsToOrder: order,
    pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
    lMaxLifeTime: 100,
  });
  const items = await caller.chunkAll(found['strAccessor'] as string, 97);
  expect(items.length).toBe(found['PxgRetVal']);
  return items;
}

describe.each(BACKENDS)('KSC emulator hosts and groups (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  it('enumerates every host of the server with only the requested attributes', async () => {
    const items = await find(emu.admin, '', ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_DN', 'KLHST_WKS_IP_LONG']);
    const mainHosts = emu.ksc.world.hostsOf(0);
    expect(items.length).toBe(mainHosts.length);
    for (const item of items) {
      expect(
        Object.keys(item).every((k) =>
          ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_DN', 'KLHST_WKS_IP_LONG'].includes(k),
        ),
      ).toBe(true);
      expect(typeof item['KLHST_WKS_IP_LONG']).toBe('bigint');
    }
    expect(new Set(items.map((i) => i['KLHST_WKS_HOSTNAME'])).size).toBe(items.length);
  });

  it('omits attributes without a value, as the real server does', async () => {
    const items = await find(emu.admin, '', [
      'KLHST_WKS_DN',
      'KLHST_WKS_LAST_FULLSCAN',
      'KLHST_WKS_RTP_AV_VERSION',
    ]);
    const withoutScan = items.filter((i) => !('KLHST_WKS_LAST_FULLSCAN' in i));
    const expected = emu.ksc.world
      .hostsOf(0)
      .filter((h) => h.attributes['KLHST_WKS_LAST_FULLSCAN'] === undefined);
    expect(withoutScan.length).toBe(expected.length);
    expect(items.every((i) => 'KLHST_WKS_DN' in i)).toBe(true);
  });

  it('filters with status bits, wildcards, groups and subgroups, and orders', async () => {
    const world = emu.ksc.world;
    const hosts = world.hostsOf(0);
    const online = await find(emu.admin, '(KLHST_WKS_STATUS & 0x00000001 <> 0)', ['KLHST_WKS_STATUS']);
    expect(online.length).toBe(
      hosts.filter((h) => (Number(h.attributes['KLHST_WKS_STATUS']) & 1) !== 0).length,
    );
    expect(online.every((i) => ((i['KLHST_WKS_STATUS'] as number) & 1) === 1)).toBe(true);

    const critical = await find(emu.admin, '(&(KLHST_WKS_STATUS_ID = 1)(KLHST_WKS_STATUS&4<>0))', [
      'KLHST_WKS_STATUS_ID',
    ]);
    expect(critical.length).toBe(
      hosts.filter(
        (h) =>
          h.attributes['KLHST_WKS_STATUS_ID'] === 1 && (Number(h.attributes['KLHST_WKS_STATUS']) & 4) !== 0,
      ).length,
    );

    const sample = String(hosts[0]!.attributes['KLHST_WKS_DN']);
    const byPrefix = await find(emu.admin, `KLHST_WKS_DN = "${sample.slice(0, 3).toLowerCase()}*"`, [
      'KLHST_WKS_DN',
    ]);
    expect(byPrefix.length).toBe(
      hosts.filter((h) =>
        String(h.attributes['KLHST_WKS_DN']).toLowerCase().startsWith(sample.slice(0, 3).toLowerCase()),
      ).length,
    );

    // A group with a subgroup: _GP covers the subtree, GROUPID only the group itself.
    const parent = [...world.groups.values()].find(
      (g) =>
        g.vserverId === 0 &&
        g.parentId !== null &&
        [...world.groups.values()].some((c) => c.parentId === g.id),
    )!;
    const subtree = world.subtree(parent.id);
    const gp = await find(emu.admin, `(KLHST_WKS_GROUPID_GP = ${parent.id})`, ['KLHST_WKS_GROUPID']);
    expect(gp.length).toBe(hosts.filter((h) => subtree.has(h.groupId)).length);
    expect(gp.every((i) => subtree.has(i['KLHST_WKS_GROUPID'] as number))).toBe(true);

    const ordered = await find(emu.admin, '', ['KLHST_WKS_DN'], [{ Name: 'KLHST_WKS_DN', Asc: false }]);
    const names = ordered.map((i) => String(i['KLHST_WKS_DN']).toLowerCase());
    expect(names).toEqual([...names].sort().reverse());
  });

  it('rejects an unknown attribute and a malformed filter with the Pos N. message', async () => {
    const unknown = await emu.admin
      .call('HostGroup.FindHosts', { wstrFilter: 'ol = 1', vecFieldsToReturn: ['KLHST_WKS_DN'] })
      .catch((e: unknown) => e);
    expect((unknown as KscCallError).pxgMessage).toBe("Pos 1. Unknown attribute 'ol'.");
    const unclosed = await emu.admin
      .call('HostGroup.FindHosts', {
        wstrFilter: '((KLHST_WKS_FQDN="kasper*")(KLHST_WKS_OS_NAME="*Server 2019"))',
      })
      .catch((e: unknown) => e);
    expect((unclosed as KscCallError).pxgMessage).toBe("Pos 28. Closing bracket ')' expected.");
  });

  it('pages with GetItemsChunk (returned count ≤ nCount, past the end = 0) and releases accessors', async () => {
    const found = await emu.admin.call('HostGroup.FindHosts', {
      vecFieldsToReturn: ['KLHST_WKS_DN'],
      lMaxLifeTime: 60,
    });
    const accessor = found['strAccessor'] as string;
    expect(accessor).toMatch(/^[A-Za-z0-9]{22}$/);
    const total = found['PxgRetVal'] as number;
    expect(
      (await emu.admin.call('ChunkAccessor.GetItemsCount', { strAccessor: accessor }))['PxgRetVal'],
    ).toBe(total);
    const tail = await emu.admin.call('ChunkAccessor.GetItemsChunk', {
      strAccessor: accessor,
      nStart: total - 3,
      nCount: 10,
    });
    expect(tail['PxgRetVal']).toBe(3);
    const past = await emu.admin.call('ChunkAccessor.GetItemsChunk', {
      strAccessor: accessor,
      nStart: total + 5,
      nCount: 10,
    });
    expect(past['PxgRetVal']).toBe(0);
    await emu.admin.call('ChunkAccessor.Release', { strAccessor: accessor });
    const gone = await emu.admin
      .call('ChunkAccessor.GetItemsCount', { strAccessor: accessor })
      .catch((e: unknown) => e);
    expect((gone as KscCallError).pxgCode).toBe(1186);
  });

  it('expires an accessor after its lifetime, and caps the lifetime at 7200 s', async () => {
    const short = await emu.admin.call('HostGroup.FindHosts', {
      vecFieldsToReturn: ['KLHST_WKS_DN'],
      lMaxLifeTime: 30,
    });
    const long = await emu.admin.call('HostGroup.FindHosts', {
      vecFieldsToReturn: ['KLHST_WKS_DN'],
      lMaxLifeTime: 100_000,
    });
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 31 });
    const expired = await emu.admin
      .call('ChunkAccessor.GetItemsCount', { strAccessor: short['strAccessor'] as string })
      .catch((e: unknown) => e);
    expect((expired as KscCallError).pxgCode).toBe(1186);
    await emu.admin.call('ChunkAccessor.GetItemsCount', { strAccessor: long['strAccessor'] as string });
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 7201 });
    // The session idles out too (1800 s default), so a new one looks at the long accessor: it is gone either way.
    const fresh = await emu.session();
    const capped = await fresh
      .call('ChunkAccessor.GetItemsCount', { strAccessor: long['strAccessor'] as string })
      .catch((e: unknown) => e);
    expect((capped as KscCallError).pxgCode).toBe(1186);
    emu.admin = fresh;
  });

  it('reads one host, its products, and reports an unknown host', async () => {
    const host = emu.ksc.world.hostsOf(0).find((h) => h.products.length >= 2)!;
    const info = await emu.admin.call('HostGroup.GetHostInfo', {
      strHostName: host.id,
      pFields2Return: ['KLHST_WKS_DN', 'KLHST_WKS_STATUS', 'name', 'grp_full_name'],
    });
    const value = info['PxgRetVal'] as Item;
    expect(value['KLHST_WKS_DN']).toBe(host.attributes['KLHST_WKS_DN']);
    expect(value['name']).toBe(emu.ksc.world.groups.get(host.groupId)!.name);
    const products = (await emu.admin.call('HostGroup.GetHostProducts', { strHostName: host.id }))[
      'PxgRetVal'
    ] as Record<string, Record<string, Item>>;
    for (const product of host.products) expect(products[product.name]?.[product.version]).toBeDefined();
    const missing = await emu.admin
      .call('HostGroup.GetHostInfo', { strHostName: 'no-such-host', pFields2Return: [] })
      .catch((e: unknown) => e);
    expect((missing as KscCallError).pxgCode).toBe(1186);
  });

  it('finds groups with computed counters, and knows the well-known group ids', async () => {
    const found = await emu.admin.call('HostGroup.FindGroups', {
      wstrFilter: '(id = 0)',
      vecFieldsToReturn: ['id', 'name', 'KLGRP_CHLDHST_CNT', 'grp_full_name'],
      lMaxLifeTime: 60,
    });
    const [root] = await emu.admin.chunkAll(found['strAccessor'] as string);
    expect(root).toMatchObject({ id: 0, name: 'Managed devices' });
    const inTree = emu.ksc.world.hostsOf(0).filter((h) => emu.ksc.world.subtree(0).has(h.groupId)).length;
    expect(root!['KLGRP_CHLDHST_CNT']).toBe(inTree);
    expect((await emu.admin.call('HostGroup.GroupIdUnassigned'))['PxgRetVal']).toBe(1);
  });

  it('adds a group (an existing name returns its id), moves hosts into it, and removes it asynchronously', async () => {
    const created = (
      await emu.admin.call('HostGroup.AddGroup', { pInfo: { name: 'Incident 4711', parentId: 0 } })
    )['PxgRetVal'] as number;
    expect(
      (await emu.admin.call('HostGroup.AddGroup', { pInfo: { name: 'incident 4711', parentId: 0 } }))[
        'PxgRetVal'
      ],
    ).toBe(created);
    const movers = emu.ksc.world
      .hostsOf(0)
      .slice(0, 2)
      .map((h) => h.id);
    await emu.admin.call('HostGroup.MoveHostsToGroup', { nGroup: created, pHostNames: movers });
    const inGroup = await find(emu.admin, `(KLHST_WKS_GROUPID = ${created})`, ['KLHST_WKS_HOSTNAME']);
    expect(inGroup.map((i) => i['KLHST_WKS_HOSTNAME']).sort()).toEqual([...movers].sort());

    // Flag 1 (only if empty) refuses a group with hosts: the action finishes unsuccessfully and the group stays.
    const refused = (await emu.admin.call('HostGroup.RemoveGroup', { nGroup: created, nFlags: 1 }))[
      'strActionGuid'
    ] as string;
    expect(refused).toMatch(/^[0-9A-F]{32}$/);
    let state = await emu.admin.call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid: refused });
    expect(state['bFinalized']).toBe(false);
    await emu.control('POST', '/__emulator/clock/advance', { ms: 600 });
    state = await emu.admin.call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid: refused });
    expect(state).toMatchObject({ bFinalized: true, bSuccededFinalized: false });
    expect(emu.ksc.world.groups.has(created)).toBe(true);

    const removed = (await emu.admin.call('HostGroup.RemoveGroup', { nGroup: created, nFlags: 3 }))[
      'strActionGuid'
    ] as string;
    await emu.control('POST', '/__emulator/clock/advance', { ms: 600 });
    expect(
      await emu.admin.call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid: removed }),
    ).toMatchObject({
      bFinalized: true,
      bSuccededFinalized: true,
    });
    expect(emu.ksc.world.groups.has(created)).toBe(false);
    const stored = await emu.ksc.world.db
      .selectFrom('groups')
      .select('id')
      .where('id', '=', created)
      .execute();
    expect(stored).toEqual([]);
  });

  it('lists the hosts of a Windows domain', async () => {
    const withDomain = emu.ksc.world
      .hostsOf(0)
      .find((h) => typeof h.attributes['KLHST_WKS_WINDOMAIN'] === 'string')!;
    const domain = String(withDomain.attributes['KLHST_WKS_WINDOMAIN']);
    const reply = await emu.admin.call('HostGroup.GetDomainHosts', { domain });
    const list = reply['PxgRetVal'] as Item[];
    expect(list.length).toBe(
      emu.ksc.world
        .hostsOf(0)
        .filter(
          (h) => String(h.attributes['KLHST_WKS_WINDOMAIN'] ?? '').toLowerCase() === domain.toLowerCase(),
        ).length,
    );
    expect(list.some((i) => i['KLHST_WKS_HOSTNAME'] === withDomain.id)).toBe(true);
  });
});

describe('KSC emulator users (FindUsers)', () => {
  const emu = useKscEmulator('sqlite', { hosts: 20, events: 20 });

  it('finds the users of the caller’s server with the ul_* attributes of seed 001', async () => {
    const admin = await emu.session();
    const found = await admin.call('HostGroup.FindUsers', {
      strFilter: '(ul_wstrSamAccountName = "resp*")',
      pFieldsToReturn: [
        'ul_wstrSamAccountName',
        'ul_wstrDisplayName',
        'ul_llTrusteeId',
        'ul_binId',
        'ul_InternalUser',
        'ul_imgSid',
      ],
      pFieldsToOrder: [{ Name: 'ul_wstrSamAccountName', Asc: true }],
      lMaxLifeTime: 60,
    });
    const users = await admin.chunkAll(found['strAccessor'] as string);
    expect(users.map((u) => u['ul_wstrSamAccountName'])).toEqual(['responder']);
    const [user] = users;
    expect(typeof user!['ul_llTrusteeId']).toBe('bigint');
    expect(user!['ul_binId']).toBeInstanceOf(Uint8Array);
    expect(user!['ul_InternalUser']).toBe(true);
    expect('ul_imgSid' in user!).toBe(false);
    // Internal users only: the domain accounts of the devices are listed too (users.test.ts covers them).
    const internal = await admin.call('HostGroup.FindUsers', {
      strFilter: '(ul_InternalUser = 1)',
      pFieldsToReturn: ['ul_nVServer'],
      lMaxLifeTime: 60,
    });
    expect(internal['PxgRetVal']).toBe(
      [...emu.ksc.world.users.values()].filter((u) => u.vserverId === 0).length,
    );
  });

  it('needs "Access objects regardless of their ACLs: Read"', async () => {
    const reader = await emu.session('reader');
    const denied = await reader
      .call('HostGroup.FindUsers', { pFieldsToReturn: ['ul_wstrSamAccountName'] })
      .catch((e: unknown) => e);
    expect((denied as KscCallError).pxgCode).toBe(1184);
  });
});
