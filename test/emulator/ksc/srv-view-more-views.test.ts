import { describe, expect, it } from 'vitest';
import { BACKENDS, useKscEmulator } from '../../support/ksc-emulator.ts';

const GROUPED = 'InvDisplayNameGroupingSrvView';
const FIELDS = [
  'strID',
  'wstrDisplayName',
  'wstrDisplayVersion',
  'wstrPublisher',
  'nHostCount',
  'nProdCount',
];

describe.each(BACKENDS)('SrvView InvDisplayNameGroupingSrvView (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 60, events: 100 });

  it('merges the InvSrvViewName records of one display name, empty where they differ', async () => {
    const apps = await emu.admin.viewAll('InvSrvViewName', { fields: FIELDS.slice(0, 5), page: 200 });
    const grouped = await emu.admin.viewAll(GROUPED, { fields: FIELDS, page: 200 });
    const names = [...new Set(apps.map((a) => a['wstrDisplayName']))];
    expect(grouped.map((g) => g['wstrDisplayName'])).toEqual(names);
    for (const group of grouped) {
      const members = apps.filter((a) => a['wstrDisplayName'] === group['wstrDisplayName']);
      expect(group['nProdCount']).toBe(members.length);
      for (const name of ['strID', 'wstrDisplayVersion', 'wstrPublisher']) {
        const values = new Set(members.map((m) => m[name]));
        expect(group[name]).toBe(values.size === 1 ? members[0]![name] : '');
      }
      const counts = new Set(members.map((m) => m['nHostCount']));
      expect(group['nHostCount']).toBe(counts.size === 1 ? members[0]!['nHostCount'] : undefined);
    }
    expect(grouped.some((g) => Number(g['nProdCount']) > 1)).toBe(true);
  });

  it('filters, orders and pages as the other views do', async () => {
    const filter = '(&(nProdCount >= 1)(wstrDisplayName = "*a*"))';
    const order = [{ Name: 'wstrDisplayName', Asc: false }];
    const all = await emu.admin.viewAll(GROUPED, { fields: FIELDS, order, page: 200 });
    const some = await emu.admin.viewAll(GROUPED, { filter, fields: FIELDS, order, page: 3 });
    expect(some).toEqual(all.filter((r) => String(r['wstrDisplayName']).toLowerCase().includes('a')));
    expect(some.length).toBeGreaterThan(0);

    const reset = await emu.admin.call('SrvView.ResetIterator', {
      wstrViewName: GROUPED,
      wstrFilter: filter,
      vecFieldsToReturn: ['wstrDisplayName', 'nProdCount'],
      vecFieldsToOrder: order,
      pParams: {},
      lifetimeSec: 60,
    });
    const wstrIteratorId = reset['wstrIteratorId'] as string;
    expect((await emu.admin.call('SrvView.GetRecordCount', { wstrIteratorId }))['PxgRetVal']).toBe(
      some.length,
    );
    const range = await emu.admin.call('SrvView.GetRecordRange', { wstrIteratorId, nStart: 1, nEnd: 3 });
    expect(JSON.stringify(range['pRecords'])).toContain(String(some[1]!['wstrDisplayName']));
    await emu.admin.call('SrvView.ReleaseIterator', { wstrIteratorId });
  });

  it('rejects an attribute the view does not have', async () => {
    await expect(
      emu.admin.call('SrvView.ResetIterator', {
        wstrViewName: GROUPED,
        wstrFilter: '(ol = 1)',
        vecFieldsToReturn: [],
        vecFieldsToOrder: [],
        pParams: {},
        lifetimeSec: 60,
      }),
    ).rejects.toThrow("Pos 2. Unknown attribute 'ol'.");
  });
});
