import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

/** Method-level binary values come back as base64 (no type word). */
const bytes = (value: unknown): Buffer => Buffer.from(String(value), 'base64');

describe.each(BACKENDS)(
  'KSC emulator AdmServerSettings, DataProtectionApi, EventNotificationProperties (%s)',
  (backend) => {
    const emu = useKscEmulator(backend);
    let hostId: string;

    beforeAll(async () => {
      hostId = emu.ksc.world.hostsOf(0)[0]!.id;
    });

    it("reads the server's shared folder", async () => {
      const reply = await emu.admin.call('AdmServerSettings.GetSharedFolder', {});
      expect(reply['PxgRetVal']).toBe('\\\\ksc\\KLSHARE\\');
    });

    it('protects data and strings for the server and for one host, deterministically', async () => {
      const pData = new Uint8Array(Buffer.from('secret-value'));
      const global = bytes(
        (await emu.admin.call('DataProtectionApi.ProtectDataGlobally', { pData }))['pDataProtected'],
      );
      const forHost = bytes(
        (await emu.admin.call('DataProtectionApi.ProtectDataForHost', { szwHostId: hostId, pData }))[
          'pDataProtected'
        ],
      );
      expect(global.subarray(0, 5).toString('ascii')).toBe('KLDP1');
      expect(global.includes(Buffer.from('secret-value'))).toBe(false);
      expect(forHost.equals(global)).toBe(false);
      const again = bytes(
        (await emu.admin.call('DataProtectionApi.ProtectDataGlobally', { pData }))['pDataProtected'],
      );
      expect(again.equals(global)).toBe(true);

      const szwPlainText = 'pässword';
      const u8 = bytes(
        (await emu.admin.call('DataProtectionApi.ProtectUtf8StringGlobally', { szwPlainText }))['PxgRetVal'],
      );
      const u16 = bytes(
        (await emu.admin.call('DataProtectionApi.ProtectUtf16StringGlobally', { szwPlainText }))['PxgRetVal'],
      );
      // The same string in two encodings is two different plaintexts: 5 magic + 12 IV + 16 tag + body.
      expect(u8.length - 33).toBe(Buffer.byteLength(szwPlainText, 'utf8'));
      expect(u16.length - 33).toBe(Buffer.byteLength(szwPlainText, 'utf16le'));
      const h8 = await emu.admin.call('DataProtectionApi.ProtectUtf8StringForHost', {
        szwHostId: hostId,
        szwPlainText,
      });
      const h16 = await emu.admin.call('DataProtectionApi.ProtectUtf16StringForHost', {
        szwHostId: hostId,
        szwPlainText,
      });
      expect(bytes(h8['PxgRetVal']).equals(u8)).toBe(false);
      expect(bytes(h16['PxgRetVal']).length).toBe(u16.length);

      const unknown = await failure(
        emu.admin.call('DataProtectionApi.ProtectUtf8StringForHost', {
          szwHostId: 'no-such-host',
          szwPlainText,
        }),
      );
      expect(unknown.pxgMessage).toBe("Unknown name of device 'no-such-host'");
    });

    it('checks passwords against the password policy', async () => {
      await emu.admin.call('DataProtectionApi.CheckPasswordSplPpc', { szwPassword: 'Str0ng-enough' });
      const weak = await failure(
        emu.admin.call('DataProtectionApi.CheckPasswordSplPpc', { szwPassword: 'short' }),
      );
      expect(weak.pxgCode).toBe(1193);
      const oneClass = await failure(
        emu.admin.call('DataProtectionApi.CheckPasswordSplPpc', { szwPassword: 'alllowercaseletters' }),
      );
      expect(oneClass.pxgCode).toBe(1193);
    });

    it('reads, merges and keeps notification settings and limits', async () => {
      const defaults = (await emu.admin.call('EventNotificationProperties.GetDefaultSettings', {}))[
        'PxgRetVal'
      ] as Record<string, unknown>;
      expect(defaults).toMatchObject({ KLEVP_ND_SMTP_SERVER: '', KLEVP_ND_SMTP_PORT: 25 });
      await emu.admin.call('EventNotificationProperties.SetDefaultSettings', {
        pSettings: { KLEVP_ND_SMTP_SERVER: 'smtp.example.test', KLEVP_ND_EMAIL: 'soc@example.test' },
      });
      const written = (await emu.admin.call('EventNotificationProperties.GetDefaultSettings', {}))[
        'PxgRetVal'
      ];
      expect(written).toEqual({
        ...defaults,
        KLEVP_ND_SMTP_SERVER: 'smtp.example.test',
        KLEVP_ND_EMAIL: 'soc@example.test',
      });

      const limits = (await emu.admin.call('EventNotificationProperties.GetNotificationLimits', {}))[
        'PxgRetVal'
      ];
      expect(limits).toHaveProperty('KLEVP_NL_NOTIFICATIONS_PER_PERIOD');
      await emu.admin.call('EventNotificationProperties.SetNotificationLimits', {
        pSettings: { KLEVP_NL_NOTIFICATIONS_PER_PERIOD: 10 },
      });
      expect(
        (await emu.admin.call('EventNotificationProperties.GetNotificationLimits', {}))['PxgRetVal'],
      ).toEqual({
        ...(limits as object),
        KLEVP_NL_NOTIFICATIONS_PER_PERIOD: 10,
      });

      await emu.admin.call('EventNotificationProperties.TestNotification', { eType: 1, pSettings: {} });
      const badType = await failure(
        emu.admin.call('EventNotificationProperties.TestNotification', { eType: 3, pSettings: {} }),
      );
      expect(badType.pxgCode).toBe(1187);
    });

    it('answers 1194 for the methods of these classes it does not serve', async () => {
      const missing = await failure(
        emu.admin.call('AdmServerSettings.ChangeSharedFolder', { wstrNetworkPath: 'x' }),
      );
      expect(missing.pxgCode).toBe(1194);
    });
  },
);
