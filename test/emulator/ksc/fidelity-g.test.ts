import { describe, expect, it } from 'vitest';
import { INVENTORY_VIEW_ATTRIBUTES } from '../../../src/ksc/view-attributes.ts';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

const INVENTORY_FIELDS = [...INVENTORY_VIEW_ATTRIBUTES];

/** Issue 21 part G: the software inventory view, outbreak policies, secondary servers registered and removed. */
describe.each(BACKENDS)('KSC emulator fidelity G (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 50, events: 100 });

  describe('SrvView InvSrvViewName', () => {
    it('lists each application once, consistent with InventoryApi, with its host count and first appearance', async () => {
      const view = await emu.admin.viewAll('InvSrvViewName', { fields: INVENTORY_FIELDS, page: 13 });
      const list = (await emu.admin.call('InventoryApi.GetInvProductsList', {}))['PxgRetVal'] as {
        GNRL_EA_PARAM_1: Item[];
      };
      expect(new Set(view.map((r) => r['strID']))).toEqual(
        new Set(list.GNRL_EA_PARAM_1.map((r) => r['ProductID'])),
      );
      expect(view.map((r) => r['nId'])).toEqual(view.map((_, i) => i + 1));
      const first = view[0]!;
      expect(Object.keys(first).sort()).toEqual(
        [
          'nId',
          'strID',
          'bIsMsi',
          'wstrDisplayName',
          'wstrDisplayVersion',
          'wstrPublisher',
          'wstrComments',
          'wstrHelpLink',
          'wstrHelpTelephone',
          'wstrARPRegKey',
          'nHostCount',
          'wstrTotalUninstallString',
          'wstrTotalQuietUninstallString',
          'tmFirstAppear',
        ].sort(),
      );
      // The host count is the number of hosts whose own inventory lists the application.
      const hosts = emu.ksc.world.hostsOf(0);
      const counts = new Map<string, number>();
      for (const host of hosts) {
        const own = (await emu.admin.call('InventoryApi.GetHostInvProducts', { szwHostId: host.id }))[
          'PxgRetVal'
        ] as { GNRL_EA_PARAM_1: Item[] };
        for (const id of new Set(own.GNRL_EA_PARAM_1.map((r) => String(r['ProductID']))))
          counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      for (const r of view)
        expect(r['nHostCount'], String(r['wstrDisplayName'])).toBe(counts.get(String(r['strID'])));
      expect(view.every((r) => r['tmFirstAppear'] instanceof Date)).toBe(true);
    });

    it('filters, orders and projects like every view', async () => {
      const all = await emu.admin.viewAll('InvSrvViewName', { fields: ['wstrDisplayName', 'nHostCount'] });
      const name = String(all[0]!['wstrDisplayName']);
      const some = await emu.admin.viewAll('InvSrvViewName', {
        filter: `(wstrDisplayName = "${name}")`,
        fields: ['wstrDisplayName', 'nHostCount'],
        order: [{ Name: 'nHostCount', Asc: false }],
      });
      expect(some.length).toBeGreaterThan(0);
      expect(some.every((r) => r['wstrDisplayName'] === name)).toBe(true);
      expect(Object.keys(some[0]!).sort()).toEqual(['nHostCount', 'wstrDisplayName']);
      const popular = await emu.admin.viewAll('InvSrvViewName', {
        filter: '(nHostCount >= 10)',
        fields: ['nHostCount'],
      });
      expect(popular.every((r) => (r['nHostCount'] as number) >= 10)).toBe(true);
    });
  });
  describe('Policy outbreak policies', () => {
    it('start empty, are replaced whole, read back, and refuse unknown policies and bad masks', async () => {
      expect((await emu.admin.call('Policy.GetOutbreakPolicies'))['PxgRetVal']).toEqual({
        KLPOL_POL_OUTBREAK: [],
      });
      const root = emu.ksc.world.rootGroup(0)!.id;
      const policies = (await emu.admin.call('Policy.GetPoliciesForGroup', { nGroupId: -1 }))[
        'PxgRetVal'
      ] as Item[];
      const [a, b] = policies.map((p) => p['KLPOL_ID'] as number);
      expect(a).toBeDefined();
      const entries = [{ KLPOL_ID: a!, KLPOL_OUTBREAK_MASK: 1 }];
      if (b !== undefined) entries.push({ KLPOL_ID: b, KLPOL_OUTBREAK_MASK: 6 });
      await emu.admin.call('Policy.SetOutbreakPolicies', { pData: { KLPOL_POL_OUTBREAK: entries } });
      expect((await emu.admin.call('Policy.GetOutbreakPolicies'))['PxgRetVal']).toEqual({
        KLPOL_POL_OUTBREAK: entries,
      });

      const unknown = await failure(
        emu.admin.call('Policy.SetOutbreakPolicies', {
          pData: { KLPOL_POL_OUTBREAK: [{ KLPOL_ID: 987_654, KLPOL_OUTBREAK_MASK: 1 }] },
        }),
      );
      expect(unknown.pxgCode).toBe(1186);
      const badMask = await failure(
        emu.admin.call('Policy.SetOutbreakPolicies', {
          pData: { KLPOL_POL_OUTBREAK: [{ KLPOL_ID: a!, KLPOL_OUTBREAK_MASK: 'x' }] },
        }),
      );
      expect(badMask.pxgCode).toBe(1187);
      // A refused call changes nothing.
      expect((await emu.admin.call('Policy.GetOutbreakPolicies'))['PxgRetVal']).toEqual({
        KLPOL_POL_OUTBREAK: entries,
      });

      // A policy deleted later leaves the list.
      const added = (
        await emu.admin.call('Policy.AddPolicy', {
          pPolicyData: {
            KLPOL_DN: 'outbreak',
            KLPOL_PRODUCT: 'KES',
            KLPOL_VERSION: '12.0.0.0',
            KLPOL_GROUP_ID: root,
          },
        })
      )['PxgRetVal'] as number;
      await emu.admin.call('Policy.SetOutbreakPolicies', {
        pData: { KLPOL_POL_OUTBREAK: [{ KLPOL_ID: added, KLPOL_OUTBREAK_MASK: 1 }] },
      });
      await emu.admin.call('Policy.DeletePolicy', { nPolicy: added });
      expect((await emu.admin.call('Policy.GetOutbreakPolicies'))['PxgRetVal']).toEqual({
        KLPOL_POL_OUTBREAK: [],
      });
    });
  });

  describe('ServerHierarchy registering, changing and removing secondaries', () => {
    it('registers a passive and an active secondary, finds, updates and deletes them', async () => {
      const before = (await emu.admin.call('ServerHierarchy.GetChildServers', { nGroupId: -1 }))[
        'PxgRetVal'
      ] as Item[];
      const groupId = before[0]!['KLSRVH_SRV_GROUPID'] as number;
      const certificate = new Uint8Array([48, 130, 1, 2, 3, 4]);
      const passive = (
        await emu.admin.call('ServerHierarchy.RegisterServer', {
          wstrDisplName: 'ksc-lab',
          nGroupId: groupId,
          pCertificate: certificate,
          wstrNetAddress: 'http://ksc-lab.corp.example:13000',
          pAdditionalInfo: {},
        })
      )['PxgRetVal'] as number;
      const active = (
        await emu.admin.call('ServerHierarchy.RegisterServer', {
          wstrDisplName: 'ksc-shop',
          nGroupId: groupId,
          pCertificate: certificate,
          wstrNetAddress: '',
        })
      )['PxgRetVal'] as number;
      expect(new Set([passive, active, ...before.map((s) => s['KLSRVH_SRV_ID'])]).size).toBe(
        before.length + 2,
      );

      const info = (await emu.admin.call('ServerHierarchy.GetServerInfo', { lServer: passive, pFields: [] }))[
        'PxgRetVal'
      ] as Item;
      expect(info).toMatchObject({
        KLSRVH_SRV_ID: passive,
        KLSRVH_SRV_DN: 'ksc-lab',
        KLSRVH_SRV_ADDR: 'ksc-lab.corp.example:13000',
        KLSRVH_SRV_GROUPID: groupId,
        KLSRVH_SRV_PASSIVE: true,
        KLSRVH_SRV_STATUS: 0,
      });
      expect(
        (
          (
            await emu.admin.call('ServerHierarchy.GetServerInfo', {
              lServer: active,
              pFields: ['KLSRVH_SRV_PASSIVE'],
            })
          )['PxgRetVal'] as Item
        )['KLSRVH_SRV_PASSIVE'],
      ).toBe(false);

      const found = await emu.admin.call('ServerHierarchy.FindSlaveServers', {
        wstrFilter: '(KLSRVH_SRV_DN = "ksc-*")',
        pFieldsToReturn: ['KLSRVH_SRV_DN'],
        pFieldsToOrder: [{ Name: 'KLSRVH_SRV_DN', Asc: true }],
        pParams: {},
        lMaxLifeTime: 60,
      });
      const names = (await emu.admin.chunkAll(found['wstrIterator'] as string)).map(
        (s) => s['KLSRVH_SRV_DN'],
      );
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(expect.arrayContaining(['ksc-lab', 'ksc-shop']));
      expect(found['PxgRetVal']).toBe(names.length);

      await emu.admin.call('ServerHierarchy.UpdateServer', {
        lServer: passive,
        pInfo: { KLSRVH_SRV_DN: 'ksc-lab-2' },
      });
      const seeded = before[0]!['KLSRVH_SRV_ID'] as number;
      await emu.admin.call('ServerHierarchy.UpdateServer', {
        lServer: seeded,
        pInfo: { KLSRVH_SRV_DN: 'renamed' },
      });
      expect(
        (
          await failure(
            emu.admin.call('ServerHierarchy.UpdateServer', { lServer: passive, pInfo: { KLSRVH_SRV_DN: 7 } }),
          )
        ).pxgCode,
      ).toBe(1187);
      await emu.admin.call('ServerHierarchy.DelServer', { lServer: active });
      await emu.admin.call('ServerHierarchy.DelServer', { lServer: seeded });
      expect((await failure(emu.admin.call('ServerHierarchy.DelServer', { lServer: active }))).pxgCode).toBe(
        1186,
      );
      expect(
        (await failure(emu.admin.call('ServerHierarchy.GetServerInfo', { lServer: seeded, pFields: [] })))
          .pxgCode,
      ).toBe(1186);

      const after = (await emu.admin.call('ServerHierarchy.GetChildServers', { nGroupId: -1 }))[
        'PxgRetVal'
      ] as Item[];
      expect(after.map((s) => s['KLSRVH_SRV_DN']).sort()).toEqual(
        [...before.slice(1).map((s) => s['KLSRVH_SRV_DN']), 'ksc-lab-2'].sort(),
      );
      expect(
        (
          await failure(
            emu.admin.call('ServerHierarchy.RegisterServer', {
              wstrDisplName: 'x',
              nGroupId: 987_654,
              pCertificate: certificate,
              wstrNetAddress: '',
            }),
          )
        ).pxgCode,
      ).toBe(1186);

      // The world is reset with the emulator's data: changes are forgotten.
      await emu.control('POST', '/__emulator/reset');
      emu.admin = await emu.session();
      const reset = (await emu.admin.call('ServerHierarchy.GetChildServers', { nGroupId: -1 }))[
        'PxgRetVal'
      ] as Item[];
      expect(reset.map((s) => s['KLSRVH_SRV_DN'])).toEqual(before.map((s) => s['KLSRVH_SRV_DN']));
    });
  });
});
