import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  failure,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

describe.each(BACKENDS)('KSC emulator UaControl (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;

  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('assigns update agents automatically until told otherwise', async () => {
    expect((await admin.call('UaControl.GetAssignUasAutomatically', {}))['PxgRetVal']).toBe(true);
    await admin.call('UaControl.SetAssignUasAutomatically', { bEnabled: false });
    expect((await admin.call('UaControl.GetAssignUasAutomatically', {}))['PxgRetVal']).toBe(false);
  });

  it('registers, lists, modifies and unregisters update agents and DMZ gateways', async () => {
    const [uaHost, served, gatewayHost] = emu.ksc.world.hostsOf(0);
    if (uaHost === undefined || served === undefined || gatewayHost === undefined)
      throw new Error('too few hosts');
    expect((await admin.call('UaControl.GetUpdateAgentsList', {}))['pUasArr']).toEqual([]);
    const defaults = (await admin.call('UaControl.GetDefaultUpdateAgentRegistrationInfo', {}))[
      'pUaInfo'
    ] as Record<string, unknown>;
    expect(defaults).toMatchObject({ UaHostId: '', UaScope: [] });

    const pUaInfo = { ...defaults, UaHostId: uaHost.id, UaScope: [{ KLHST_WKS_GROUPID: served.groupId }] };
    await admin.call('UaControl.RegisterUpdateAgent', { pUaInfo });
    const again = await failure(admin.call('UaControl.RegisterUpdateAgent', { pUaInfo }));
    expect(again.pxgCode).toBe(1193);
    const noScope = await failure(
      admin.call('UaControl.RegisterUpdateAgent', { pUaInfo: { UaHostId: served.id } }),
    );
    expect(noScope.pxgCode).toBe(1187);

    const info = (await admin.call('UaControl.GetUpdateAgentInfo', { wstrUaHostId: uaHost.id }))['pUaInfo'];
    expect(info).toMatchObject({ UaHostId: uaHost.id, UaScope: [{ KLHST_WKS_GROUPID: served.groupId }] });
    const forHost = (
      await admin.call('UaControl.GetUpdateAgentsDisplayInfoForHost', { wstrHostId: served.id })
    )['pUaInfo'] as Array<Record<string, unknown>>;
    expect(forHost.map((ua) => ua['UaHostId'])).toEqual([uaHost.id]);

    await admin.call('UaControl.ModifyUpdateAgent', { pUaInfo: { UaHostId: uaHost.id, UaScope: [] } });
    expect(
      (await admin.call('UaControl.GetUpdateAgentsDisplayInfoForHost', { wstrHostId: served.id }))['pUaInfo'],
    ).toEqual([]);

    await admin.call('UaControl.RegisterDmzGateway', { pCgInfo: { UaHostId: gatewayHost.id } });
    const list = (await admin.call('UaControl.GetUpdateAgentsList', {}))['pUasArr'] as Array<
      Record<string, unknown>
    >;
    expect(list.map((ua) => [ua['UaHostId'], ua['UaIsConnectionGateway']])).toEqual([
      [uaHost.id, false],
      [gatewayHost.id, true],
    ]);

    await admin.call('UaControl.UnregisterUpdateAgent', { wstrUaHostId: uaHost.id });
    const gone = await failure(admin.call('UaControl.GetUpdateAgentInfo', { wstrUaHostId: uaHost.id }));
    expect(gone.pxgCode).toBe(1186);
    const unknown = await failure(
      admin.call('UaControl.UnregisterUpdateAgent', { wstrUaHostId: 'no-such-host' }),
    );
    expect(unknown.pxgMessage).toBe("Unknown name of device 'no-such-host'");
  });
});
