import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlParams } from '../../../src/ksc/index.ts';
import { addToQuarantine } from '../../../src/emulator/ksc/lists/quarantine.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

const SYNC_SECONDS = 600;
const WRONG_ITEM = "Wrong identificator of the list's item.";

function view(
  caller: KscCaller,
  name: string,
  filter = '',
  fields: string[] = [],
  params: KlParams = {},
): Promise<Item[]> {
  return caller.viewAll(name, { filter, fields, order: [{ Name: 'nId', Asc: true }], params });
}

const ALL_FIELDS = [
  'nId',
  'strId',
  'ObjName',
  'strHostName',
  'nGroup',
  'szFileTitle',
  'szRestorePath',
  'szDescription',
  'QBObjSize',
  'QBStoreTime',
  'QBLastCheckBaseDate',
  'iObjStatus',
  'strListProductName',
  'strListProductVersion',
];

async function hostEvents(caller: KscCaller, hostId: string, type: string): Promise<Item[]> {
  const reply = await caller.call('EventProcessingFactory.CreateEventProcessing2', {
    pFilter: { KLEVP_RFC2254_FILTER: `(&(event_type = "${type}")(hostname = "${hostId}"))` },
    vecFieldsToReturn: [],
    vecFieldsToOrder: [{ Name: 'event_db_id', Asc: true }],
    lifetimeSec: 100,
  });
  const id = reply['strIteratorId'] as string;
  const range = await caller.call('EventProcessing.GetRecordRange', {
    strIteratorId: id,
    nStart: 0,
    nEnd: 500,
  });
  await caller.call('EventProcessing.ReleaseIterator', { strIteratorId: id });
  return (range['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Item[] }).KLEVP_EVENT_RANGE_ARRAY;
}

describe.each(BACKENDS)('KSC emulator Quarantine, Backup and TIF lists (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let branch: KscCaller;
  const advance = (seconds = SYNC_SECONDS + 1) =>
    emu.control('POST', '/__emulator/clock/advance', { seconds });

  beforeAll(async () => {
    emu = await startTestEmulator(backend, { agentSyncSeconds: SYNC_SECONDS });
    // Steps assert what has not happened before a sync: real time must not move the clock meanwhile.
    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    admin = await emu.session('admin');
    branch = await emu.session('admin', 'vs-branch');
    // What the Tasks part's KES "quarantine a file" task does at the host's sync.
    emu.ksc.state.agents.on('test.quarantine', async (work, agents) => {
      const { path, threat } = work.payload as { path: string; threat?: string };
      await addToQuarantine(
        agents,
        work.hostId ?? '',
        threat === undefined ? { path } : { path, threat },
        work.dueAt,
      );
    });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('seeds the Quarantine view from the event history, with the attributes of seed 001', async () => {
    const items = await view(admin, 'Quarantine', '', ALL_FIELDS);
    expect(items.length).toBeGreaterThan(0);
    const hosts = new Map(emu.ksc.world.hostsOf(0).map((h) => [h.id, h]));
    const quarantined = await emu.ksc.world.db
      .selectFrom('events')
      .select(['host_id', 'attrs'])
      .where('event_type', '=', 'GNRL_EV_OBJECT_QUARANTINED')
      .where('vserver_id', '=', 0)
      .execute();
    expect(items.length).toBe(quarantined.length);
    const objects = new Set(
      quarantined.map((e) => `${e.host_id}|${(JSON.parse(e.attrs) as Item)['GNRL_EA_PARAM_1'] as string}`),
    );
    for (const item of items) {
      const host = hosts.get(item['strHostName'] as string);
      expect(host).toBeDefined();
      expect(item['nGroup']).toBe(host?.groupId);
      expect(typeof item['nId']).toBe('number');
      expect(item['strId']).toBe(item['ObjName']);
      expect(item['QBStoreTime']).toBeInstanceOf(Date);
      expect([1, 2]).toContain(item['iObjStatus']);
      expect(['KES', 'KESL']).toContain(item['strListProductName']);
      expect(typeof item['szDescription']).toBe('string');
      const path = `${item['szRestorePath'] as string}${item['szFileTitle'] as string}`;
      expect(objects.has(`${item['strHostName'] as string}|${path}`)).toBe(true);
    }
  });

  it('fills Backup and TIF from disinfections, deletions and files that could not be disinfected', async () => {
    const count = async (types: string[]) =>
      (
        await emu.ksc.world.db
          .selectFrom('events')
          .select('id')
          .where('event_type', 'in', types)
          .where('vserver_id', '=', 0)
          .execute()
      ).length;
    const backup = await view(admin, 'Backup', '', ['nId', 'iObjStatus']);
    expect(backup.length).toBe(await count(['GNRL_EV_OBJECT_DELETED', 'GNRL_EV_OBJECT_CURED']));
    expect(backup.length).toBeGreaterThan(0);
    expect((await view(admin, 'TIF', '', ['nId'])).length).toBe(await count(['GNRL_EV_OBJECT_NOTCURED']));
  });

  it('confines each view to the caller’s virtual server and filters and projects', async () => {
    const main = await view(admin, 'Quarantine', '', ['nId', 'strHostName']);
    const other = await view(branch, 'Quarantine', '', ['nId', 'strHostName']);
    const branchHosts = new Set(
      emu.ksc.world.hostsOf(emu.ksc.world.vserverByName('vs-branch')?.id ?? -1).map((h) => h.id),
    );
    expect(other.every((i) => branchHosts.has(i['strHostName'] as string))).toBe(true);
    expect(other.length).toBeGreaterThan(0);
    const mainIds = new Set(main.map((i) => i['nId']));
    expect(other.some((i) => mainIds.has(i['nId']))).toBe(false);

    const host = main[0]?.['strHostName'] as string;
    const ofHost = await view(admin, 'Quarantine', `(strHostName = "${host}")`, ['nId', 'strHostName']);
    expect(ofHost.length).toBe(main.filter((i) => i['strHostName'] === host).length);
    expect(ofHost.every((i) => Object.keys(i).sort().join() === 'nId,strHostName')).toBe(true);

    const bad = await failure(view(admin, 'Quarantine', '(nosuch = 1)'));
    expect(bad.pxgMessage).toMatch(/^Pos \d+\. Unknown attribute 'nosuch'/);
  });

  it('needs the rights seed 001 lists for List Quarantine Files, and the Managed-devices scope for data', async () => {
    const analyst = await emu.session('analyst');
    const denied = await failure(view(analyst, 'Quarantine'));
    expect(denied.pxgCode).toBe(1184);
    expect(denied.pxgMessage).toBe('Access denied');
    expect((await failure(view(await emu.session('no-rights'), 'Backup'))).pxgCode).toBe(1184);
    expect(await view(await emu.session('responder'), 'Quarantine', '', ['nId'])).not.toHaveLength(0);
    expect(await view(await emu.session('server-only'), 'Quarantine', '', ['nId'])).toHaveLength(0);
  });

  it('returns an item with GetListItemInfo, and the KSC error for an id it does not know', async () => {
    const [first] = await view(admin, 'Quarantine', '', ['nId', 'strHostName', 'szFileTitle']);
    const info = await admin.call('QBTNetworkListApi.GetListItemInfo', { itemId: first?.['nId'] as number });
    const record = info['PxgRetVal'] as Item;
    expect(record['nId']).toBe(first?.['nId']);
    expect(record['strHostName']).toBe(first?.['strHostName']);
    expect(record['szFileTitle']).toBe(first?.['szFileTitle']);

    const unknown = await failure(admin.call('QBTNetworkListApi.GetListItemInfo', { itemId: 999_999 }));
    expect(unknown.pxgCode).toBe(1186);
    expect(unknown.pxgMessage).toBe(WRONG_ITEM);
    // Another virtual server's item is unknown here.
    const [foreign] = await view(branch, 'Quarantine', '', ['nId']);
    expect(foreign).toBeDefined();
    const hidden = await failure(
      admin.call('QBTNetworkListApi.GetListItemInfo', { itemId: foreign?.['nId'] as number }),
    );
    expect(hidden.pxgMessage).toBe(WRONG_ITEM);
  });

  it('rejects bad ids, unknown lists and actions before queuing anything', async () => {
    const items = await view(admin, 'Quarantine', '', ['nId', 'strHostName']);
    const id = items[0]?.['nId'] as number;
    const before = (await emu.control('GET', '/__emulator/agents/work')).body as { pending: unknown[] };
    const call = (method: string, args: Record<string, unknown>) =>
      failure(admin.call(`QBTNetworkListApi.${method}`, { pTaskParams: {}, ...args } as never));

    const wrong = await call('AddListItemTask', {
      listName: 'Quarantine',
      itemId: 999_999,
      taskName: 'RestoreObj',
    });
    expect(wrong.pxgMessage).toBe(WRONG_ITEM);
    // The item is in Quarantine, not in Backup.
    expect(
      (await call('AddListItemTask', { listName: 'Backup', itemId: id, taskName: 'RestoreObj' })).pxgMessage,
    ).toBe(WRONG_ITEM);
    expect(
      (
        await call('AddListItemsTask', {
          listName: 'Quarantine',
          pItemsIds: [id, 999_999],
          taskName: 'ScanQuarantine',
        })
      ).pxgMessage,
    ).toBe(WRONG_ITEM);
    expect(
      (await call('AddListItemTask', { listName: 'Nope', itemId: id, taskName: 'RestoreObj' })).pxgMessage,
    ).toBe('Bad parameter "listName"');
    expect(
      (await call('AddListItemTask', { listName: 'Quarantine', itemId: id, taskName: 'Cure' })).pxgMessage,
    ).toBe('Bad parameter "taskName"');
    // An empty list is nothing to do, as KSC reads empty lists (decision 0059): it succeeds and queues nothing.
    await admin.call('QBTNetworkListApi.AddListItemsTask', {
      pTaskParams: {},
      listName: 'Quarantine',
      pItemsIds: [],
      taskName: 'RestoreObj',
    } as never);

    const after = (await emu.control('GET', '/__emulator/agents/work')).body as { pending: unknown[] };
    expect(after.pending.length).toBe(before.pending.length);
  });

  it('checks the rights of each action (seed 001: scan needs Write, restore only Read)', async () => {
    const [item] = await view(admin, 'Quarantine', '', ['nId']);
    const args = { listName: 'Quarantine', itemId: item?.['nId'] as number, pTaskParams: {} };
    const reader = await emu.session('reader');
    const scan = await failure(
      reader.call('QBTNetworkListApi.AddListItemTask', { ...args, taskName: 'ScanQuarantine' }),
    );
    expect(scan.pxgCode).toBe(1184);
    const del = await failure(
      reader.call('QBTNetworkListApi.AddListItemTask', { ...args, taskName: 'DeleteObj' }),
    );
    expect(del.pxgCode).toBe(1184);
    const serverOnly = await emu.session('server-only');
    expect(
      (
        await failure(
          serverOnly.call('QBTNetworkListApi.AddListItemTask', { ...args, taskName: 'RestoreObj' }),
        )
      ).pxgCode,
    ).toBe(1184);
    expect(
      (
        await failure(
          (await emu.session('no-rights')).call('QBTNetworkListApi.GetListItemInfo', { itemId: args.itemId }),
        )
      ).pxgCode,
    ).toBe(1184);
    await reader.call('QBTNetworkListApi.AddListItemTask', { ...args, taskName: 'RestoreObj' });
    const pending = (await emu.control('GET', '/__emulator/agents/work')).body as {
      pending: Array<{ kind: string; payload: { itemId: number } }>;
    };
    expect(
      pending.pending.some((w) => w.kind === 'list.RestoreObj' && w.payload.itemId === args.itemId),
    ).toBe(true);
    await advance();
    await expect(admin.call('QBTNetworkListApi.GetListItemInfo', { itemId: args.itemId })).rejects.toThrow(
      WRONG_ITEM,
    );
  });

  it('quarantines a file at the host’s next sync, then restores it at the following one', async () => {
    const host = emu.ksc.world.hostsOf(0).find((h) => h.products.some((p) => p.name === 'KES'));
    expect(host).toBeDefined();
    const hostId = host?.id ?? '';
    const path = 'C:\\Users\\Public\\Downloads\\report_0412.exe';
    await emu.ksc.state.agents.atNextSync(hostId, 'test.quarantine', { path });
    const filter = `(&(strHostName = "${hostId}")(szFileTitle = "report_0412.exe"))`;
    expect(await view(admin, 'Quarantine', filter, ['nId'])).toHaveLength(0);

    await advance();
    const [item] = await view(admin, 'Quarantine', filter, ALL_FIELDS);
    expect(item).toBeDefined();
    expect(item?.['szRestorePath']).toBe('C:\\Users\\Public\\Downloads\\');
    expect(item?.['iObjStatus']).toBe(4);
    expect(item?.['strListProductName']).toBe('KES');
    expect(item?.['szDescription']).toBeUndefined();
    const quarantined = await hostEvents(admin, hostId, 'GNRL_EV_OBJECT_QUARANTINED');
    expect(quarantined.some((e) => e['GNRL_EA_PARAM_1'] === path && e['product_name'] === 'KES')).toBe(true);

    const id = item?.['nId'] as number;
    await admin.call('QBTNetworkListApi.AddListItemTask', {
      listName: 'Quarantine',
      itemId: id,
      taskName: 'RestoreObj',
      pTaskParams: {},
    });
    // Nothing happens before the host syncs.
    expect(await view(admin, 'Quarantine', filter, ['nId'])).toHaveLength(1);
    await advance();
    expect(await view(admin, 'Quarantine', filter, ['nId'])).toHaveLength(0);
    const restored = await hostEvents(admin, hostId, 'GNRL_EV_OBJECT_RESTORED');
    expect(restored.some((e) => e['GNRL_EA_PARAM_1'] === path)).toBe(true);

    // A new file gets a new id: ids are never reused.
    await emu.ksc.state.agents.atNextSync(hostId, 'test.quarantine', { path, threat: 'EICAR-Test-File' });
    await advance();
    const [again] = await view(admin, 'Quarantine', filter, ['nId', 'iObjStatus', 'szDescription']);
    expect(again?.['nId']).toBeGreaterThan(id);
    expect(again?.['iObjStatus']).toBe(1);
    expect(again?.['szDescription']).toBe('EICAR-Test-File');
  });

  it('rescans items at their hosts’ syncs: each is disinfected or not, with its event', async () => {
    const items = (await view(admin, 'Quarantine', '', ['nId', 'strHostName', 'iObjStatus'])).slice(0, 6);
    const ids = items.map((i) => i['nId'] as number);
    await admin.call('QBTNetworkListApi.AddListItemsTask', {
      listName: 'Quarantine',
      pItemsIds: ids,
      taskName: 'ScanQuarantine',
      pTaskParams: {},
    });
    const advanced = (await advance()).body as { now: string };
    const now = new Date(advanced.now).getTime();
    for (const before of items) {
      const info = (
        await admin.call('QBTNetworkListApi.GetListItemInfo', { itemId: before['nId'] as number })
      )['PxgRetVal'] as Item;
      const checked = (info['QBLastCheckBaseDate'] as Date).getTime();
      expect(checked).toBeGreaterThan(now - (SYNC_SECONDS + 2) * 1000);
      const cured = info['iObjStatus'] === 3;
      if (!cured) expect(info['iObjStatus']).toBe(before['iObjStatus']);
      const events = await hostEvents(
        admin,
        before['strHostName'] as string,
        cured ? 'GNRL_EV_OBJECT_CURED' : 'GNRL_EV_OBJECT_NOTCURED',
      );
      expect(
        events.some((e) => (e['rise_time'] as Date).getTime() === Math.floor(checked / 1000) * 1000),
      ).toBe(true);
    }
  });

  it('deletes a Backup copy at the host’s sync and records the deletion', async () => {
    const [item] = await view(admin, 'Backup', '', ['nId', 'strHostName', 'szFileTitle']);
    const id = item?.['nId'] as number;
    const hostId = item?.['strHostName'] as string;
    const before = (await hostEvents(admin, hostId, 'GNRL_EV_OBJECT_DELETED')).length;
    await admin.call('QBTNetworkListApi.AddListItemsTask', {
      listName: 'Backup',
      pItemsIds: [id],
      taskName: 'DeleteObj',
      pTaskParams: {},
    });
    await advance();
    expect((await view(admin, 'Backup', '', ['nId'])).some((i) => i['nId'] === id)).toBe(false);
    expect((await hostEvents(admin, hostId, 'GNRL_EV_OBJECT_DELETED')).length).toBe(before + 1);
  });

  it('seeds the lists again from the regenerated history after a reset', async () => {
    const ids = async (caller: KscCaller) => (await view(caller, 'Backup', '', ['nId'])).map((i) => i['nId']);
    const historyCount = async () =>
      (
        await emu.ksc.world.db
          .selectFrom('events')
          .select('id')
          .where('event_type', 'in', ['GNRL_EV_OBJECT_DELETED', 'GNRL_EV_OBJECT_CURED'])
          .where('vserver_id', '=', 0)
          .execute()
      ).length;
    const before = await ids(admin);
    await admin.call('QBTNetworkListApi.AddListItemTask', {
      listName: 'Backup',
      itemId: before[0] as number,
      taskName: 'RestoreObj',
      pTaskParams: {},
    });
    await advance();
    const changed = await ids(admin);
    expect(changed).toHaveLength(before.length - 1);
    expect(changed.length).toBeLessThan(await historyCount());

    await emu.control('POST', '/__emulator/reset');
    const fresh = await emu.session('admin');
    const after = await ids(fresh);
    expect(after).toHaveLength(await historyCount());
    // Ids start again from 1 in a new world: item 1 belongs to one of the two servers.
    const branchSession = await emu.session('admin', 'vs-branch');
    const owners = await Promise.all(
      [fresh, branchSession].map((caller) =>
        caller.call('QBTNetworkListApi.GetListItemInfo', { itemId: 1 }).then(
          (reply) => (reply['PxgRetVal'] as Item)['nId'],
          () => undefined,
        ),
      ),
    );
    expect(owners.filter((id) => id === 1)).toHaveLength(1);
  });
});
