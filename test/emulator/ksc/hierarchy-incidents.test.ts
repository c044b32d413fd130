import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, failure, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;

/**
 * `HostGroup.GetSubgroups`, host incidents, `ServerHierarchy` and `VServers`, called over HTTP as the KSC Open API
 * reference documents them (argument names and types), on both backends.
 */
describe.each(BACKENDS)('KSC emulator hierarchy and incidents (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 120, events: 500 });
  let branch: KscCaller;
  let host: string;

  beforeAll(async () => {
    branch = await emu.session('admin', 'vs-branch');
    const found = await emu.admin.call('HostGroup.FindHosts', {
      wstrFilter: '',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      vecFieldsToOrder: [{ Name: 'KLHST_WKS_HOSTNAME', Asc: true }],
      lMaxLifeTime: 60,
    });
    const hosts = await emu.admin.chunkAll(found['strAccessor'] as string);
    host = String(hosts[0]?.['KLHST_WKS_HOSTNAME']);
  });

  describe('HostGroup.GetSubgroups', () => {
    it('returns the tree under a group, nDepth levels deep, 0 for all', async () => {
      const root = (await emu.admin.call('HostGroup.GroupIdGroups'))['PxgRetVal'] as number;
      const whole = (await emu.admin.call('HostGroup.GetSubgroups', { nGroupId: root, nDepth: 0 }))[
        'PxgRetVal'
      ] as Params[];
      const one = (await emu.admin.call('HostGroup.GetSubgroups', { nGroupId: root, nDepth: 1 }))[
        'PxgRetVal'
      ] as Params[];
      expect(one.map((g) => g['id'])).toEqual(whole.map((g) => g['id']));
      expect(one.every((g) => !('groups' in g))).toBe(true);
      expect(whole.some((g) => Array.isArray(g['groups']))).toBe(true);

      // Every group of the tree is a group FindGroups knows, with the same name and parent.
      const groups = await emu.admin.chunkAll(
        (
          await emu.admin.call('HostGroup.FindGroups', {
            wstrFilter: '',
            vecFieldsToReturn: ['id', 'name', 'parentId'],
            lMaxLifeTime: 60,
          })
        )['strAccessor'] as string,
      );
      const byId = new Map(groups.map((g) => [g['id'], g]));
      const walk = (items: Params[], parent: number): void => {
        for (const g of items) {
          expect(byId.get(g['id'])).toEqual({ id: g['id'], name: g['name'], parentId: parent });
          if (Array.isArray(g['groups'])) walk(g['groups'] as Params[], g['id'] as number);
        }
      };
      walk(whole, root);
    });

    it('reads an absent nGroupId as group 0 and answers null for a group without subgroups', async () => {
      const absent = await emu.admin.call('HostGroup.GetSubgroups', {});
      expect(Array.isArray(absent['PxgRetVal'])).toBe(true);
      const leafless = await emu.admin.call('HostGroup.GetSubgroups', { nGroupId: 4, nDepth: 0 });
      expect(leafless['PxgRetVal']).toBeNull();
      expect((await failure(emu.admin.call('HostGroup.GetSubgroups', { nGroupId: 999999 }))).pxgCode).toBe(
        1186,
      );
    });
  });

  describe('host incidents', () => {
    it('adds, finds, updates and deletes an incident with the attributes of the reference', async () => {
      const added = new Date('2026-03-01T10:00:00Z');
      const nId = (
        await emu.admin.call('HostGroup.AddIncident', {
          pData: {
            KLINCDT_SEVERITY: 2,
            KLINCDT_ADDED: added,
            KLINCDT_BODY: 'USB storage connected',
            KLINCDT_IS_HANDLED: false,
            KLHST_WKS_HOSTNAME: host,
          },
        })
      )['PxgRetVal'] as number;
      expect(nId).toBeGreaterThan(0);

      const find = async (filter: string, fields: string[]) =>
        emu.admin.chunkAll(
          (
            await emu.admin.call('HostGroup.FindIncidents', {
              strFilter: filter,
              pFieldsToReturn: fields,
              pFieldsToOrder: [{ Name: 'KLINCDT_ID', Asc: true }],
              lMaxLifeTime: 60,
            })
          )['strAccessor'] as string,
        );

      const [incident] = await find(`(KLINCDT_ID = ${nId})`, [
        'KLINCDT_ID',
        'KLINCDT_SEVERITY',
        'KLINCDT_ADDED',
        'KLINCDT_BODY',
        'KLINCDT_IS_HANDLED',
        'KLHST_WKS_HOSTNAME',
        'KLHST_WKS_DN',
        'KLHST_WKS_GROUPID',
      ]);
      expect(incident).toMatchObject({
        KLINCDT_ID: nId,
        KLINCDT_SEVERITY: 2,
        KLINCDT_BODY: 'USB storage connected',
        KLINCDT_IS_HANDLED: false,
        KLHST_WKS_HOSTNAME: host,
      });
      expect(incident?.['KLINCDT_ADDED']).toEqual(added);
      expect(typeof incident?.['KLHST_WKS_DN']).toBe('string');
      expect(typeof incident?.['KLHST_WKS_GROUPID']).toBe('number');

      await emu.admin.call('HostGroup.UpdateIncident', {
        nId,
        pData: { KLINCDT_IS_HANDLED: true, KLINCDT_BODY: 'handled', KLHST_WKS_HOSTNAME: host },
      });
      expect(await find('(KLINCDT_IS_HANDLED = 1)', ['KLINCDT_ID', 'KLINCDT_BODY'])).toEqual([
        { KLINCDT_ID: nId, KLINCDT_BODY: 'handled' },
      ]);
      expect(await find('(KLINCDT_BODY = "hand*")', ['KLINCDT_ID'])).toEqual([{ KLINCDT_ID: nId }]);

      // Incidents belong to their server: the virtual server neither sees nor deletes this one.
      const other = await branch.chunkAll(
        (await branch.call('HostGroup.FindIncidents', { pFieldsToReturn: ['KLINCDT_ID'] }))[
          'strAccessor'
        ] as string,
      );
      expect(other).toEqual([]);
      expect((await failure(branch.call('HostGroup.DeleteIncident', { nId }))).pxgCode).toBe(1186);

      await emu.admin.call('HostGroup.DeleteIncident', { nId });
      expect(await find(`(KLINCDT_ID = ${nId})`, ['KLINCDT_ID'])).toEqual([]);
      expect((await failure(emu.admin.call('HostGroup.UpdateIncident', { nId, pData: {} }))).pxgCode).toBe(
        1186,
      );
    });

    it('rejects an incident without its required attributes or on an unknown host', async () => {
      const base = { KLINCDT_SEVERITY: 1, KLINCDT_ADDED: new Date(), KLINCDT_BODY: 'x' };
      const missing = await failure(emu.admin.call('HostGroup.AddIncident', { pData: base }));
      expect(missing.pxgCode).toBe(1187);
      const unknown = await failure(
        emu.admin.call('HostGroup.AddIncident', { pData: { ...base, KLHST_WKS_HOSTNAME: 'no-such-host' } }),
      );
      expect(unknown.pxgCode).toBe(1186);
      const badFilter = await failure(emu.admin.call('HostGroup.FindIncidents', { strFilter: '(ol = 1)' }));
      expect(badFilter.pxgCode).toBe(1192);
    });
  });

  describe('ServerHierarchy', () => {
    it('lists the secondary servers of the world, all groups with -1 and by group', async () => {
      const all = (await emu.admin.call('ServerHierarchy.GetChildServers', { nGroupId: -1 }))[
        'PxgRetVal'
      ] as Params[];
      expect(all.map((s) => s['KLSRVH_SRV_DN'])).toEqual(['ksc-branch-east', 'ksc-dmz']);
      for (const server of all) {
        for (const name of [
          'KLSRVH_SRV_ADDR',
          'KLSRVH_SRV_DN',
          'KLSRVH_SRV_GROUPID',
          'KLSRVH_SRV_ID',
          'KLSRVH_SRV_INST_ID',
          'KLSRVH_SRV_STATUS',
          'KLSRVH_SRV_VERSION',
          'KLSRVH_SRV_LAST_CONNECTED',
          'KLSRVH_SRV_PASSIVE',
          'KLSRVH_SRV_MASTER_ADDR',
        ])
          expect(server).toHaveProperty(name);
      }
      const superGroup = (await emu.admin.call('HostGroup.GroupIdSuper'))['PxgRetVal'];
      expect(all.every((s) => s['KLSRVH_SRV_GROUPID'] === superGroup)).toBe(true);
      const inGroup = await emu.admin.call('ServerHierarchy.GetChildServers', {
        nGroupId: superGroup as number,
      });
      expect(inGroup['PxgRetVal']).toEqual(all);
      const managed = await emu.admin.call('ServerHierarchy.GetChildServers', {});
      expect(managed['PxgRetVal']).toEqual([]);
    });

    it('reads one secondary server, and 1186 for an unknown id', async () => {
      const info = await emu.admin.call('ServerHierarchy.GetServerInfo', {
        lServer: 2,
        pFields: ['KLSRVH_SRV_DN', 'KLSRVH_SRV_PASSIVE', 'KLSRVH_SRV_STATUS'],
      });
      expect(info['PxgRetVal']).toEqual({
        KLSRVH_SRV_DN: 'ksc-dmz',
        KLSRVH_SRV_PASSIVE: true,
        KLSRVH_SRV_STATUS: 0,
      });
      expect((await failure(emu.admin.call('ServerHierarchy.GetServerInfo', { lServer: 9 }))).pxgCode).toBe(
        1186,
      );
      // A virtual server has no secondaries.
      expect((await branch.call('ServerHierarchy.GetChildServers', { nGroupId: -1 }))['PxgRetVal']).toEqual(
        [],
      );
    });
  });

  describe('VServers', () => {
    it('lists the virtual servers and reads one', async () => {
      const list = (await emu.admin.call('VServers.GetVServers', { lParentGroup: -1 }))[
        'PxgRetVal'
      ] as Params[];
      expect(list.map((v) => v['KLVSRV_DN'])).toEqual(['vs-branch']);
      const lVServer = list[0]?.['KLVSRV_ID'] as number;
      const info = (await emu.admin.call('VServers.GetVServerInfo', { lVServer, pFields2Return: [] }))[
        'PxgRetVal'
      ] as Params;
      expect(info).toMatchObject({ KLVSRV_ID: lVServer, KLVSRV_DN: 'vs-branch', KLVSRV_ENABLED: true });
      // Its root group is the one the virtual server itself reports.
      expect(info['KLVSRV_GROUPS']).toBe((await branch.call('HostGroup.GroupIdGroups'))['PxgRetVal']);
      expect((await failure(emu.admin.call('VServers.GetVServerInfo', { lVServer: 77 }))).pxgCode).toBe(1186);
      expect((await branch.call('VServers.GetVServers', { lParentGroup: -1 }))['PxgRetVal']).toEqual([]);
    });
  });

  it('answers 1194 for the methods it does not emulate', async () => {
    // RegisterServer and creating virtual servers are emulated since docs/decisions/0068; VServers2 is not.
    expect((await failure(emu.admin.call('VServers2.GetVServerStatistic', { lVsId: 1 }))).pxgCode).toBe(1194);
  });
});
