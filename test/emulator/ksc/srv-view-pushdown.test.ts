import { describe, expect, it } from 'vitest';
import { BACKENDS, useKscEmulator } from '../../support/ksc-emulator.ts';

const VIEW = 'ACHostExeFilesSrvViewName';
const FIELDS = ['FILE_ID', 'FILE_NAME', 'HOST_NAME', 'HOST_DN', 'FILE_PATH'];
/** True of every file instance: adding it makes the filter name a file attribute, so nothing is pushed down. */
const ALWAYS = '(FILE_ID > 0)';
const LIST_FIELDS = [
  'nId',
  'strId',
  'strHostName',
  'nGroup',
  'szFileTitle',
  'szRestorePath',
  'QBStoreTime',
  'iObjStatus',
];
const USER_FIELDS = [
  'ul_llTrusteeId',
  'ul_wstrDisplayName',
  'ul_wstrSamAccountName',
  'ul_Local',
  'ul_bVisited',
];

describe.each(BACKENDS)('SrvView: filters on host attributes pushed down (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 120, events: 200 });

  it('answers exactly what building every record and filtering answers, in the same order', async () => {
    const hosts = emu.ksc.world.hostsOf(0);
    const [a, b] = [hosts[3]!, hosts[40]!];
    const dn = String(a.attributes['KLHST_WKS_DN']);
    const hostOnly = [
      `(HOST_NAME = "${a.id}")`,
      `(|(HOST_NAME = "${a.id}")(HOST_NAME = "${b.id}"))`,
      `(HOST_DN = "${dn.slice(0, 3)}*")`,
      `(!(HOST_NAME = "${a.id}"))`,
      '(HOST_NAME = "no-such-host")',
    ];
    for (const filter of hostOnly) {
      const pushed = await emu.admin.viewAll(VIEW, { filter, fields: FIELDS, page: 500 });
      const built = await emu.admin.viewAll(VIEW, {
        filter: `(&${filter}${ALWAYS})`,
        fields: FIELDS,
        page: 500,
      });
      expect(pushed).toEqual(built);
    }
    const one = await emu.admin.viewAll(VIEW, { filter: hostOnly[0]!, fields: FIELDS });
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((r) => r['HOST_NAME'] === a.id)).toBe(true);
    // Ordered views too: the order is applied after matching.
    const order = [{ Name: 'FILE_NAME', Asc: false }];
    expect(await emu.admin.viewAll(VIEW, { filter: hostOnly[1]!, fields: FIELDS, order, page: 500 })).toEqual(
      await emu.admin.viewAll(VIEW, {
        filter: `(&${hostOnly[1]}${ALWAYS})`,
        fields: FIELDS,
        order,
        page: 500,
      }),
    );
  });

  it('confines a pushed-down filter to the caller’s virtual server', async () => {
    const mainHost = emu.ksc.world.hostsOf(0)[0]!.id;
    const branch = await emu.session('admin', 'vs-branch');
    expect(await branch.viewAll(VIEW, { filter: `(HOST_NAME = "${mainHost}")` })).toEqual([]);
  });
});

describe.each(BACKENDS)('SrvView: network lists and users narrowed by host (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 120, events: 2000 });

  it('Quarantine, Backup and TIF: a filter on the host answers what filtering every item answers', async () => {
    const hosts = emu.ksc.world.hostsOf(0);
    for (const list of ['Quarantine', 'Backup', 'TIF']) {
      const all = await emu.admin.viewAll(list, { fields: ['nId', 'strHostName', 'nGroup'], page: 500 });
      const holders = [...new Set(all.map((r) => String(r['strHostName'])))];
      const [a, b] = [holders[0] ?? hosts[0]!.id, holders[1] ?? hosts[1]!.id];
      const group = emu.ksc.world.hosts.get(a)!.groupId;
      const hostOnly = [
        `(strHostName = "${a}")`,
        `(|(strHostName = "${a}")(strHostName = "${b}"))`,
        `(&(strHostName = "${a.slice(0, 2)}*")(nGroup = ${group}))`,
        `(!(strHostName = "${a}"))`,
        '(strHostName = "no-such-host")',
      ];
      for (const filter of hostOnly) {
        const pushed = await emu.admin.viewAll(list, { filter, fields: LIST_FIELDS, page: 500 });
        const built = await emu.admin.viewAll(list, {
          filter: `(&${filter}(nId > 0))`,
          fields: LIST_FIELDS,
          page: 500,
        });
        expect(pushed).toEqual(built);
      }
      if (holders.length > 0) {
        const one = await emu.admin.viewAll(list, { filter: hostOnly[0]!, fields: ['strHostName'] });
        expect(one.length).toBeGreaterThan(0);
        expect(one.map((r) => r['strHostName'])).toEqual(one.map(() => a));
      }
      const order = [{ Name: 'QBStoreTime', Asc: false }];
      expect(
        await emu.admin.viewAll(list, { filter: hostOnly[1]!, fields: LIST_FIELDS, order, page: 500 }),
      ).toEqual(
        await emu.admin.viewAll(list, {
          filter: `(&${hostOnly[1]}(nId > 0))`,
          fields: LIST_FIELDS,
          order,
          page: 500,
        }),
      );
    }
  });

  it('GlobalUsersListSrvViewName: the visited account of strHostId alone, as filtering every user gives it', async () => {
    const hosts = emu.ksc.world.hostsOf(0);
    for (const host of [hosts[0]!.id, hosts[7]!.id, 'no-such-host']) {
      const params = { strHostId: host };
      for (const filter of ['(ul_bVisited = 1)', '(ul_bVisited <> 0)']) {
        const pushed = await emu.admin.viewAll('GlobalUsersListSrvViewName', {
          filter,
          params,
          fields: USER_FIELDS,
        });
        const built = await emu.admin.viewAll('GlobalUsersListSrvViewName', {
          filter: `(&${filter}(ul_nVServer >= 0))`,
          params,
          fields: USER_FIELDS,
        });
        expect(pushed).toEqual(built);
        if (host !== 'no-such-host') expect(pushed.length).toBe(1);
      }
    }
  });

  it('confines a pushed-down list filter to the caller’s virtual server', async () => {
    const all = await emu.admin.viewAll('Quarantine', { fields: ['strHostName'] });
    const branch = await emu.session('admin', 'vs-branch');
    for (const host of new Set(all.map((r) => String(r['strHostName'])))) {
      expect(await branch.viewAll('Quarantine', { filter: `(strHostName = "${host}")` })).toEqual([]);
    }
  });
});
