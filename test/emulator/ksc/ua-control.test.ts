import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

describe.each(BACKENDS)('KSC emulator UaControl (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  it('assigns update agents automatically until told otherwise', async () => {
    expect((await emu.admin.call('UaControl.GetAssignUasAutomatically', {}))['PxgRetVal']).toBe(true);
    await emu.admin.call('UaControl.SetAssignUasAutomatically', { bEnabled: false });
    expect((await emu.admin.call('UaControl.GetAssignUasAutomatically', {}))['PxgRetVal']).toBe(false);
  });

  it('registers, lists, modifies and unregisters update agents and DMZ gateways', async () => {
    const [uaHost, served, gatewayHost] = emu.ksc.world.hostsOf(0);
    if (uaHost === undefined || served === undefined || gatewayHost === undefined)
      throw new Error('too few hosts');
    expect((await emu.admin.call('UaControl.GetUpdateAgentsList', {}))['pUasArr']).toEqual([]);
    const defaults = (await emu.admin.call('UaControl.GetDefaultUpdateAgentRegistrationInfo', {}))[
      'pUaInfo'
    ] as Record<string, unknown>;
    expect(defaults).toMatchObject({ UaHostId: '', UaScope: [] });

    const pUaInfo = { ...defaults, UaHostId: uaHost.id, UaScope: [{ KLHST_WKS_GROUPID: served.groupId }] };
    await emu.admin.call('UaControl.RegisterUpdateAgent', { pUaInfo });
    const again = await failure(emu.admin.call('UaControl.RegisterUpdateAgent', { pUaInfo }));
    expect(again.pxgCode).toBe(1193);
    const noScope = await failure(
      emu.admin.call('UaControl.RegisterUpdateAgent', { pUaInfo: { UaHostId: served.id } }),
    );
    expect(noScope.pxgCode).toBe(1187);

    const info = (await emu.admin.call('UaControl.GetUpdateAgentInfo', { wstrUaHostId: uaHost.id }))[
      'pUaInfo'
    ];
    expect(info).toMatchObject({ UaHostId: uaHost.id, UaScope: [{ KLHST_WKS_GROUPID: served.groupId }] });
    const forHost = (
      await emu.admin.call('UaControl.GetUpdateAgentsDisplayInfoForHost', { wstrHostId: served.id })
    )['pUaInfo'] as Array<Record<string, unknown>>;
    expect(forHost.map((ua) => ua['UaHostId'])).toEqual([uaHost.id]);

    await emu.admin.call('UaControl.ModifyUpdateAgent', { pUaInfo: { UaHostId: uaHost.id, UaScope: [] } });
    expect(
      (await emu.admin.call('UaControl.GetUpdateAgentsDisplayInfoForHost', { wstrHostId: served.id }))[
        'pUaInfo'
      ],
    ).toEqual([]);

    await emu.admin.call('UaControl.RegisterDmzGateway', { pCgInfo: { UaHostId: gatewayHost.id } });
    const list = (await emu.admin.call('UaControl.GetUpdateAgentsList', {}))['pUasArr'] as Array<
      Record<string, unknown>
    >;
    expect(list.map((ua) => [ua['UaHostId'], ua['UaIsConnectionGateway']])).toEqual([
      [uaHost.id, false],
      [gatewayHost.id, true],
    ]);

    await emu.admin.call('UaControl.UnregisterUpdateAgent', { wstrUaHostId: uaHost.id });
    const gone = await failure(emu.admin.call('UaControl.GetUpdateAgentInfo', { wstrUaHostId: uaHost.id }));
    expect(gone.pxgCode).toBe(1186);
    const unknown = await failure(
      emu.admin.call('UaControl.UnregisterUpdateAgent', { wstrUaHostId: 'no-such-host' }),
    );
    expect(unknown.pxgMessage).toBe("Unknown name of device 'no-such-host'");
  });
});
