import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

/** The "connect to the server" right of the reference's Access rights table. */
const CONNECT = 0x40000;

/** Issue 21 part G: creating, changing, moving and removing virtual servers, and their access lists. */
describe.each(BACKENDS)('KSC emulator VServers management (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 40, events: 50 });

  const list = async (lParentGroup = -1): Promise<Item[]> =>
    (await emu.admin.call('VServers.GetVServers', { lParentGroup }))['PxgRetVal'] as Item[];

  it('creates a virtual server with its own root groups, lists it, lets the main administrator in, and deletes it', async () => {
    const before = await list();
    const parent = before[0]!['KLVSRV_GRP'] as number;
    const added = (
      await emu.admin.call('VServers.AddVServerInfo', { strDisplayName: 'vs-lab', lParentGroup: parent })
    )['PxgRetVal'] as Item;
    expect(added).toEqual({ KLVSRV_ID: expect.any(Number), KLVSRV_DN: 'vs-lab' });
    const id = added['KLVSRV_ID'] as number;
    expect(before.map((v) => v['KLVSRV_ID'])).not.toContain(id);
    // A name that is taken gets a number.
    const twin = (
      await emu.admin.call('VServers.AddVServerInfo', { strDisplayName: 'VS-LAB', lParentGroup: parent })
    )['PxgRetVal'] as Item;
    expect(twin['KLVSRV_DN']).toBe('VS-LAB (2)');

    const info = (await emu.admin.call('VServers.GetVServerInfo', { lVServer: id, pFields2Return: [] }))[
      'PxgRetVal'
    ] as Item;
    expect(info).toMatchObject({
      KLVSRV_ID: id,
      KLVSRV_DN: 'vs-lab',
      KLVSRV_GRP: parent,
      KLVSRV_ENABLED: true,
    });
    expect((await list()).map((v) => v['KLVSRV_DN'])).toEqual([
      ...before.map((v) => v['KLVSRV_DN']),
      'vs-lab',
      'VS-LAB (2)',
    ]);

    // Its groups: the roots every server has, and no hosts yet.
    const lab = await emu.session('admin', 'vs-lab');
    const root = (await lab.call('HostGroup.GroupIdGroups'))['PxgRetVal'];
    expect(root).toBe(info['KLVSRV_GROUPS']);
    expect((await lab.call('HostGroup.GroupIdUnassigned'))['PxgRetVal']).toBe(info['KLVSRV_UNASSIGNED']);
    expect((await lab.call('HostGroup.GroupIdSuper'))['PxgRetVal']).toBe(info['KLVSRV_SUPER']);
    const found = await lab.call('HostGroup.FindHosts', {
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      lMaxLifeTime: 60,
    });
    expect(found['PxgRetVal']).toBe(0);
    // A virtual server sees no virtual servers and manages none.
    expect((await lab.call('VServers.GetVServers', { lParentGroup: -1 }))['PxgRetVal']).toEqual([]);
    expect((await failure(lab.call('VServers.DelVServer', { lVServer: id }))).pxgCode).toBe(1184);
    // Only the main server's administrators are let in by the inherited access list.
    expect((await emu.login('analyst', 'vs-lab')).status).toBe(401);

    const del = await emu.admin.call('VServers.DelVServer', { lVServer: id });
    expect(typeof del['strActionGuid']).toBe('string');
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 2 });
    const state = await emu.admin.call('AsyncActionStateChecker.CheckActionState', {
      wstrActionGuid: del['strActionGuid'] as string,
    });
    expect(state).toMatchObject({ bFinalized: true, bSuccededFinalized: true });
    // Gone: from the list, for reads, for logins, and its session ends.
    expect((await list()).map((v) => v['KLVSRV_ID'])).not.toContain(id);
    expect(
      (await failure(emu.admin.call('VServers.GetVServerInfo', { lVServer: id, pFields2Return: [] })))
        .pxgCode,
    ).toBe(1186);
    expect((await lab.raw('Session.Ping')).status).toBe(403);
    expect((await emu.login('admin', 'vs-lab')).status).toBe(401);
    expect(emu.ksc.world.groupsOf(id)).toEqual([]);
    expect((await failure(emu.admin.call('VServers.DelVServer', { lVServer: id }))).pxgCode).toBe(1186);
    // A removed server's id is not given again.
    const next = (
      await emu.admin.call('VServers.AddVServerInfo', { strDisplayName: 'vs-next', lParentGroup: parent })
    )['PxgRetVal'] as Item;
    expect(next['KLVSRV_ID'] as number).toBeGreaterThan(twin['KLVSRV_ID'] as number);
  });

  it('deletes a seeded virtual server with its hosts, and refuses unknown groups and names', async () => {
    const branch = emu.ksc.world.vserverByName('vs-branch')!;
    expect(emu.ksc.world.hostsOf(branch.id).length).toBeGreaterThan(0);
    await emu.admin.call('VServers.DelVServer', { lVServer: branch.id });
    expect(emu.ksc.world.hostsOf(branch.id)).toEqual([]);
    expect((await emu.login('admin', 'vs-branch')).status).toBe(401);
    expect(
      (
        await failure(
          emu.admin.call('VServers.AddVServerInfo', { strDisplayName: 'x', lParentGroup: 987_654 }),
        )
      ).pxgCode,
    ).toBe(1186);
    expect(
      (await failure(emu.admin.call('VServers.AddVServerInfo', { strDisplayName: ' ', lParentGroup: 0 })))
        .pxgCode,
    ).toBe(1187);
  });

  it('updates, moves, disables a virtual server; recalls its certificate', async () => {
    const { KLVSRV_ID: id } = (
      await emu.admin.call('VServers.AddVServerInfo', { strDisplayName: 'vs-edit', lParentGroup: 0 })
    )['PxgRetVal'] as { KLVSRV_ID: number };
    expect((await list(0)).map((v) => v['KLVSRV_ID'])).toContain(id);
    await emu.admin.call('VServers.UpdateVServerInfo', {
      lVServer: id,
      pInfo: { KLVSRV_DN: 'vs-edited', KLVSRV_VS_DESCR: 'lab tenant', KLVSRV_LIC_ENABLED: false },
    });
    const info = (
      await emu.admin.call('VServers.GetVServerInfo', {
        lVServer: id,
        pFields2Return: ['KLVSRV_DN', 'KLVSRV_VS_DESCR', 'KLVSRV_LIC_ENABLED'],
      })
    )['PxgRetVal'];
    expect(info).toEqual({
      KLVSRV_DN: 'vs-edited',
      KLVSRV_VS_DESCR: 'lab tenant',
      KLVSRV_LIC_ENABLED: false,
    });
    for (const pInfo of [{ KLVSRV_ID: 5 }, { KLVSRV_DN: 7 }, { KLVSRV_ENABLED: 'yes' }]) {
      expect(
        (await failure(emu.admin.call('VServers.UpdateVServerInfo', { lVServer: id, pInfo }))).pxgCode,
      ).toBe(1187);
    }

    // The login name stays the one it was created with.
    const session = await emu.session('admin', 'vs-edit');
    const headquarters = emu.ksc.world.groupsOf(0).find((g) => g.name === 'Headquarters')!.id;
    const move = await emu.admin.call('VServers.MoveVServer', {
      lVServer: id,
      lNewParentGroup: headquarters,
    });
    expect(typeof move['strActionGuid']).toBe('string');
    expect((await list(headquarters)).map((v) => v['KLVSRV_ID'])).toEqual([id]);
    expect((await list(0)).map((v) => v['KLVSRV_ID'])).not.toContain(id);
    expect(
      (await failure(emu.admin.call('VServers.MoveVServer', { lVServer: id, lNewParentGroup: 987_654 })))
        .pxgCode,
    ).toBe(1186);

    await emu.admin.call('VServers.RecallCertAndCloseConnections', { lVServer: id });
    expect(
      (await failure(emu.admin.call('VServers.RecallCertAndCloseConnections', { lVServer: 987 }))).pxgCode,
    ).toBe(1186);

    // Disabled: nobody gets in, and open sessions end.
    await emu.admin.call('VServers.UpdateVServerInfo', { lVServer: id, pInfo: { KLVSRV_ENABLED: false } });
    expect((await session.raw('Session.Ping')).status).toBe(403);
    expect((await emu.login('admin', 'vs-edit')).status).toBe(401);
    await emu.admin.call('VServers.UpdateVServerInfo', { lVServer: id, pInfo: { KLVSRV_ENABLED: true } });
    expect((await emu.login('admin', 'vs-edit')).status).toBe(200);
  });

  it('keeps an access list: inherited at first, then the one set; connect lets a main-server user in', async () => {
    const { KLVSRV_ID: id } = (
      await emu.admin.call('VServers.AddVServerInfo', { strDisplayName: 'vs-acl', lParentGroup: 0 })
    )['PxgRetVal'] as { KLVSRV_ID: number };
    const inherited = (await emu.admin.call('VServers.GetPermissions', { lVServer: id }))[
      'PxgRetVal'
    ] as Item;
    expect(inherited['KLSPL_INHERITED']).toBe(true);
    const entries = inherited['KLSPL_PERMISSIONS'] as Item[];
    const adminUser = [...emu.ksc.world.users.values()].find((u) => u.vserverId === 0 && u.name === 'admin')!;
    const analyst = [...emu.ksc.world.users.values()].find((u) => u.vserverId === 0 && u.name === 'analyst')!;
    expect(entries.map((e) => e['KLSPLU_AKUSER_ID'])).toEqual([adminUser.id]);
    expect(entries[0]).toMatchObject({ KLSPLU_NAME: 'admin', KLSPLU_MAY_WRITE: false, KLSPLU_DENYMASK: 0 });
    expect((entries[0]!['KLSPLU_ALLOWMASK'] as number) & CONNECT).toBe(CONNECT);

    expect((await emu.login('analyst', 'vs-acl')).status).toBe(401);
    const permissions = {
      KLSPL_PERMISSIONS: [
        { KLSPLU_AKUSER_ID: adminUser.id, KLSPLU_ALLOWMASK: CONNECT | 0x1 | 0x2, KLSPLU_DENYMASK: 0 },
        { KLSPLU_AKUSER_ID: analyst.id, KLSPLU_ALLOWMASK: CONNECT | 0x1, KLSPLU_DENYMASK: 0 },
        {
          KLSPLU_SID: 'S-1-5-21-1-2-3-1001',
          KLSPLU_NAME: 'CORP\\soc',
          KLSPLU_IS_GROUP: true,
          KLSPLU_ALLOWMASK: 1,
        },
      ],
    };
    await emu.admin.call('VServers.SetPermissions', {
      lVServer: id,
      pPermissions: permissions,
      bProtection: true,
    });
    const set = (await emu.admin.call('VServers.GetPermissions', { lVServer: id }))['PxgRetVal'] as Item;
    expect(set['KLSPL_INHERITED']).toBe(false);
    expect(
      (set['KLSPL_PERMISSIONS'] as Item[]).map((e) => [e['KLSPLU_NAME'], e['KLSPLU_ALLOWMASK']]),
    ).toEqual([
      ['admin', CONNECT | 3],
      ['analyst', CONNECT | 1],
      ['CORP\\soc', 1],
    ]);
    // The analyst logs in with the main server's password and reads with the analyst's rights.
    const analystSession = await emu.session('analyst', 'vs-acl');
    expect((await analystSession.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBe(
      emu.ksc.world.rootGroup(id)!.id,
    );

    // A list that shuts the caller out is refused with bProtection, taken without.
    const withoutMe = { KLSPL_PERMISSIONS: [{ KLSPLU_AKUSER_ID: analyst.id, KLSPLU_ALLOWMASK: CONNECT }] };
    expect(
      (
        await failure(
          emu.admin.call('VServers.SetPermissions', {
            lVServer: id,
            pPermissions: withoutMe,
            bProtection: true,
          }),
        )
      ).pxgCode,
    ).toBe(1187);
    await emu.admin.call('VServers.SetPermissions', {
      lVServer: id,
      pPermissions: withoutMe,
      bProtection: false,
    });
    expect((await emu.login('admin', 'vs-acl')).status).toBe(401);
    // A deny wins over an allow.
    await emu.admin.call('VServers.SetPermissions', {
      lVServer: id,
      pPermissions: {
        KLSPL_PERMISSIONS: [
          { KLSPLU_AKUSER_ID: analyst.id, KLSPLU_ALLOWMASK: CONNECT, KLSPLU_DENYMASK: CONNECT },
        ],
      },
    });
    expect((await emu.login('analyst', 'vs-acl')).status).toBe(401);

    for (const bad of [
      { KLSPL_PERMISSIONS: [{ KLSPLU_AKUSER_ID: 98_765, KLSPLU_ALLOWMASK: 1 }] },
      { KLSPL_PERMISSIONS: [{ KLSPLU_AKUSER_ID: analyst.id, KLSPLU_ALLOWMASK: 'all' }] },
      { KLSPL_PERMISSIONS: [{ KLSPLU_ALLOWMASK: 1 }] },
      {},
    ]) {
      expect(
        (await failure(emu.admin.call('VServers.SetPermissions', { lVServer: id, pPermissions: bad })))
          .pxgCode,
      ).toBe(1187);
    }
    expect((await failure(emu.admin.call('VServers.GetPermissions', { lVServer: 987 }))).pxgCode).toBe(1186);
  });

  it('forgets created, changed and deleted virtual servers on reset', async () => {
    await emu.control('POST', '/__emulator/reset');
    emu.admin = await emu.session();
    expect((await list()).map((v) => v['KLVSRV_DN'])).toEqual(['vs-branch']);
    expect((await emu.login('admin', 'vs-acl')).status).toBe(401);
    expect((await emu.login('admin', 'vs-branch')).status).toBe(200);
    const branch = emu.ksc.world.vserverByName('vs-branch')!;
    expect(
      ((await emu.admin.call('VServers.GetPermissions', { lVServer: branch.id }))['PxgRetVal'] as Item)[
        'KLSPL_INHERITED'
      ],
    ).toBe(true);
  });
});
