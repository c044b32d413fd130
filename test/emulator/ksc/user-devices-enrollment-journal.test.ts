import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';
import type { KlArgument } from '../../../src/ksc/values.ts';

type Params = Record<string, KlArgument>;

/** Method-level binary comes back as base64 text. */
const bytesOf = (value: unknown): Buffer =>
  typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.from(value as Uint8Array);

describe.each(BACKENDS)('KSC emulator UserDevicesApi enrollment packages and journal (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 120, events: 100 });

  it('creates an enrollment package that is ready 5 s later, serves its file by chunks, and deletes it', async () => {
    const id = Number(
      (
        await emu.admin.call('UserDevicesApi.CreateEnrollmentPackage', {
          pUserId: null,
          lMdmProtocols: 0,
          lDeliveryType: 0,
          lLiveTime: 24,
          c_wstrUrlFormat: 'https://ssp.example.com/pkg?id=%s',
        })
      )['PxgRetVal'],
    );
    expect(id).toBe(1);
    const info = (await emu.admin.call('UserDevicesApi.GetEnrollmentPackage', { llEnrPkgId: id }))[
      'PxgRetVal'
    ] as Params;
    expect(info).toMatchObject({
      KLMDM_ENR_PKG_ID: 1n,
      KLMDM_ENR_PKG_MDM_PROTOCOLS: 3,
      KLMDM_ENR_PKG_STATE: 1,
    });
    const url = String(info['KLMDM_ENR_PKG_UNIFIED_URL']);
    expect(url).toMatch(/^https:\/\/ssp\.example\.com\/pkg\?id=[0-9a-f]{32}$/);
    const token = url.slice(url.indexOf('=') + 1);
    const listed = (await emu.admin.call('UserDevicesApi.GetEnrollmentPackages', { pUserId: null }))[
      'PxgRetVal'
    ] as Params[];
    expect(listed.map((p) => p['KLMDM_ENR_PKG_ID'])).toEqual([1n]);

    const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8)';
    const notReady = (
      await emu.admin.call('UserDevicesApi.GetEnrollmentPackageFileInfo', {
        c_wstrPackageId: token,
        c_wstrUserAgent: android,
        c_wstrPackageFileType: '',
      })
    )['PxgRetVal'] as Params;
    expect(notReady).toEqual({ KLMDM_ENR_PKG_FILE_STATUS: 2 });
    const early = await failure(
      emu.admin.call('UserDevicesApi.GetEnrollmentPackageFileData', {
        c_wstrPackageId: token,
        c_wstrPackageFileType: 'Andr',
        lBuffOffset: 0,
        lBuffSize: 10,
      }),
    );
    expect(early.pxgCode).toBe(1186);

    await emu.control('POST', '/__emulator/clock/advance', { seconds: 6 });
    const unknownAgent = (
      await emu.admin.call('UserDevicesApi.GetEnrollmentPackageFileInfo', {
        c_wstrPackageId: token,
        c_wstrUserAgent: 'curl/8.0',
        c_wstrPackageFileType: '',
      })
    )['PxgRetVal'] as Params;
    expect(unknownAgent['KLMDM_ENR_PKG_FILE_STATUS']).toBe(1);
    expect(
      (unknownAgent['KLMDM_ENR_PKG_FILE_TYPE_LIST'] as Params[]).map((t) => t['KLMDM_ENR_PKG_FILE_TYPE']),
    ).toEqual(['iOS5Plus', 'Andr']);
    const ready = (
      await emu.admin.call('UserDevicesApi.GetEnrollmentPackageFileInfo', {
        c_wstrPackageId: token,
        c_wstrUserAgent: android,
        c_wstrPackageFileType: '',
      })
    )['PxgRetVal'] as Params;
    expect(ready['KLMDM_ENR_PKG_FILE_STATUS']).toBe(3);
    const file = ready['KLMDM_ENR_PKG_FILE_INFO'] as Params;
    expect(file).toMatchObject({ KLMDM_ENR_PKG_FILE_TYPE: 'Andr', KLMDM_ENR_PKG_FILE_EXT: 'apk' });
    const size = Number(file['KLMDM_ENR_PKG_FILE_SIZE']);
    expect(size).toBeGreaterThanOrEqual(4096);

    const chunks: Buffer[] = [];
    for (let offset = 0; offset < size; offset += 1000) {
      const chunk = await emu.admin.call('UserDevicesApi.GetEnrollmentPackageFileData', {
        c_wstrPackageId: token,
        c_wstrPackageFileType: 'Andr',
        lBuffOffset: offset,
        lBuffSize: 1000,
      });
      chunks.push(bytesOf(chunk['PxgRetVal']));
    }
    const whole = Buffer.concat(chunks);
    expect(whole.length).toBe(size);
    const again = await emu.admin.call('UserDevicesApi.GetEnrollmentPackageFileData', {
      c_wstrPackageId: token,
      c_wstrPackageFileType: 'Andr',
      lBuffOffset: 0,
      lBuffSize: size,
    });
    expect(bytesOf(again['PxgRetVal']).equals(whole)).toBe(true);

    await emu.admin.call('UserDevicesApi.DeleteEnrollmentPackage', { lEnrPkgId: id });
    expect(
      (await failure(emu.admin.call('UserDevicesApi.GetEnrollmentPackage', { llEnrPkgId: id }))).pxgCode,
    ).toBe(1186);
    expect(
      (
        await failure(
          emu.admin.call('UserDevicesApi.GetEnrollmentPackageFileInfo', {
            c_wstrPackageId: token,
            c_wstrUserAgent: android,
            c_wstrPackageFileType: '',
          }),
        )
      ).pxgCode,
    ).toBe(1186);
  });

  it('keeps a URL per operating system for the Ex methods and refuses a bad life time', async () => {
    const id = Number(
      (
        await emu.admin.call('UserDevicesApi.CreateEnrollmentPackage2Ex', {
          pUserId: null,
          lMdmProtocols: 2,
          lContentType: 1,
          lLiveTime: 1,
          pUrlFormats: { Android: 'https://ssp.example.com/a?id=%s' },
          pRecipient: { KLMDM_ENR_RECIPIENT_EMAIL: 'user@example.com' },
          pNotificationEx: {},
          pProtSpecInfo: [],
        })
      )['PxgRetVal'],
    );
    const info = (await emu.admin.call('UserDevicesApi.GetEnrollmentPackageEx', { llEnrPkgId: id }))[
      'PxgRetVal'
    ] as Params;
    expect(info['KLMDM_ENR_PKG_MDM_PROTOCOLS']).toBe(2);
    expect(String((info['KLMDM_ENR_PKG_URLS'] as Params)['Android'])).toMatch(
      /^https:\/\/ssp\.example\.com\/a\?id=/,
    );
    const ex = (await emu.admin.call('UserDevicesApi.GetEnrollmentPackagesEx', { pUserId: null }))[
      'PxgRetVal'
    ] as Params[];
    expect(ex.map((p) => p['KLMDM_ENR_PKG_ID'])).toContain(BigInt(Number(id)));
    const bad = await failure(
      emu.admin.call('UserDevicesApi.CreateEnrollmentPackage2', {
        pUserId: null,
        lMdmProtocols: 0,
        lContentType: 1,
        lLiveTime: 0,
        c_wstrUrlFormat: 'https://ssp.example.com/pkg?id=%s',
      }),
    );
    expect(bad.pxgMessage).toBe('Bad parameter "lLiveTime"');
    // An hour later the package has expired.
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 3601 });
    emu.admin = await emu.session(); // The session expired in that hour too.
    const expired = (await emu.admin.call('UserDevicesApi.GetEnrollmentPackageEx', { llEnrPkgId: id }))[
      'PxgRetVal'
    ] as Params;
    expect(expired['KLMDM_ENR_PKG_STATE']).toBe(3);
  });

  it('lists only completed commands in the journal; GetJournalRecords2 leaves the result to GetJournalCommandResult', async () => {
    const [device] = (await emu.admin.viewAll('UmdmAllDevices', {
      fields: ['Dev_Id'],
      order: [{ Name: 'Dev_Id', Asc: true }],
    })) as Params[];
    const lDeviceId = device!['Dev_Id'];
    await emu.admin.call('UserDevicesApi.PostCommand', {
      lDeviceId,
      c_wstrCommandGuid: 'jrnl-block',
      c_wstrCommandType: 'Block',
    });
    const journal = async (method: string) =>
      (await emu.admin.call(`UserDevicesApi.${method}`, { lDeviceId }))['PxgRetVal'] as Params[];
    // Posted, not completed yet: nothing to list (the reference: "completed or failed commands").
    expect(await journal('GetJournalRecords')).toEqual([]);
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
    await emu.admin.call('UserDevicesApi.PostCommand', {
      lDeviceId,
      c_wstrCommandGuid: 'jrnl-wipe',
      c_wstrCommandType: 'Wipe',
    });
    await emu.admin.call('UserDevicesApi.RecallCommand', { c_wstrCommandGuid: 'jrnl-wipe' });
    const records = await journal('GetJournalRecords');
    expect(records).toEqual([
      {
        KLMDM_JRNL_RECORD_TYPE: 1,
        KLMDM_JRNL_RECORD: 'Command completed: Block',
        KLMDM_JRNL_DETAILS: '',
        KLMDM_JRNL_TIME_STAMP: expect.any(Date),
        KLMDM_JRNL_CMD_TYPE: 'Block',
        KLMDM_JRNL_CMD_RESULT: { KLMDM_CMD_GUID: 'jrnl-block', KLMDM_CMD_RESULT_INFO: 'Command completed' },
      },
    ]);
    const records2 = await journal('GetJournalRecords2');
    expect(records2).toHaveLength(1);
    const { KLMDM_JRNL_ID, ...withoutId } = records2[0]!;
    const { KLMDM_JRNL_CMD_RESULT, ...withoutResult } = records[0]!;
    expect(withoutId).toEqual(withoutResult);
    const result = await emu.admin.call('UserDevicesApi.GetJournalCommandResult', {
      llJrnlId: KLMDM_JRNL_ID,
    });
    expect(result['PxgRetVal']).toEqual(KLMDM_JRNL_CMD_RESULT);
    expect(
      (await failure(emu.admin.call('UserDevicesApi.GetJournalCommandResult', { llJrnlId: 7 }))).pxgCode,
    ).toBe(1186);
    expect(
      (await failure(emu.admin.call('UserDevicesApi.GetJournalRecords', { lDeviceId: 999_999 }))).pxgCode,
    ).toBe(1186);
    expect(
      (await failure(emu.admin.call('UserDevicesApi.GetJournalRecords2', { lDeviceId: 999_999 }))).pxgCode,
    ).toBe(1186);
  });

  it('deciphers command flags against the library and accepts GlueDevices of known devices', async () => {
    const library = (await emu.admin.call('UserDevicesApi.GetCommandsLibrary', {}))['PxgRetVal'] as Params[];
    const list = await emu.admin.call('UserDevicesApi.GetDecipheredCommandList', {
      llCommandFlags: 5,
      pCommandsLibrary: library as unknown as KlArgument,
    });
    expect(list['PxgRetVal']).toEqual(['Block', 'Wipe']);
    const devices = (await emu.admin.viewAll('UmdmAllDevices', {
      fields: ['Dev_Id'],
      order: [{ Name: 'Dev_Id', Asc: true }],
    })) as Params[];
    expect(devices.length).toBeGreaterThan(1);
    expect(
      await emu.admin.call('UserDevicesApi.GlueDevices', {
        lDevice1Id: devices[0]!['Dev_Id'],
        lDevice2Id: devices[1]!['Dev_Id'],
      }),
    ).toEqual({});
    expect(
      (
        await failure(
          emu.admin.call('UserDevicesApi.GlueDevices', { lDevice1Id: 999_998, lDevice2Id: 999_999 }),
        )
      ).pxgCode,
    ).toBe(1186);
  });
});
