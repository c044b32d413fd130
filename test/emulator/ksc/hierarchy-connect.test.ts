import { describe, expect, it } from 'vitest';
import { BACKENDS, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

describe.each(BACKENDS)('KSC emulator ServerHierarchy: a registered secondary connects (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  const info = async (lServer: number) =>
    (await emu.admin.call('ServerHierarchy.GetServerInfo', { lServer, pFields: [] }))['PxgRetVal'] as Item;

  it('connects a minute after registration on the emulator clock and reports the version the seeded ones do', async () => {
    const seeded = (await emu.admin.call('ServerHierarchy.GetChildServers', { nGroupId: -1 }))[
      'PxgRetVal'
    ] as Item[];
    const connectedSeeded = seeded.find((s) => s['KLSRVH_SRV_STATUS'] === 1)!;
    const id = (
      await emu.admin.call('ServerHierarchy.RegisterServer', {
        wstrDisplName: 'ksc-new-branch',
        nGroupId: seeded[0]!['KLSRVH_SRV_GROUPID'] as number,
        pCertificate: new Uint8Array([48, 130, 1, 2]),
        wstrNetAddress: '',
      })
    )['PxgRetVal'] as number;

    const fresh = await info(id);
    expect(fresh).toMatchObject({ KLSRVH_SRV_STATUS: 0, KLSRVH_SRV_VERSION: '' });
    expect(Object.keys(fresh).some((k) => k === 'emulatorRegisteredAt')).toBe(false);

    await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
    const connected = await info(id);
    expect(connected).toMatchObject({
      KLSRVH_SRV_STATUS: 1,
      KLSRVH_SRV_VERSION: connectedSeeded['KLSRVH_SRV_VERSION'],
      KLSRVH_SRV_DN: 'ksc-new-branch',
    });
    const lastConnected = connected['KLSRVH_SRV_LAST_CONNECTED'] as Date;
    expect(Number.isNaN(lastConnected.getTime())).toBe(false);

    const listed = (await emu.admin.call('ServerHierarchy.GetChildServers', { nGroupId: -1 }))[
      'PxgRetVal'
    ] as Item[];
    expect(listed.find((s) => s['KLSRVH_SRV_ID'] === id)).toMatchObject({ KLSRVH_SRV_STATUS: 1 });
  });
});
