import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_VIEW_ATTRIBUTES } from '../../../src/ksc/view-attributes.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

const INVENTORY_FIELDS = [...INVENTORY_VIEW_ATTRIBUTES];

/** Issue 21 part G: the software inventory view, outbreak policies, secondary servers registered and removed. */
describe.each(BACKENDS)('KSC emulator fidelity G (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    emu = await startTestEmulator(backend, { hosts: 50, events: 100 });
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  describe('SrvView InvSrvViewName', () => {
    it('lists each application once, consistent with InventoryApi, with its host count and first appearance', async () => {
      const view = await admin.viewAll('InvSrvViewName', { fields: INVENTORY_FIELDS, page: 13 });
      const list = (await admin.call('InventoryApi.GetInvProductsList', {}))['PxgRetVal'] as {
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
        const own = (await admin.call('InventoryApi.GetHostInvProducts', { szwHostId: host.id }))[
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
      const all = await admin.viewAll('InvSrvViewName', { fields: ['wstrDisplayName', 'nHostCount'] });
      const name = String(all[0]!['wstrDisplayName']);
      const some = await admin.viewAll('InvSrvViewName', {
        filter: `(wstrDisplayName = "${name}")`,
        fields: ['wstrDisplayName', 'nHostCount'],
        order: [{ Name: 'nHostCount', Asc: false }],
      });
      expect(some.length).toBeGreaterThan(0);
      expect(some.every((r) => r['wstrDisplayName'] === name)).toBe(true);
      expect(Object.keys(some[0]!).sort()).toEqual(['nHostCount', 'wstrDisplayName']);
      const popular = await admin.viewAll('InvSrvViewName', {
        filter: '(nHostCount >= 10)',
        fields: ['nHostCount'],
      });
      expect(popular.every((r) => (r['nHostCount'] as number) >= 10)).toBe(true);
    });
  });
});
