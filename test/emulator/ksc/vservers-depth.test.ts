import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

const AGENT_ALIVE = 0x8;
const CONNECT = 0x40000;
const READ = 0x1;
const WRITE = 0x2;
const EXECUTE = 0x4;

/** Issue 21 part L: RecallCertAndCloseConnections on the simulated agents, SetPermissions' other rights. */
describe.each(BACKENDS)('KSC emulator VServers recall and access rights (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 60, events: 50 });

  const connectedAgents = (vserverId: number) =>
    emu.ksc.world
      .hostsOf(vserverId)
      .filter(
        (h) =>
          typeof h.attributes['KLHST_WKS_NAG_VERSION'] === 'string' &&
          (Number(h.attributes['KLHST_WKS_STATUS']) & AGENT_ALIVE) !== 0,
      );
  const agentConnections = async () =>
    (
      (
        await emu.admin.call('HostGroup.GetInstanceStatistics', {
          vecFilterFields: ['KLSRV_ST_NAG_CONS_CNT'],
        })
      )['PxgRetVal'] as Item
    )['KLSRV_ST_NAG_CONS_CNT'] as number;

  it("closes the virtual server's agent connections; each agent reconnects at its next sync", async () => {
    const branch = emu.ksc.world.vserverByName('vs-branch')!;
    const connected = connectedAgents(branch.id);
    expect(connected.length).toBeGreaterThan(0);
    const mainBefore = connectedAgents(0).length;
    const countersBefore = await agentConnections();

    await emu.admin.call('VServers.RecallCertAndCloseConnections', { lVServer: branch.id });

    expect(connectedAgents(branch.id)).toEqual([]);
    // The main server's agents keep their connections.
    expect(connectedAgents(0).length).toBe(mainBefore);
    expect(await agentConnections()).toBe(countersBefore - connected.length);
    // Seen through the API as well: not connected, last connected now.
    const branchSession = await emu.session('admin', 'vs-branch');
    const host = connected[0]!;
    const info = (
      await branchSession.call('HostGroup.GetHostInfo', {
        strHostName: host.id,
        pFields2Return: ['KLHST_WKS_STATUS', 'KLHST_WKS_LAST_NAGENT_CONNECTED'],
      })
    )['PxgRetVal'] as Item;
    expect((info['KLHST_WKS_STATUS'] as number) & AGENT_ALIVE).toBe(0);
    const recalledAt = info['KLHST_WKS_LAST_NAGENT_CONNECTED'] as Date;
    expect(Math.abs(recalledAt.getTime() - emu.ksc.clock.now())).toBeLessThan(1000);
    const pending = await emu.ksc.state.agents.pending(host.id);
    expect(pending.map((w) => w.kind)).toContain('agent.reconnect');

    // One sync interval later every agent has been back once.
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
    await emu.admin.call('Session.Ping');
    expect(
      connectedAgents(branch.id)
        .map((h) => h.id)
        .sort(),
    ).toEqual(connected.map((h) => h.id).sort());
    expect(await agentConnections()).toBe(countersBefore);
    const back = emu.ksc.world.hosts.get(host.id)!;
    expect((back.attributes['KLHST_WKS_LAST_NAGENT_CONNECTED'] as Date).getTime()).toBeGreaterThan(
      recalledAt.getTime(),
    );

    // Only the main server recalls; an unknown server is 1186.
    expect(
      (await failure(branchSession.call('VServers.RecallCertAndCloseConnections', { lVServer: branch.id })))
        .pxgCode,
    ).toBe(1184);
    expect(
      (await failure(emu.admin.call('VServers.RecallCertAndCloseConnections', { lVServer: 987 }))).pxgCode,
    ).toBe(1186);
  });

  it('limits a main-server user on a virtual server to the read, write and execute rights its list grants', async () => {
    const { KLVSRV_ID: id } = (
      await emu.admin.call('VServers.AddVServerInfo', { strDisplayName: 'vs-rights', lParentGroup: 0 })
    )['PxgRetVal'] as { KLVSRV_ID: number };
    const adminUser = [...emu.ksc.world.users.values()].find((u) => u.vserverId === 0 && u.name === 'admin')!;
    const keep = { KLSPLU_AKUSER_ID: adminUser.id, KLSPLU_ALLOWMASK: CONNECT | READ | WRITE | EXECUTE };
    const setFor = (user: number, allow: number, deny = 0) =>
      emu.admin.call('VServers.SetPermissions', {
        lVServer: id,
        pPermissions: {
          KLSPL_PERMISSIONS: [{ KLSPLU_AKUSER_ID: user, KLSPLU_ALLOWMASK: allow, KLSPLU_DENYMASK: deny }],
        },
      });

    // `admin` is Main Administrator: with read only on the list, reads work and writes are denied.
    await setFor(adminUser.id, CONNECT | READ);
    const session = await emu.session('admin', 'vs-rights');
    const root = (await session.call('HostGroup.GroupIdGroups'))['PxgRetVal'] as number;
    const addGroup = () => session.call('HostGroup.AddGroup', { pInfo: { name: 'lab', parentId: root } });
    expect((await failure(addGroup())).pxgCode).toBe(1184);

    // Write granted: the same session may now change (the list is read on every call).
    await setFor(adminUser.id, CONNECT | READ | WRITE);
    expect(typeof (await addGroup())['PxgRetVal']).toBe('number');

    // A deny wins over an allow, right by right.
    await setFor(adminUser.id, CONNECT | READ | WRITE, WRITE);
    expect(
      (await failure(session.call('HostGroup.AddGroup', { pInfo: { name: 'lab2', parentId: root } })))
        .pxgCode,
    ).toBe(1184);
    expect((await session.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBe(root);

    // Connect taken away: the open session can do nothing that needs a right, and a new login is refused.
    await emu.admin.call('VServers.SetPermissions', {
      lVServer: id,
      pPermissions: { KLSPL_PERMISSIONS: [{ ...keep, KLSPLU_ALLOWMASK: READ }] },
    });
    expect((await failure(session.call('HostGroup.GroupIdGroups'))).pxgCode).toBe(1184);
    const login = await emu.login('admin', 'vs-rights');
    expect(login.status).toBe(401);

    // The main server's own session is not limited by a virtual server's list.
    expect(typeof (await emu.admin.call('HostGroup.GroupIdGroups'))['PxgRetVal']).toBe('number');
  });
});
