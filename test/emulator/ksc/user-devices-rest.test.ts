import { Buffer } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';
import type { KlArgument } from '../../../src/ksc/values.ts';

type Params = Record<string, KlArgument>;

/** Method-level binary comes back as base64 text. */
const bytesOf = (value: unknown): Buffer =>
  typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(value as Uint8Array);

describe.each(BACKENDS)('KSC emulator UserDevicesApi, the rest (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 120, events: 100 });
  let devices: Params[];

  beforeAll(async () => {
    devices = (await emu.admin.viewAll('UmdmAllDevices', {
      fields: ['Dev_Id', 'Dev_ProtocolId', 'OwnerBinId'],
      order: [{ Name: 'Dev_Id', Asc: true }],
    })) as Params[];
  });

  it('posts with PostCommand2 under the same rules as PostCommand; GetCommandsAll keeps completed ones', async () => {
    const lDeviceId = devices[0]!['Dev_Id']!;
    await emu.admin.call('UserDevicesApi.PostCommand2', {
      lDeviceId,
      c_wstrCommandGuid: 'rest-1',
      c_wstrCommandType: 'Block',
      pArguments: {},
      lMdmProtocols: 0,
      lProcessFlags: 0,
    });
    const again = await failure(
      emu.admin.call('UserDevicesApi.PostCommand2', {
        lDeviceId,
        c_wstrCommandGuid: 'rest-2',
        c_wstrCommandType: 'Block',
        pArguments: {},
        lMdmProtocols: 0,
        lProcessFlags: 0,
      }),
    );
    expect(again.pxgCode).toBe(1193);
    const unknown = await failure(
      emu.admin.call('UserDevicesApi.PostCommand2', {
        lDeviceId,
        c_wstrCommandGuid: 'rest-3',
        c_wstrCommandType: 'Dance',
        pArguments: {},
        lMdmProtocols: 0,
        lProcessFlags: 0,
      }),
    );
    expect(unknown.pxgCode).toBe(1187);
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
    const all = (await emu.admin.call('UserDevicesApi.GetCommandsAll', { lDeviceId }))[
      'PxgRetVal'
    ] as Params[];
    expect(all).toEqual([
      expect.objectContaining({ KLMDM_CMD_GUID: 'rest-1', KLMDM_CMD_TYPE: 'Block', KLMDM_CMD_STATUS: 2n }),
    ]);
    expect(
      (await failure(emu.admin.call('UserDevicesApi.GetCommandsAll', { lDeviceId: 999_999 }))).pxgCode,
    ).toBe(1186);
  });

  it('keeps accepted license agreements per server, lists the saved ones not accepted, and forgets them on reset', async () => {
    const uid = (n: number) => Buffer.alloc(16, n).toString('base64');
    const eula = (n: number, bAccept: boolean) => ({
      wstrProdName: 'KES4Android',
      wstrProdVersion: `11.${n}`,
      wstrProdDispName: 'Kaspersky Endpoint Security for Android',
      wstrProdDispVersion: `11.${n}`,
      binEulaUID: uid(n),
      wstrText: 'License agreement …',
      tTimeStamp: new Date('2025-01-01T00:00:00Z'),
      bAccept,
    });
    expect((await emu.admin.call('UserDevicesApi.IsEulaAccepted', { binEulaUID: uid(1) }))['PxgRetVal']).toBe(
      false,
    );
    await emu.admin.call('UserDevicesApi.SaveEulaAndAccept', eula(1, true));
    await emu.admin.call('UserDevicesApi.SaveEulaAndAccept', eula(2, false));
    await emu.admin.call('UserDevicesApi.SaveEulaAndAccept', eula(3, false));
    expect((await emu.admin.call('UserDevicesApi.IsEulaAccepted', { binEulaUID: uid(1) }))['PxgRetVal']).toBe(
      true,
    );
    expect((await emu.admin.call('UserDevicesApi.IsEulaAccepted', { binEulaUID: uid(2) }))['PxgRetVal']).toBe(
      false,
    );
    expect((await emu.admin.call('UserDevicesApi.GetNotAcceptedEulaIds', {}))['PxgRetVal']).toEqual([2, 3]);
    await emu.admin.call('UserDevicesApi.SaveEulaAndAccept', eula(2, true));
    expect((await emu.admin.call('UserDevicesApi.GetNotAcceptedEulaIds', {}))['PxgRetVal']).toEqual([3]);
    // Saving an accepted agreement again without bAccept does not withdraw the acceptance.
    await emu.admin.call('UserDevicesApi.SaveEulaAndAccept', eula(1, false));
    expect((await emu.admin.call('UserDevicesApi.IsEulaAccepted', { binEulaUID: uid(1) }))['PxgRetVal']).toBe(
      true,
    );
    const empty = await failure(emu.admin.call('UserDevicesApi.IsEulaAccepted', { binEulaUID: '' }));
    expect(empty.pxgCode).toBe(1187);

    await emu.control('POST', '/__emulator/reset');
    const fresh = await emu.session();
    expect((await fresh.call('UserDevicesApi.IsEulaAccepted', { binEulaUID: uid(1) }))['PxgRetVal']).toBe(
      false,
    );
    expect((await fresh.call('UserDevicesApi.GetNotAcceptedEulaIds', {}))['PxgRetVal']).toEqual([]);
    emu.admin = fresh;
  });

  it('lists the iOS MDM multitenancy server and keeps its settings as set', async () => {
    const servers = (await emu.admin.call('UserDevicesApi.GetMultitenancyServersInfo', { nProtocolIds: 0 }))[
      'PxgRetVal'
    ] as Params[];
    expect(servers).toEqual([
      expect.objectContaining({ MTNC_SRV_INFO_STR_ID: 'mdm4ios-0', MTNC_SRV_INFO_PROT_ID: 1 }),
    ]);
    expect(
      (await emu.admin.call('UserDevicesApi.GetMultitenancyServersInfo', { nProtocolIds: 2 }))['PxgRetVal'],
    ).toEqual([]);
    expect(
      (await emu.admin.call('UserDevicesApi.GetMultitenancyServerSettings', { c_wstrMtncServerId: '' }))[
        'PxgRetVal'
      ],
    ).toEqual({});
    await emu.admin.call('UserDevicesApi.SetMultitenancyServerSettings', {
      c_wstrMtncServerId: 'mdm4ios-0',
      pSettings: { ApnsCertificateTopic: 'com.apple.mgmt.example', Port: 443 },
    });
    expect(
      (await emu.admin.call('UserDevicesApi.GetMultitenancyServerSettings', { c_wstrMtncServerId: '' }))[
        'PxgRetVal'
      ],
    ).toEqual({ ApnsCertificateTopic: 'com.apple.mgmt.example', Port: 443 });
    const unknown = await failure(
      emu.admin.call('UserDevicesApi.GetMultitenancyServerSettings', { c_wstrMtncServerId: 'nope' }),
    );
    expect(unknown.pxgCode).toBe(1186);
  });

  it('draws QR codes as PNG images of the size asked for', async () => {
    const png = bytesOf(
      (
        await emu.admin.call('UserDevicesApi.GenerateQRCode', {
          strInputData: 'https://ssp.example.com/pkg?id=1',
          lQRCodeSize: 200,
          lImageFormat: 3,
        })
      )['PxgRetVal'],
    );
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([200, 200]);
    const idatAt = png.indexOf('IDAT');
    const pixels = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)));
    expect(pixels.length).toBe(200 * 201);
    expect(pixels.includes(0)).toBe(true); // Dark modules…
    expect(pixels[1]).toBe(255); // …inside a light quiet zone.
    const multi = (
      await emu.admin.call('UserDevicesApi.GenerateQRCodeMulti', {
        pInputData: ['a', 'b'],
        lQRCodeSize: 100,
        lImageFormat: 3,
      })
    )['PxgRetVal'] as unknown[];
    expect(multi).toHaveLength(2);
    expect(bytesOf(multi[0])).not.toEqual(bytesOf(multi[1]));
    const badFormat = await failure(
      emu.admin.call('UserDevicesApi.GenerateQRCode', {
        strInputData: 'a',
        lQRCodeSize: 200,
        lImageFormat: 1,
      }),
    );
    expect(badFormat.pxgCode).toBe(1187);
  });

  it("answers devices' extra data by category, iOS devices only", async () => {
    const ios = devices.find((d) => d['Dev_ProtocolId'] === 1)!;
    const android = devices.find((d) => d['Dev_ProtocolId'] === 2)!;
    const data = (
      await emu.admin.call('UserDevicesApi.GetDevicesExtraData', {
        pDeviceIds: [ios['Dev_Id']!, android['Dev_Id']!],
        pCategories: ['DEV_EX_DATA_APPL', 'DEV_EX_DATA_CFG_PROF'],
      })
    )['PxgRetVal'] as Params[];
    expect(data[0]!['KLMDM_DEVICE_ID']).toBe(ios['Dev_Id']);
    expect(data[0]!['DEV_EX_DATA_APPL']).toEqual(
      expect.arrayContaining([expect.objectContaining({ AppIdentifier: 'com.apple.mobilesafari' })]),
    );
    expect(data[0]!['DEV_EX_DATA_CFG_PROF']).toEqual([expect.objectContaining({ ProfIsMdm: true })]);
    expect(data[1]).toEqual({
      KLMDM_DEVICE_ID: android['Dev_Id'],
      DEV_EX_DATA_APPL: [],
      DEV_EX_DATA_CFG_PROF: [],
    });
    const badCategory = await failure(
      emu.admin.call('UserDevicesApi.GetDevicesExtraData', {
        pDeviceIds: [ios['Dev_Id']!],
        pCategories: ['X'],
      }),
    );
    expect(badCategory.pxgCode).toBe(1187);
  });

  it('creates enrollment packages for several users at once', async () => {
    const owner = devices[0]!['OwnerBinId']!;
    const ids = (
      await emu.admin.call('UserDevicesApi.CreateEnrollmentPackages', {
        pUserIds: [owner, ''],
        lMdmProtocols: 0,
        lContentType: 1,
        lLiveTime: 24,
        pUrlFormats: { Android: 'https://ssp/?id=%s' },
      })
    )['PxgRetVal'] as bigint[];
    expect(ids).toHaveLength(2);
    const multi = (
      await emu.admin.call('UserDevicesApi.CreateEnrollmentPackagesMulti', {
        pRequests: [{ pUserId: owner, lLiveTime: 1, pUrlFormats: { iOS: 'https://ssp/?ios=%s' } }],
      })
    )['PxgRetVal'] as bigint[];
    const owned = (await emu.admin.call('UserDevicesApi.GetEnrollmentPackagesEx', { pUserId: owner }))[
      'PxgRetVal'
    ] as Params[];
    expect(owned.map((p) => p['KLMDM_ENR_PKG_ID'])).toEqual([BigInt(ids[0]!), BigInt(multi[0]!)]);
    const noLiveTime = await failure(
      emu.admin.call('UserDevicesApi.CreateEnrollmentPackagesMulti', { pRequests: [{ pUserId: owner }] }),
    );
    expect(noLiveTime.pxgCode).toBe(1187);
  });

  it('validates GetHostsUmdmInfo, GetMobileAgentSettingStorageData and GetSyncInfo', async () => {
    expect((await failure(emu.admin.call('UserDevicesApi.GetHostsUmdmInfo', { pHosts: [] }))).pxgCode).toBe(
      1187,
    );
    const { strAccessor } = (await emu.admin.call('HostGroup.FindHosts', {
      wstrFilter: '',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      vecFieldsToOrder: [],
      lMaxLifeTime: 60,
    })) as { strAccessor: string };
    const chunk = await emu.admin.call('ChunkAccessor.GetItemsChunk', { strAccessor, nStart: 0, nCount: 1 });
    const host = (chunk['pChunk'] as { KLCSP_ITERATOR_ARRAY: Params[] }).KLCSP_ITERATOR_ARRAY[0]!;
    // The world's mobile devices have no host record: a managed computer is not a UMDM host.
    expect(
      (
        await emu.admin.call('UserDevicesApi.GetHostsUmdmInfo', {
          pHosts: [String(host['KLHST_WKS_HOSTNAME'])],
        })
      )['PxgRetVal'],
    ).toEqual([]);
    expect(
      (await failure(emu.admin.call('UserDevicesApi.GetHostsUmdmInfo', { pHosts: ['nope'] }))).pxgCode,
    ).toBe(1184);
    const lDeviceId = devices[0]!['Dev_Id']!;
    expect(
      (
        await emu.admin.call('UserDevicesApi.GetMobileAgentSettingStorageData', {
          lDeviceId,
          c_wstrSectionName: 'KES',
        })
      )['PxgRetVal'],
    ).toEqual({});
    const sync = await failure(
      emu.admin.call('UserDevicesApi.GetSyncInfo', { nGroupId: 0, nGSyncId: 1, pFields: ['KLGSYN_ID'] }),
    );
    expect(sync.pxgCode).toBe(1186);
  });
});
