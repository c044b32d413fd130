import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';
import type { KlArgument } from '../../../src/ksc/values.ts';

type Params = Record<string, KlArgument>;

/** A view's records, typed as call arguments (tests hand their values back to the server). */
async function viewRecords(
  caller: KscCaller,
  name: string,
  options: Parameters<KscCaller['viewAll']>[1],
): Promise<Params[]> {
  return (await caller.viewAll(name, options)) as Params[];
}

/** Every record of a ChunkAccessor result set. */
async function readAccessor(caller: KscCaller, strAccessor: string): Promise<Params[]> {
  const count = (await caller.call('ChunkAccessor.GetItemsCount', { strAccessor }))['PxgRetVal'] as number;
  const chunk = await caller.call('ChunkAccessor.GetItemsChunk', { strAccessor, nStart: 0, nCount: count });
  await caller.call('ChunkAccessor.Release', { strAccessor });
  return (chunk['pChunk'] as { KLCSP_ITERATOR_ARRAY: Params[] }).KLCSP_ITERATOR_ARRAY;
}

describe.each(BACKENDS)(
  'KSC emulator UserDevicesApi, AdHosts, FileCategorizer2, IWebUsersSrv (%s)',
  (backend) => {
    const emu = useKscEmulator(backend, { hosts: 120, events: 100 });

    describe('UserDevicesApi and UmdmAllDevices', () => {
      it('lists the seeded devices in the view and answers each through GetDevice and GetDevices', async () => {
        const view = await viewRecords(emu.admin, 'UmdmAllDevices', {
          fields: [
            'Dev_Id',
            'Dev_Model',
            'Dev_IMEI',
            'OwnerBinId',
            'OwnerDisplayName',
            'Dev_LatestConnectionTime',
          ],
          order: [{ Name: 'Dev_Id', Asc: true }],
        });
        expect(view.length).toBeGreaterThan(0);
        const first = view[0]!;
        expect(String(first['Dev_IMEI'])).toMatch(/^35\d{13}$/);
        const device = (await emu.admin.call('UserDevicesApi.GetDevice', { lDeviceId: first['Dev_Id'] }))[
          'PxgRetVal'
        ] as Params;
        expect(device).toMatchObject({
          KLMDM_DEVICE_ID: first['Dev_Id'],
          KLMDM_DEVICE_MODEL: first['Dev_Model'],
          KLMDM_DEVICE_IMEI: first['Dev_IMEI'],
          KLMDM_DEVICE_STATUS: 0,
        });
        // The owner's binary id is the users view's ul_binId: GetDevices of that user finds the device.
        const owned = (await emu.admin.call('UserDevicesApi.GetDevices', { pUserId: first['OwnerBinId'] }))[
          'PxgRetVal'
        ] as Params[];
        expect(owned.map((d) => d['KLMDM_DEVICE_ID'])).toContain(first['Dev_Id']);
        const users = await viewRecords(emu.admin, 'GlobalUsersListSrvViewName', {
          fields: ['ul_wstrDisplayName'],
          filter: `(ul_wstrDisplayName = "${String(first['OwnerDisplayName'])}")`,
        });
        expect(users).toHaveLength(1);
        // The administrator, an internal user, owns no device.
        expect((await emu.admin.call('UserDevicesApi.GetDevices', {}))['PxgRetVal']).toEqual([]);
        expect((await emu.admin.call('UserDevicesApi.GetDevices', { pUserId: null }))['PxgRetVal']).toEqual(
          [],
        );
        const activity = await emu.admin.call('UserDevicesApi.GetLatestDeviceActivityDate', {
          lDeviceId: first['Dev_Id'],
        });
        // The device keeps connecting as the clock runs: the same date, give or take the seconds between calls.
        const viewed = (first['Dev_LatestConnectionTime'] as Date).getTime();
        expect(Math.abs(Date.parse(activity['PxgRetVal'] as string) - viewed)).toBeLessThanOrEqual(5000);
        const filtered = await viewRecords(emu.admin, 'UmdmAllDevices', {
          fields: ['Dev_Id'],
          filter: `(Dev_Id = ${String(first['Dev_Id'])})`,
        });
        expect(filtered).toEqual([{ Dev_Id: first['Dev_Id'] }]);
      });

      it('updates the alias, deletes a device, and refuses unknown ones with 1186', async () => {
        const [a, b] = await viewRecords(emu.admin, 'UmdmAllDevices', {
          fields: ['Dev_Id'],
          order: [{ Name: 'Dev_Id', Asc: true }],
        });
        await emu.admin.call('UserDevicesApi.UpdateDevice', {
          lDeviceId: a!['Dev_Id'],
          pDevice: { KLMDM_DEVICE_ALIAS: 'ceo-phone', KLMDM_DEVICE_IMEI: 'ignored' },
        });
        const updated = (await emu.admin.call('UserDevicesApi.GetDevice', { lDeviceId: a!['Dev_Id'] }))[
          'PxgRetVal'
        ] as Params;
        expect(updated['KLMDM_DEVICE_ALIAS']).toBe('ceo-phone');
        expect(updated['KLMDM_DEVICE_IMEI']).not.toBe('ignored');
        const aliased = await viewRecords(emu.admin, 'UmdmAllDevices', {
          fields: ['Dev_Id'],
          filter: '(Dev_Alias = "ceo-*")',
        });
        expect(aliased).toEqual([{ Dev_Id: a!['Dev_Id'] }]);

        await emu.admin.call('UserDevicesApi.DeleteDevice', { lDeviceId: b!['Dev_Id'] });
        const gone = await failure(emu.admin.call('UserDevicesApi.GetDevice', { lDeviceId: b!['Dev_Id'] }));
        expect(gone.pxgCode).toBe(1186);
        const ids = (await viewRecords(emu.admin, 'UmdmAllDevices', { fields: ['Dev_Id'] })).map(
          (d) => d['Dev_Id'],
        );
        expect(ids).not.toContain(b!['Dev_Id']);
        expect((await failure(emu.admin.call('UserDevicesApi.GetDevice', { lDeviceId: 999 }))).pxgCode).toBe(
          1186,
        );
      });

      it('posts commands that complete a minute later on the emulator clock; recalls and deletes them', async () => {
        const [device] = await viewRecords(emu.admin, 'UmdmAllDevices', {
          fields: ['Dev_Id'],
          order: [{ Name: 'Dev_Id', Asc: true }],
        });
        const lDeviceId = device!['Dev_Id'];
        const library = (await emu.admin.call('UserDevicesApi.GetCommandsLibrary', {}))[
          'PxgRetVal'
        ] as Params[];
        expect(library.map((c) => c['KLMDM_CMD_TYPE'])).toContain('Block');

        await emu.admin.call('UserDevicesApi.PostCommand', {
          lDeviceId,
          c_wstrCommandGuid: 'cmd-block-1',
          c_wstrCommandType: 'Block',
          pArguments: {},
          lMdmProtocols: 0,
          lProcessFlags: 0,
        });
        const twice = await failure(
          emu.admin.call('UserDevicesApi.PostCommand', {
            lDeviceId,
            c_wstrCommandGuid: 'cmd-block-2',
            c_wstrCommandType: 'Block',
            pArguments: {},
            lMdmProtocols: 0,
            lProcessFlags: 0,
          }),
        );
        expect(twice.pxgCode).toBe(1193);
        const unknownType = await failure(
          emu.admin.call('UserDevicesApi.PostCommand', {
            lDeviceId,
            c_wstrCommandGuid: 'x',
            c_wstrCommandType: 'Explode',
          }),
        );
        expect(unknownType.pxgMessage).toBe('Bad parameter "c_wstrCommandType"');
        let commands = (await emu.admin.call('UserDevicesApi.GetCommands', { lDeviceId }))[
          'PxgRetVal'
        ] as Params[];
        expect(commands).toMatchObject([
          { KLMDM_CMD_GUID: 'cmd-block-1', KLMDM_CMD_TYPE: 'Block', KLMDM_CMD_STATUS: 1n },
        ]);

        await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 });
        // GetCommands answers active commands only (decision 0074); GetCommandsAll keeps the completed one.
        expect((await emu.admin.call('UserDevicesApi.GetCommands', { lDeviceId }))['PxgRetVal']).toEqual([]);
        commands = (await emu.admin.call('UserDevicesApi.GetCommandsAll', { lDeviceId }))[
          'PxgRetVal'
        ] as Params[];
        expect(commands[0]!['KLMDM_CMD_STATUS']).toBe(2n);
        expect(
          (await emu.admin.call('UserDevicesApi.RecallCommand', { c_wstrCommandGuid: 'cmd-block-1' }))[
            'PxgRetVal'
          ],
        ).toBe(false);

        await emu.admin.call('UserDevicesApi.PostCommand', {
          lDeviceId,
          c_wstrCommandGuid: 'cmd-wipe-1',
          c_wstrCommandType: 'Wipe',
        });
        expect(
          (await emu.admin.call('UserDevicesApi.RecallCommand', { c_wstrCommandGuid: 'cmd-wipe-1' }))[
            'PxgRetVal'
          ],
        ).toBe(true);
        expect((await emu.admin.call('UserDevicesApi.GetCommands', { lDeviceId }))['PxgRetVal']).toEqual([]);
        commands = (await emu.admin.call('UserDevicesApi.GetCommandsAll', { lDeviceId }))[
          'PxgRetVal'
        ] as Params[];
        expect(commands.map((c) => c['KLMDM_CMD_STATUS'])).toEqual([2n, 5n]);
        expect(
          (
            await emu.admin.call('UserDevicesApi.DeleteCommand', {
              c_wstrCommandGuid: 'cmd-wipe-1',
              bForced: true,
            })
          )['PxgRetVal'],
        ).toBe(true);
        const missing = await failure(
          emu.admin.call('UserDevicesApi.DeleteCommand', { c_wstrCommandGuid: 'cmd-wipe-1', bForced: false }),
        );
        expect(missing.pxgCode).toBe(1186);
      });

      it('checks the portal login and keeps the Safe Browser flag', async () => {
        expect(await emu.admin.call('UserDevicesApi.SspLoginAllowed', {})).toEqual({});
        expect((await emu.admin.call('UserDevicesApi.GetSafeBrowserAutoinstallFlag', {}))['PxgRetVal']).toBe(
          false,
        );
        await emu.admin.call('UserDevicesApi.SetSafeBrowserAutoinstallFlag', { bInstall: true });
        expect((await emu.admin.call('UserDevicesApi.GetSafeBrowserAutoinstallFlag', {}))['PxgRetVal']).toBe(
          true,
        );
      });
    });

    describe('AdHosts', () => {
      it('walks the scanned tree from the root: the domain, its OUs, the unassigned computers', async () => {
        const roots = await readAccessor(
          emu.admin,
          (
            await emu.admin.call('AdHosts.GetChildOUs', {
              idOU: 0,
              pFields: ['adhst_id', 'adhst_idComputer', 'adhst_idParent'],
              lMaxLifeTime: 60,
            })
          )['PxgRetVal'] as string,
        );
        expect(roots).toEqual([{ adhst_id: 1, adhst_idComputer: 'corp.example.com', adhst_idParent: 0 }]);
        const ous = await readAccessor(
          emu.admin,
          (
            await emu.admin.call('AdHosts.GetChildOUs', {
              idOU: 1,
              pFields: ['adhst_id', 'adhst_idComputer', 'adhst_hostsNum'],
              lMaxLifeTime: 60,
            })
          )['PxgRetVal'] as string,
        );
        expect(ous.map((o) => o['adhst_idComputer'])).toEqual([
          'Domain Controllers',
          'Servers',
          'Workstations',
        ]);
        const root = (
          await emu.admin.call('AdHosts.GetOU', {
            idOU: 1,
            pFields: ['adhst_hostsNum', 'adhst_childSubunitsNum', 'adhst_enable_ad_scan'],
          })
        )['PxgRetVal'] as Params;
        const domainHosts = emu.ksc.world
          .hostsOf(0)
          .filter((h) => h.attributes['KLHST_WKS_DNSDOMAIN'] === 'corp.example.com');
        expect(root).toEqual({
          adhst_hostsNum: domainHosts.length,
          adhst_childSubunitsNum: 3,
          adhst_enable_ad_scan: true,
        });
        expect(ous.reduce((n, o) => n + (o['adhst_hostsNum'] as number), 0)).toBe(domainHosts.length);

        const computers: Params[] = [];
        for (const idOU of [2, 3, 4]) {
          const accessor = (
            await emu.admin.call('AdHosts.GetChildComputers', {
              idOU,
              vecFieldsToReturn: ['adhst_id', 'adhst_idParent', 'KLHST_WKS_HOSTNAME', 'KLHST_WKS_GROUPID'],
              lMaxLifeTime: 60,
            })
          )['PxgRetVal'] as string;
          computers.push(...(await readAccessor(emu.admin, accessor)));
        }
        // Only hosts in Unassigned devices: the managed ones are in administration groups.
        const unassigned = new Set(
          domainHosts.filter((h) => h.attributes['KLHST_WKS_FROM_UNASSIGNED'] === true).map((h) => h.id),
        );
        expect(new Set(computers.map((c) => c['KLHST_WKS_HOSTNAME']))).toEqual(unassigned);
        if (computers[0] !== undefined) {
          const one = (
            await emu.admin.call('AdHosts.GetChildComputer', {
              idAdhst: computers[0]['adhst_id'],
              vecFieldsToReturn: ['KLHST_WKS_HOSTNAME', 'adhst_idParent'],
            })
          )['PxgRetVal'];
          expect(one).toEqual({
            KLHST_WKS_HOSTNAME: computers[0]['KLHST_WKS_HOSTNAME'],
            adhst_idParent: computers[0]['adhst_idParent'],
          });
        }
        expect(
          (await failure(emu.admin.call('AdHosts.GetChildComputer', { idAdhst: 5, vecFieldsToReturn: [] })))
            .pxgCode,
        ).toBe(1186);
        expect((await failure(emu.admin.call('AdHosts.GetOU', { idOU: 77, pFields: [] }))).pxgCode).toBe(
          1186,
        );
      });

      it('turns scanning of an OU off and on', async () => {
        await emu.admin.call('AdHosts.UpdateOU', { idOU: 3, pData: { adhst_enable_ad_scan: false } });
        const off = (await emu.admin.call('AdHosts.GetOU', { idOU: 3, pFields: ['adhst_enable_ad_scan'] }))[
          'PxgRetVal'
        ];
        expect(off).toEqual({ adhst_enable_ad_scan: false });
        await emu.admin.call('AdHosts.UpdateOU', { idOU: 3, pData: { adhst_enable_ad_scan: 1 } });
        const on = (await emu.admin.call('AdHosts.GetOU', { idOU: 3, pFields: ['adhst_enable_ad_scan'] }))[
          'PxgRetVal'
        ];
        expect(on).toEqual({ adhst_enable_ad_scan: true });
      });
    });

    describe('FileCategorizer2', () => {
      it('creates, reads, updates and deletes a category; expressions change through a polled action', async () => {
        const counter0 = (await emu.admin.call('FileCategorizer2.GetCategoriesModificationCounter', {}))[
          'PxgRetVal'
        ];
        const id = (
          await emu.admin.call('FileCategorizer2.CreateCategory', {
            pCategory: {
              name: 'Blocked tools',
              descr: 'from the SOAR',
              CategoryType: 0,
              inclusions: [],
              exclusions: [],
            },
          })
        )['PxgRetVal'] as KlArgument;
        expect(id).toBe(1);
        const again = await failure(
          emu.admin.call('FileCategorizer2.CreateCategory', { pCategory: { name: 'blocked TOOLS' } }),
        );
        expect(again.pxgCode).toBe(1193);
        expect(
          (await failure(emu.admin.call('FileCategorizer2.CreateCategory', { pCategory: { descr: 'x' } })))
            .pxgCode,
        ).toBe(1187);

        const sha = 'a'.repeat(64);
        const md5 = 'b'.repeat(32);
        const added = await emu.admin.call('FileCategorizer2.AddExpressions', {
          nCategoryId: id,
          arrNewExpressions: [
            { ex_type: 3, str: md5, str2: '', str_op: 0 },
            { ex_type: 3, str: sha, str2: '', str_op: 0 },
          ],
          bInclusions: true,
        });
        const wstrActionGuid = added['wstrAsyncId'] as string;
        await emu.control('POST', '/__emulator/clock/advance', { seconds: 1 });
        const state = await emu.admin.call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid });
        expect(state).toMatchObject({ bFinalized: true, bSuccededFinalized: true });

        let category = (await emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId: id }))[
          'pCategory'
        ] as Params;
        expect(category).toMatchObject({
          id: 1,
          name: 'Blocked tools',
          CategoryType: 0,
          version: 2,
          Md5WithoutSha256Exists: false,
        });
        expect((category['inclusions'] as Params[]).map((e) => e['str'])).toEqual([md5, sha]);
        const byUuid = (
          await emu.admin.call('FileCategorizer2.GetCategoryByUUID', {
            pCategoryUUID: category['uuid'] ?? '',
          })
        )['pCategory'];
        expect(byUuid).toEqual(category);

        await emu.admin.call('FileCategorizer2.DeleteExpression', {
          nCategoryId: id,
          arrIds: [1],
          bInclusions: true,
        });
        category = (await emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId: id }))[
          'pCategory'
        ] as Params;
        expect((category['inclusions'] as Params[]).map((e) => e['str'])).toEqual([md5]);
        expect(category['Md5WithoutSha256Exists']).toBe(true);
        expect(
          (
            await failure(
              emu.admin.call('FileCategorizer2.DeleteExpression', {
                nCategoryId: id,
                arrIds: [5],
                bInclusions: true,
              }),
            )
          ).pxgCode,
        ).toBe(1187);

        await emu.admin.call('FileCategorizer2.UpdateCategory', {
          nCategoryId: id,
          pCategory: { descr: 'changed', id: 42 },
        });
        category = (await emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId: id }))[
          'pCategory'
        ] as Params;
        expect(category).toMatchObject({ id: 1, descr: 'changed', name: 'Blocked tools' });

        await emu.admin.call('FileCategorizer2.DeleteCategory', { nCategoryId: id });
        expect(
          (await failure(emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId: id }))).pxgCode,
        ).toBe(1186);
        const counter = (await emu.admin.call('FileCategorizer2.GetCategoriesModificationCounter', {}))[
          'PxgRetVal'
        ];
        // Create, add, delete an expression, update, delete: five changes (the refused create is none).
        expect(Number(counter) - Number(counter0)).toBe(5);
      });
    });

    describe('FileCategorizer2 expressions replaced and concurrent changes', () => {
      it('UpdateExpressions replaces expressions by id ({id, body}) and refuses unknown ids', async () => {
        const nCategoryId = (
          await emu.admin.call('FileCategorizer2.CreateCategory', { pCategory: { name: 'Replaced' } })
        )['PxgRetVal'] as KlArgument;
        await emu.admin.call('FileCategorizer2.AddExpressions', {
          nCategoryId,
          arrNewExpressions: [
            { ex_type: 3, str: '1'.repeat(64), str2: '', str_op: 0 },
            { ex_type: 3, str: '2'.repeat(64), str2: '', str_op: 0 },
          ],
          bInclusions: false,
        });
        const update = await emu.admin.call('FileCategorizer2.UpdateExpressions', {
          nCategoryId,
          arrIdAndExpression: [{ id: 1, body: { ex_type: 3, str: '3'.repeat(32), str2: '', str_op: 0 } }],
          bInclusions: false,
        });
        expect(typeof update['wstrAsyncId']).toBe('string');
        const category = (await emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId }))[
          'pCategory'
        ] as Params;
        expect((category['exclusions'] as Params[]).map((e) => e['str'])).toEqual([
          '1'.repeat(64),
          '3'.repeat(32),
        ]);
        expect(category['version']).toBe(3);
        for (const arrIdAndExpression of [
          [{ id: 2, body: { ex_type: 3, str: 'x' } }],
          [{ id: 0 }],
          [{ body: { ex_type: 3 } }],
        ])
          expect(
            (
              await failure(
                emu.admin.call('FileCategorizer2.UpdateExpressions', {
                  nCategoryId,
                  arrIdAndExpression,
                  bInclusions: false,
                }),
              )
            ).pxgCode,
          ).toBe(1187);
        await emu.admin.call('FileCategorizer2.DeleteCategory', { nCategoryId });
      });

      it('loses no change when several clients write at once (one transaction per change)', async () => {
        const clients = await Promise.all([1, 2, 3, 4].map(() => emu.session()));
        const ids = (
          await Promise.all(
            clients.flatMap((client, c) =>
              [0, 1, 2].map((i) =>
                client.call('FileCategorizer2.CreateCategory', { pCategory: { name: `parallel ${c}-${i}` } }),
              ),
            ),
          )
        ).map((r) => Number(r['PxgRetVal']));
        expect(new Set(ids).size).toBe(12);
        for (const nCategoryId of ids)
          expect(
            ((await emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId }))['pCategory'] as Params)[
              'id'
            ],
          ).toBe(nCategoryId);
        await Promise.all(
          ids.map((nCategoryId) => emu.admin.call('FileCategorizer2.DeleteCategory', { nCategoryId })),
        );
        await Promise.all(
          [3, 4].map((idOU, i) =>
            clients[i]!.call('AdHosts.UpdateOU', { idOU, pData: { adhst_enable_ad_scan: false } }),
          ),
        );
        for (const idOU of [3, 4])
          expect(
            (await emu.admin.call('AdHosts.GetOU', { idOU, pFields: ['adhst_enable_ad_scan'] }))['PxgRetVal'],
          ).toEqual({ adhst_enable_ad_scan: false });
        await Promise.all(
          [3, 4].map((idOU) =>
            emu.admin.call('AdHosts.UpdateOU', { idOU, pData: { adhst_enable_ad_scan: true } }),
          ),
        );
      });
    });

    describe('IWebUsersSrv', () => {
      it('records mail instead of sending it; the control API shows it', async () => {
        await emu.admin.call('IWebUsersSrv.SendEmail', {
          pParams: {
            MailRecipients: ['alice@corp.example.com', 'bob@corp.example.com'],
            MailSubject: 'Enroll your phone',
            MailBody: '<p>Scan the code</p>',
            MailBodyType: 'html',
            EmbedQrCodes: true,
            QrCodes: [{ QrCodePicture: 'qr0.png' }],
          },
          wstrRequestId: 'req-1',
        });
        const bad = await failure(
          emu.admin.call('IWebUsersSrv.SendEmail', {
            pParams: { MailSubject: 'no one' },
            wstrRequestId: 'req-2',
          }),
        );
        expect(bad.pxgMessage).toBe('Bad parameter "pParams"');
        const { status, body } = await emu.control('GET', '/__emulator/mail');
        expect(status).toBe(200);
        expect((body as { mails: Params[] }).mails).toMatchObject([
          {
            id: 1,
            vserverId: 0,
            sender: 'admin',
            requestId: 'req-1',
            recipients: ['alice@corp.example.com', 'bob@corp.example.com'],
            subject: 'Enroll your phone',
            bodyType: 'html',
            embedQrCodes: true,
            qrCodes: ['qr0.png'],
          },
        ]);
      });
    });
  },
);
