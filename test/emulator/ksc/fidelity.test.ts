import { describe, expect, it } from 'vitest';
import { decodeParams } from '../../../src/ksc/codec.ts';
import { KscClient } from '../../../src/ksc/client/index.ts';
import { KscError } from '../../../src/ksc/pxg-error.ts';
import { setCondition } from '../../../src/emulator/ksc/status/store.ts';
import { parseWireJson } from '../../../src/wire/json.ts';
import { BACKENDS, TEST_PASSWORD, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;
type Chunk = { KLCSP_ITERATOR_ARRAY: Params[] };

/** Issue 21, part A: what the emulator answered differently from KSC (docs/decisions/0059). */
describe.each(BACKENDS)('KSC emulator fidelity (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  describe('PxgError', () => {
    const fields = ['code', 'subcode', 'module', 'file', 'line', 'message', 'locdata'];

    it('carries every field of spec §2.3, the same for the same error', async () => {
      const first = await emu.admin.raw('HostGroup.NoSuchMethod', {});
      const second = await emu.admin.raw('HostGroup.NoSuchMethod', {});
      const error = (first.json as { PxgError: Params }).PxgError;
      expect(Object.keys(error)).toEqual(fields);
      expect(error).toMatchObject({ code: 1194, subcode: 0, module: 'KLCONN' });
      expect(typeof error['file']).toBe('string');
      expect(error['line']).toBeGreaterThan(0);
      expect(error['locdata']).toMatchObject({
        type: 'params',
        value: { 'format-id': 1194, locmodule: 'KLCONN' },
      });
      expect(second.json).toEqual(first.json);
      // A message without arguments has locdata too: its format is the message.
      const denied = await emu.admin.raw('HostGroup.FindHosts', { wstrFilter: '(ol = 1)' });
      const syntax = (denied.json as { PxgError: Params }).PxgError;
      expect(Object.keys(syntax)).toEqual(fields);
      expect((syntax['locdata'] as { value: Params }).value).toMatchObject({
        format: syntax['message'],
        args: [],
      });
    });

    it('is read by the client with file, line and subcode', async () => {
      const ksc = new KscClient({ url: emu.url, credentials: { user: 'admin', password: TEST_PASSWORD } });
      try {
        const error = await ksc.call<unknown>('HostGroup.GetHostInfo', { strHostName: 'no-such-host' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(KscError);
        const pxg = (error as KscError).pxg;
        expect(pxg.subcode).toBe(0);
        expect(typeof pxg.file).toBe('string');
        expect(typeof pxg.line).toBe('number');
        expect(pxg.locdata?.locmodule).toBe(pxg.module);
      } finally {
        await ksc.close();
      }
    });
  });

  describe('arguments KSC treats as optional', () => {
    async function hostsAccessor(): Promise<string> {
      const found = await emu.admin.call('HostGroup.FindHosts', {
        wstrFilter: '',
        vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
        vecFieldsToOrder: [{ Name: 'KLHST_WKS_HOSTNAME', Asc: true }],
        lMaxLifeTime: 60,
      });
      return found['strAccessor'] as string;
    }

    it('ChunkAccessor.GetItemsChunk without nStart pages from 0', async () => {
      const strAccessor = await hostsAccessor();
      const withZero = await emu.admin.call('ChunkAccessor.GetItemsChunk', {
        strAccessor,
        nStart: 0,
        nCount: 5,
      });
      const without = await emu.admin.call('ChunkAccessor.GetItemsChunk', { strAccessor, nCount: 5 });
      expect((without['pChunk'] as Chunk).KLCSP_ITERATOR_ARRAY).toHaveLength(5);
      expect(without).toEqual(withZero);
      // Absent nCount is 0 too: an empty page, not an error.
      const none = await emu.admin.call('ChunkAccessor.GetItemsChunk', { strAccessor });
      expect(none['PxgRetVal']).toBe(0);
    });

    it('SrvView.GetRecordRange without nStart reads from 0', async () => {
      const reset = await emu.admin.call('SrvView.ResetIterator', {
        wstrViewName: 'GlobalUsersListSrvViewName',
        vecFieldsToReturn: ['ul_wstrDisplayName'],
        vecFieldsToOrder: [{ Name: 'ul_wstrDisplayName', Asc: true }],
        lifetimeSec: 60,
      });
      const wstrIteratorId = reset['wstrIteratorId'] as string;
      const withZero = await emu.admin.call('SrvView.GetRecordRange', { wstrIteratorId, nStart: 0, nEnd: 3 });
      const without = await emu.admin.call('SrvView.GetRecordRange', { wstrIteratorId, nEnd: 3 });
      expect((without['pRecords'] as Chunk).KLCSP_ITERATOR_ARRAY.length).toBeGreaterThan(0);
      expect(without).toEqual(withZero);
    });

    it('HostGroup.GetGroupInfoEx without nGroupId reads group 0, the root', async () => {
      const info = await emu.admin.call('HostGroup.GetGroupInfoEx', { pArrAttributes: ['id', 'name'] });
      expect((info['PxgRetVal'] as Params)['id']).toBe(0);
      const root = await emu.admin.call('HostGroup.GroupIdGroups', {});
      expect(root['PxgRetVal']).toBe(0);
    });

    it('HostGroup.MoveHostsToGroup with no hosts does nothing', async () => {
      const before = emu.ksc.world.hostsOf(0).map((h) => [h.id, h.groupId]);
      expect(await emu.admin.call('HostGroup.MoveHostsToGroup', { nGroup: 0, pHostNames: [] })).toEqual({});
      expect(await emu.admin.call('HostGroup.MoveHostsToGroup', { nGroup: 0 })).toEqual({});
      expect(emu.ksc.world.hostsOf(0).map((h) => [h.id, h.groupId])).toEqual(before);
    });

    it('keeps 1187 for arguments that are really required', async () => {
      const chunk = await failure(emu.admin.call('ChunkAccessor.GetItemsChunk', { nStart: 0, nCount: 1 }));
      expect(chunk.pxgCode).toBe(1187);
      expect(chunk.pxgMessage).toBe('Bad parameter "strAccessor"');
      const move = await failure(emu.admin.call('HostGroup.MoveHostsToGroup', { pHostNames: ['x'] }));
      expect(move.pxgMessage).toBe('Bad parameter "nGroup"');
    });
  });

  describe('quoted ISO datetimes in search filters', () => {
    async function groupIds(filter: string): Promise<number[]> {
      const found = await emu.admin.call('HostGroup.FindGroups', {
        wstrFilter: filter,
        vecFieldsToReturn: ['id'],
        vecFieldsToOrder: [{ Name: 'id', Asc: true }],
        lMaxLifeTime: 60,
      });
      return (await emu.admin.chunkAll(found['strAccessor'] as string)).map((g) => g['id'] as number);
    }
    async function hostIds(filter: string): Promise<string[]> {
      const found = await emu.admin.call('HostGroup.FindHosts', {
        wstrFilter: filter,
        vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
        vecFieldsToOrder: [{ Name: 'KLHST_WKS_HOSTNAME', Asc: true }],
        lMaxLifeTime: 60,
      });
      return (await emu.admin.chunkAll(found['strAccessor'] as string)).map(
        (h) => h['KLHST_WKS_HOSTNAME'] as string,
      );
    }

    it('compares a quoted date with a datetime attribute as a date', async () => {
      const all = await groupIds('');
      expect(await groupIds('(creationDate >= "2000-01-01")')).toEqual(all);
      expect(await groupIds('(creationDate < "2000-01-01")')).toEqual([]);
      const groups = emu.ksc.world.groupsOf(0);
      const times = groups.map((g) => (g.attributes['creationDate'] as Date).getTime()).sort((a, b) => a - b);
      const middle = new Date(times[Math.floor(times.length / 2)]!).toISOString().slice(0, 10);
      expect(await groupIds(`(creationDate >= "${middle}")`)).toEqual(
        await groupIds(`(creationDate >= T"${middle} 00:00:00")`),
      );
    });

    it('compares a quoted ISO date-time as T"…" does', async () => {
      const visible = emu.ksc.world
        .hostsOf(0)
        .map((h) => h.attributes['KLHST_WKS_LAST_VISIBLE'])
        .filter((v): v is Date => v instanceof Date)
        .map((d) => d.getTime())
        .sort((a, b) => a - b);
      const at = new Date(visible[Math.floor(visible.length / 2)]!);
      const iso = `${at.toISOString().slice(0, 19)}Z`;
      const quoted = await hostIds(`(KLHST_WKS_LAST_VISIBLE < "${iso}")`);
      expect(quoted.length).toBeGreaterThan(0);
      expect(quoted).toEqual(
        await hostIds(`(KLHST_WKS_LAST_VISIBLE < T"${iso.slice(0, 10)} ${iso.slice(11, 19)}")`),
      );
    });
  });

  it('HostGroup.GetStaticInfo reports KLADMSRV_EV_EV_SIZE as the average event size in KB, a double', async () => {
    const raw = await emu.admin.raw('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_EV_EV_SIZE'] });
    const value = (raw.json as { PxgRetVal: Params }).PxgRetVal['KLADMSRV_EV_EV_SIZE'] as Params;
    expect(value['type']).toBe('double');
    expect(value['value']).toBeGreaterThan(0.1);
    expect(value['value']).toBeLessThan(16);
  });

  it('names task state events after the state reached ("Completed successfully", seed 001)', async () => {
    const rows = await emu.ksc.world.db
      .selectFrom('events')
      .select('attrs')
      .where('event_type', '=', 'KLPRCI_TaskState')
      .limit(200)
      .execute();
    const names = new Map<number, Set<string>>();
    for (const row of rows) {
      const attrs = decodeParams(parseWireJson(row.attrs));
      const state = attrs['task_new_state'] as number;
      (names.get(state) ?? names.set(state, new Set()).get(state)!).add(
        attrs['event_type_display_name'] as string,
      );
    }
    expect([...(names.get(4) ?? [])]).toEqual(['Completed successfully']);
    if (names.has(3)) expect([...names.get(3)!]).toEqual(['Failed']);
    if (names.has(1)) expect([...names.get(1)!]).toEqual(['Running']);
  });

  it('resets only general-status bits 1, 2 and 8 (seed 000); 4 and 128 stay', async () => {
    const status = async (): Promise<number> => {
      const request = await emu.admin.call('ReportManager.RequestStatisticsData', {
        pRequestParams: { KLSTS_Events: {} },
      });
      const data = await emu.admin.call('ReportManager.GetStatisticsData', {
        strRequestId: request['strRequestId'] as string,
      });
      return ((data['pResultData'] as Params)['KLSTS_Events'] as Params)[
        'KLSTS_Par_StatusReasonMask'
      ] as number;
    };
    await setCondition(emu.ksc.world, 0, 'KLSTS_Events', 4, { KLSTS_Par_Ev_UserRequestsCnt: 2 });
    await setCondition(emu.ksc.world, 0, 'KLSTS_Events', 128, {});
    expect((await status()) & (4 | 128)).toBe(4 | 128);
    await emu.admin.call('ReportManager.ResetStatisticsData', {
      pRequestParams: { KLSTS_Events: { KLSTS_Par_StatusReasonMask: 1 | 4 | 8 | 128 } },
    } as never);
    const after = await status();
    expect(after & (4 | 128)).toBe(4 | 128);
    expect(after & (1 | 8)).toBe(0);
  });
});
