import { describe, expect, it } from 'vitest';
import type { KlArguments } from '../../../src/ksc/values.ts';
import { BACKENDS, failure, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;

const KEY_FIELDS = [
  'KLLIC_SERIAL',
  'KLLIC_APP_ID',
  'KLLIC_KEY_TYPE',
  'KLLIC_LIMIT_DATE',
  'KLLIC_LIC_COUNT',
  'KLLIC_NHOSTS_ASCURRENT',
  'KLLIC_NHOSTS_ASNEXT',
  'KLLICSRV_KEY_INSTALLED',
  'KLLICSRV_AUTOKEY',
  'KLLIC_LICTYPE_IS_SUBSCRIPTION',
];

describe.each(BACKENDS)(
  'KSC emulator LicenseKeys, GroupSyncIterator, GetInstanceStatistics (%s)',
  (backend) => {
    const emu = useKscEmulator(backend);

    const iteratorsOpen = async () =>
      ((await emu.control('GET', '/__emulator/state')).body as { iterators: number }).iterators;

    /** Reads a GroupSyncIterator the way the reference's sample does (chunks of `step` until bEOF), then releases it. */
    async function readAll(caller: KscCaller, iterator: string, step = 2): Promise<Params[]> {
      const items: Params[] = [];
      for (;;) {
        const reply = await caller.call('GroupSyncIterator.GetNextItems', {
          szwIterator: iterator,
          nCount: step,
        });
        const chunk = (reply['pData'] as { KLCSP_ITERATOR_ARRAY: Params[] }).KLCSP_ITERATOR_ARRAY;
        expect(reply['PxgRetVal']).toBe(chunk.length);
        items.push(...chunk);
        if (reply['bEOF'] === true) break;
      }
      await caller.call('GroupSyncIterator.ReleaseIterator', { szwIterator: iterator });
      return items;
    }

    async function enumKeys(caller: KscCaller, args: KlArguments = {}): Promise<Params[]> {
      const reply = await caller.call('LicenseKeys.EnumKeys', {
        pFields: KEY_FIELDS,
        pFieldsToOrder: ['KLLIC_SERIAL'],
        pOptions: {},
        lTimeoutSec: 3600,
        ...args,
      });
      const keys = await readAll(caller, reply['wstrIterator'] as string);
      expect(keys).toHaveLength(reply['lKeyCount'] as number);
      return keys;
    }

    async function keyHosts(serial: string): Promise<Params[]> {
      const reply = await emu.admin.call('LicenseKeys.AcquireKeyHosts', {
        pInData: { KLLIC_SERIAL: serial },
        pFields: [
          'KLLICSRV_HOSTNAME',
          'KLLICSRV_HOST_CURRENT',
          'KLLICSRV_PRODUCT',
          'KLLICSRV_EXPIRATION_TIME',
        ],
        pFieldsToOrder: ['KLLICSRV_HOSTNAME'],
        pOptions: {},
        lTimeoutSec: 0,
      });
      return readAll(emu.admin, reply['wstrIterator'] as string, 50);
    }

    it('seeds four keys whose usage agrees with the hosts and with general status', async () => {
      const keys = await enumKeys(emu.admin);
      expect(keys).toHaveLength(4);
      const serials = keys.map((k) => k['KLLIC_SERIAL'] as string);
      expect(serials).toEqual([...serials].sort());
      const byType = (t: number) => keys.filter((k) => k['KLLIC_KEY_TYPE'] === t);
      const [trial] = byType(3);
      const ksc = keys.find((k) => k['KLLIC_APP_ID'] === 1017)!;
      const endpoint = byType(1).filter((k) => k !== ksc);
      const active = endpoint.find((k) => (k['KLLIC_NHOSTS_ASCURRENT'] as number) > 0)!;
      const reserve = endpoint.find((k) => k !== active)!;
      expect(new Date(trial!['KLLIC_LIMIT_DATE'] as string).getTime()).toBeLessThan(Date.now());
      expect(new Date(active['KLLIC_LIMIT_DATE'] as string).getTime()).toBeGreaterThan(Date.now());
      expect(ksc['KLLIC_NHOSTS_ASCURRENT']).toBe(0);
      expect(active['KLLICSRV_AUTOKEY']).toBe(true);

      // Every host with a security application uses a key: the trial one where its license expired.
      const hosts = emu.ksc.world.hostsOf(0);
      const secured = hosts.filter((h) => typeof h.attributes['KLHST_WKS_RTP_AV_VERSION'] === 'string');
      const expired = secured.filter((h) => (Number(h.attributes['KLHST_WKS_STATUS_MASK']) & (1 << 9)) !== 0);
      expect(trial!['KLLIC_NHOSTS_ASCURRENT']).toBe(expired.length);
      expect(active['KLLIC_NHOSTS_ASCURRENT']).toBe(secured.length - expired.length);
      expect(reserve['KLLIC_NHOSTS_ASNEXT']).toBe(secured.length - expired.length);

      // General status counts the same expired licenses.
      const deployment = await emu.admin.statistics('KLSTS_Deployment');
      expect(deployment['KLSTS_Par_Dpl_LicExparedCnt']).toBe(expired.length);

      const users = await keyHosts(trial!['KLLIC_SERIAL'] as string);
      expect(users.map((u) => u['KLLICSRV_HOSTNAME']).sort()).toEqual(expired.map((h) => h.id).sort());
      expect(users.every((u) => u['KLLICSRV_HOST_CURRENT'] === true)).toBe(true);
      const next = await keyHosts(reserve['KLLIC_SERIAL'] as string);
      expect(next.every((u) => u['KLLICSRV_HOST_CURRENT'] === false)).toBe(true);
      expect(await iteratorsOpen()).toBe(0);
    });

    it('installs, adjusts and uninstalls keys; GetKeyData answers what it is asked', async () => {
      const code = 'AB12C-DE34F-GH56J-KL78M';
      const files = await emu.admin.call('LicenseKeys.DownloadKeyFiles', { wstrActivationCode: code });
      expect(files['PxgRetVal']).toHaveLength(1);
      const serial = (
        await emu.admin.call('LicenseKeys.InstallKey', {
          pKeyInfo: {
            KLLICSRV_KEYDATA: { KLLIC_IFKEYFILE: false, KLLIC_LICFILE: new TextEncoder().encode(code) },
          },
        })
      )['PxgRetVal'] as string;
      expect(serial).toMatch(/^[0-9A-F]{4}-\d{6}-[0-9A-F]{8}$/);
      await emu.admin.call('LicenseKeys.AdjustKey', {
        pData: { KLLIC_SERIAL: serial, KLLICSRV_AUTOKEY: true },
      });
      const data = (
        await emu.admin.call('LicenseKeys.GetKeyData', {
          pKeyInfo: { KLLIC_SERIAL: serial, KLLICSRV_AUTOKEY: false, KLLIC_LIC_COUNT: 0 },
        })
      )['PxgRetVal'];
      expect(data).toEqual({ KLLIC_SERIAL: serial, KLLICSRV_AUTOKEY: true, KLLIC_LIC_COUNT: 100 });
      expect(await enumKeys(emu.admin)).toHaveLength(5);

      await emu.admin.call('LicenseKeys.UninstallKey', { pKeyInfo: { KLLIC_SERIAL: serial } });
      // Nobody uses it, so it is gone; the seeded active key, uninstalled, is still reported by its hosts.
      expect((await enumKeys(emu.admin)).map((k) => k['KLLIC_SERIAL'])).not.toContain(serial);
      const gone = await failure(
        emu.admin.call('LicenseKeys.GetKeyData', { pKeyInfo: { KLLIC_SERIAL: serial, KLLIC_APP_ID: 0 } }),
      );
      expect(gone.pxgCode).toBe(1186);

      expect(
        (await failure(emu.admin.call('LicenseKeys.AdjustKey', { pData: { KLLIC_SERIAL: serial } }))).pxgCode,
      ).toBe(1187);
      expect(
        (await failure(emu.admin.call('LicenseKeys.DownloadKeyFiles', { wstrActivationCode: 'nope' })))
          .pxgCode,
      ).toBe(1187);
      expect(await iteratorsOpen()).toBe(0);
    });

    it('installs and uninstalls the server license; refuses a key that cannot license the server', async () => {
      const keys = await enumKeys(emu.admin, { pOptions: { KLLICSRV_ENOPT_INSTALLED_ONLY: true } });
      const ksc = keys.find((k) => k['KLLIC_APP_ID'] === 1017)!['KLLIC_SERIAL'] as string;
      const trial = keys.find((k) => k['KLLIC_KEY_TYPE'] === 3)!['KLLIC_SERIAL'] as string;
      await emu.admin.call('LicenseKeys.CheckIfSaasLicenseIsValid', {
        pInData: { KLLIC_SERIAL: ksc },
        bAsCurrent: true,
      });
      await emu.admin.call('LicenseKeys.SaasTryToInstall', {
        pInData: { KLLIC_SERIAL: ksc },
        bAsCurrent: false,
      });
      await emu.admin.call('LicenseKeys.SaasTryToUninstall', { bCurrent: false });
      const refused = await failure(
        emu.admin.call('LicenseKeys.CheckIfSaasLicenseIsValid', {
          pInData: { KLLIC_SERIAL: trial },
          bAsCurrent: true,
        }),
      );
      expect(refused.pxgCode).toBe(1193);
    });

    it('keeps each virtual server its own keys', async () => {
      const branch = await emu.session('admin', 'vs-branch');
      const main = (await enumKeys(emu.admin)).map((k) => k['KLLIC_SERIAL']);
      const theirs = (await enumKeys(branch)).map((k) => k['KLLIC_SERIAL']);
      expect(theirs).toHaveLength(4);
      expect(theirs.filter((s) => main.includes(s))).toEqual([]);
    });

    it('GetInstanceStatistics reports the virtual servers with their hosts and licenses', async () => {
      const fields = [
        'KLSRV_ST_PID_SERVER',
        'KLSRV_ST_PID_NAGENT',
        'KLSRV_ST_VIRT_SERVER_COUNT',
        'KLSRV_ST_TOTAL_HOSTS_COUNT',
        'KLSRV_ST_VIRT_SERVERS_DETAILS',
      ];
      const stats = (await emu.admin.call('HostGroup.GetInstanceStatistics', { vecFilterFields: fields }))[
        'PxgRetVal'
      ] as Params;
      expect(Object.keys(stats).sort()).toEqual([...fields].sort());
      expect(stats['KLSRV_ST_PID_SERVER']).toBeTypeOf('number');
      const world = emu.ksc.world;
      expect(stats['KLSRV_ST_TOTAL_HOSTS_COUNT']).toBe(world.hosts.size);
      const details = stats['KLSRV_ST_VIRT_SERVERS_DETAILS'] as Params[];
      expect(details).toHaveLength(stats['KLSRV_ST_VIRT_SERVER_COUNT'] as number);
      const branch = world.vserverByName('vs-branch')!;
      const detail = details.find((d) => Number(d['KLSRV_ST_VIRT_SERVER_ID']) === branch.id)!;
      expect(detail['KLSRV_ST_VSERVER_HOST_COUNT']).toBe(world.hostsOf(branch.id).length);
      expect(detail['KLSRV_ST_VSERVER_COM_LIC_EXISTS']).toBe(true);
      expect(detail['KLSRV_ST_VSERVER_TRIAL_LIC_EXISTS']).toBe(false);
      expect(detail['KLSRV_ST_VSERVER_LAST_COM_LIC_EXPIR']).toBeInstanceOf(Date);

      const only = (
        await emu.admin.call('HostGroup.GetInstanceStatistics', { vecFilterFields: ['KLSRV_ST_PID_NAGENT'] })
      )['PxgRetVal'];
      expect(Object.keys(only as Params)).toEqual(['KLSRV_ST_PID_NAGENT']);
    });
  },
);
