import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KscWorld } from '../../../src/emulator/ksc/world.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

const LICENSE_EXPIRED_BIT = 1 << 9;
const SYNC_SECONDS = 30;

function has(host: HostRecord, product: string): boolean {
  return host.products.some((p) => p.name === product);
}

function mask(host: HostRecord): number {
  return Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0);
}

/** Hosts of the main server for the scenarios: distinct, so runs in one test do not disturb another. */
function pickHosts(world: KscWorld) {
  const hosts = world.hostsOf(0).filter((h) => has(h, '1103'));
  const licensed = hosts.filter((h) => has(h, 'KES') && (mask(h) & LICENSE_EXPIRED_BIT) === 0);
  const expired = hosts.find((h) => has(h, 'KES') && (mask(h) & LICENSE_EXPIRED_BIT) !== 0);
  const withoutKes = hosts.find((h) => !has(h, 'KES'));
  if (licensed.length < 18 || expired === undefined || withoutKes === undefined)
    throw new Error('test world lacks the hosts the scenarios need');
  return { licensed, expired, withoutKes };
}

async function allTasks(caller: KscCaller, args: Record<string, unknown>): Promise<Item[]> {
  const reset = await caller.call('Tasks.ResetTasksIterator', args as never);
  const id = reset['strTaskIteratorId'] as string;
  const out: Item[] = [];
  for (;;) {
    const next = await caller.call('Tasks.GetNextTask', { strTaskIteratorId: id });
    const data = next['pTaskData'] as Item;
    if (Object.keys(data).length === 0) break;
    out.push(data);
  }
  await caller.call('Tasks.ReleaseTasksIterator', { strTaskIteratorId: id });
  return out;
}

async function history(
  caller: KscCaller,
  strTask: string,
  filter: Record<string, unknown> = {},
  strHostName = '',
): Promise<Item[]> {
  const reply = await caller.call('Tasks.GetTaskHistory', {
    strTask,
    pFields2Return: [],
    pSortFields: [{ Name: 'event_db_id', Asc: true }],
    strHostName,
    pFilter: filter as never,
  });
  const id = reply['strIteratorId'] as string;
  const count = (await caller.call('EventProcessing.GetRecordCount', { strIteratorId: id }))[
    'PxgRetVal'
  ] as number;
  const range = await caller.call('EventProcessing.GetRecordRange', {
    strIteratorId: id,
    nStart: 0,
    nEnd: count,
  });
  await caller.call('EventProcessing.ReleaseIterator', { strIteratorId: id });
  return (range['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Item[] }).KLEVP_EVENT_RANGE_ARRAY;
}

async function statistics(caller: KscCaller, strTask: string): Promise<Item> {
  return (await caller.call('Tasks.GetTaskStatistics', { strTask }))['PxgRetVal'] as Item;
}

async function scanTaskFor(caller: KscCaller, hosts: readonly HostRecord[], name: string): Promise<string> {
  const reply = await caller.call('Tasks.AddTask', {
    pData: {
      TASK_NAME: 'ods',
      TASKID_PRODUCT_NAME: 'KES',
      TASKID_VERSION: '11.0.0.0',
      TASKSCH_TYPE: 0,
      TASK_INFO_PARAMS: {
        DisplayName: name,
        HostList: hosts.map((h) => ({ HostName: h.id, HostDispName: String(h.attributes['KLHST_WKS_DN']) })),
      },
    },
  });
  return reply['PxgRetVal'] as string;
}

describe.each(BACKENDS)('KSC emulator tasks (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let hosts: ReturnType<typeof pickHosts>;
  const advance = (seconds: number) => emu.control('POST', '/__emulator/clock/advance', { seconds });

  beforeAll(async () => {
    emu = await startTestEmulator(backend, { agentSyncSeconds: SYNC_SECONDS });
    // Steps assert what has not happened before a sync: real time must not move the clock meanwhile.
    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    admin = await emu.session('admin');
    hosts = pickHosts(emu.ksc.world);
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('seeds the quick-start tasks on Managed devices and iterates them as KlAkOAPI does', async () => {
    const tasks = await allTasks(admin, {
      nGroupId: 0,
      bGroupIdSignificant: true,
      strProductName: null,
      strVersion: null,
      strComponentName: null,
      strInstanceId: null,
      strTaskName: null,
      bIncludeSupergroups: true,
    });
    const names = tasks.map((t) => `${String(t['TASKID_PRODUCT_NAME'])}/${String(t['TASK_NAME'])}`);
    expect(names).toEqual([
      '1103/KLNAG_TASK_VAPM_SEARCH',
      'KES/Updater',
      'KES/ods',
      'KESL/Update',
      'KESL/Scan_My_Computer',
    ]);
    expect(tasks.map((t) => t['TASK_UNIQUE_ID'])).toEqual(['101', '102', '103', '104', '105']);
    expect((tasks[2]!['TASK_INFO_PARAMS'] as Item)['DisplayName']).toBe('Virus scan');
    const kesOnly = await allTasks(admin, { nGroupId: 0, bGroupIdSignificant: false, strProductName: 'KES' });
    expect(kesOnly.map((t) => t['TASK_UNIQUE_ID'])).toEqual(['102', '103']);
  });

  it('answers GetTask and GetTaskData in the shape of seed 001, and rejects bad ids', async () => {
    const data = (await admin.call('Tasks.GetTaskData', { strTask: '103' }))['PxgRetVal'] as Item;
    expect(data).toMatchObject({
      TASK_NAME: 'ods',
      TASKID_PRODUCT_NAME: 'KES',
      TASKID_VERSION: '11.0.0.0',
      TASK_UNIQUE_ID: '103',
      EVENT_TYPE: 'PRTS_EVENT_NONE',
      TASK_PRIORITY: 1,
    });
    expect(data['TASKSCH_FIRST_EXECUTION_TIME']).toBeInstanceOf(Date);
    const task = (await admin.call('Tasks.GetTask', { strTask: '103' }))['PxgRetVal'] as Item;
    expect(task['DisplayName']).toBe('Virus scan');
    expect(task['PRTS_TASK_CREATION_DATE']).toBeInstanceOf(Date);

    const bad = await failure(admin.call('Tasks.GetTaskData', { strTask: 'abc' }));
    expect(bad.pxgMessage).toBe('Bad parameter "strTask"');
    const missing = await failure(admin.call('Tasks.GetTaskStatistics', { strTask: '1111' }));
    expect(missing.pxgMessage).toBe('Task #1111 was not found');
    // Another virtual server's task is as unknown as a missing one.
    const branch = await emu.session('admin', 'vs-branch');
    const own = await allTasks(branch, { bGroupIdSignificant: false });
    expect(own.map((t) => t['TASK_UNIQUE_ID'])).toEqual(['106', '107', '108', '109', '110']);
    expect((await failure(branch.call('Tasks.GetTask', { strTask: '103' }))).pxgMessage).toBe(
      'Task #103 was not found',
    );
  });

  it('lists the group and specific-device tasks of a host, by id or by display name', async () => {
    const host = hosts.licensed[0]!;
    const byId = (await admin.call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: host.id }))[
      'PxgRetVal'
    ] as string[];
    expect(byId).toEqual(expect.arrayContaining(['101', '102', '103']));
    expect(byId).not.toContain('105');
    const byName = await admin.call('Tasks.GetAllTasksOfHost', {
      strDomainName: '',
      strHostName: String(host.attributes['KLHST_WKS_DN']),
    });
    expect(byName['PxgRetVal']).toEqual(byId);
    const unknown = await failure(
      admin.call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: 'NO-SUCH' }),
    );
    expect(unknown.pxgMessage).toBe('Bad parameter "strHostName"');
  });

  it('gives statistics keyed by host-state bits that agree with the host-status iterator', async () => {
    const stats = await statistics(admin, '103');
    const keys = ['1', '2', '4', '8', '16', '32', '64', 'GNRL_COMPLETED_PERCENT', 'KLTSK_NEED_RBT_CNT'];
    expect(Object.keys(stats).sort()).toEqual([...keys].sort());
    // The task is on "Managed devices": KES hosts under "Unassigned devices" do not get it.
    const managed = emu.ksc.world.subtree(0);
    const kesHosts = emu.ksc.world.hostsOf(0).filter((h) => has(h, 'KES') && managed.has(h.groupId)).length;
    const total = ['1', '2', '4', '8', '16', '32', '64'].reduce((sum, k) => sum + (stats[k] as number), 0);
    expect(total).toBe(kesHosts);
    expect(stats['4']).toBeGreaterThan(0);

    const reset = await admin.call('Tasks.ResetHostIteratorForTaskStatus', {
      strTask: '103',
      pFields2Return: ['hostname', 'hostdn', 'state_code', 'finish_time'],
      nHostStateMask: 0x04,
      nLifetime: 100,
    });
    const it = reset['strHostIteratorId'] as string;
    const count = await admin.call('Tasks.GetHostStatusRecordsCount', { strHostIteratorId: it });
    expect(count['PxgRetVal']).toBe(stats['4']);
    const first = await admin.call('Tasks.GetNextHostStatus', { strHostIteratorId: it, nCount: 5 });
    expect(first['PxgRetVal']).toBe(true);
    expect(first['nActual']).toBe(5);
    const records = (first['pHostStatus'] as { statuses: Item[] }).statuses;
    expect(records.every((r) => r['state_code'] === 4 && r['finish_time'] instanceof Date)).toBe(true);
    const range = await admin.call('Tasks.GetHostStatusRecordRange', {
      strHostIteratorId: it,
      nStart: 0,
      nEnd: 5,
    });
    expect((range['pParHostStatus'] as { statuses: Item[] }).statuses).toEqual(records);
    await admin.call('Tasks.ReleaseHostStatusIterator', { strHostIteratorId: it });
    const gone = await failure(admin.call('Tasks.GetHostStatusRecordsCount', { strHostIteratorId: it }));
    expect(gone.pxgCode).toBe(1186);
  });

  it('includes the past events of a seeded task in its history', async () => {
    const events = await history(admin, '103');
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e['task_display_name'] === 'Virus scan' && e['product_name'] === 'KES')).toBe(
      true,
    );
    // A task created through the API has no past.
    const fresh = await scanTaskFor(admin, [hosts.licensed[0]!], 'Virus scan');
    expect(await history(admin, fresh)).toEqual([]);
    await admin.call('Tasks.DeleteTask', { strTask: fresh });
  });

  it('runs a scan at the next sync, records its events and updates the host', async () => {
    const host = hosts.licensed[1]!;
    const before = emu.ksc.world.hosts.get(host.id)!.attributes['KLHST_WKS_LAST_FULLSCAN'];
    const id = await scanTaskFor(admin, [host], 'Virus Scan_postman1');
    await admin.call('Tasks.RunTask', { strTask: id });
    // Nothing reached the host yet: the task is not distributed.
    expect((await statistics(admin, id))['1']).toBe(1);

    await advance(SYNC_SECONDS + 1);
    const running = await statistics(admin, id);
    expect(running['2']).toBe(1);
    const started = await history(admin, id);
    expect(started.map((e) => e['event_type'])).toEqual(['KLEVP_GroupTaskSyncState', 'KLPRCI_TaskState']);
    expect(started[0]).toMatchObject({ task_new_state: 32, event_type_display_name: 'Scheduled' });
    expect(started[1]).toMatchObject({ task_new_state: 1, task_id: Number(id), hostname: host.id });

    await advance(15 * 60);
    const done = await statistics(admin, id);
    expect(done['4'] as number).toBe(1);
    expect(done['GNRL_COMPLETED_PERCENT']).toBe(100);
    const events = await history(admin, id);
    const types = events.map((e) => e['event_type']);
    expect(types).toContain('KLBL_EV_FSCAN_COMPLETED');
    // KlAkOAPI's sample: newest KLPRCI_TaskState first, 4 = completed.
    const reply = await admin.call('Tasks.GetTaskHistory', {
      strTask: id,
      pFields2Return: ['event_type', 'task_new_state', 'event_id', 'rise_time'],
      pSortFields: [{ Name: 'rise_time', Asc: false }],
      strHostName: '',
      pFilter: { event_type: 'KLPRCI_TaskState' },
    });
    const iterator = reply['strIteratorId'] as string;
    const range = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: 0,
      nEnd: 10,
    });
    const states = (range['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Item[] }).KLEVP_EVENT_RANGE_ARRAY;
    expect(states[0]).toMatchObject({ event_type: 'KLPRCI_TaskState', task_new_state: 4 });
    expect(Object.keys(states[0]!).sort()).toEqual(['event_id', 'event_type', 'rise_time', 'task_new_state']);

    const info = await admin.call('HostGroup.GetHostInfo', {
      strHostName: host.id,
      pFields2Return: ['KLHST_WKS_LAST_FULLSCAN'],
    });
    const scanned = (info['PxgRetVal'] as Item)['KLHST_WKS_LAST_FULLSCAN'] as Date;
    expect(scanned).toBeInstanceOf(Date);
    const completed = events.find((e) => e['event_type'] === 'KLBL_EV_FSCAN_COMPLETED')!;
    expect(scanned.getTime()).toBe((completed['rise_time'] as Date).getTime());
    if (before instanceof Date) expect(scanned.getTime()).toBeGreaterThan(before.getTime());
  });

  it('detects threats on some hosts, counts them and moves them to quarantine', async () => {
    const targets = hosts.licensed.slice(6, 18);
    const counts = new Map(
      targets.map((h) => [h.id, BigInt(String(h.attributes['KLHST_WKS_VIRUS_COUNT'] ?? 0))]),
    );
    const id = await scanTaskFor(admin, targets, 'Scan many');
    await admin.call('Tasks.RunTask', { strTask: id });
    await advance(SYNC_SECONDS + 15 * 60);
    expect((await statistics(admin, id))['4']).toBe(targets.length);
    const found = await history(admin, id, { event_type: 'GNRL_EV_VIRUS_FOUND' });
    expect(found.length).toBeGreaterThan(0);
    for (const host of targets) {
      const detection = found.find((e) => e['hostname'] === host.id);
      const now = emu.ksc.world.hosts.get(host.id)!.attributes['KLHST_WKS_VIRUS_COUNT'];
      expect(now).toBe(counts.get(host.id)! + (detection === undefined ? 0n : 1n));
    }
    const first = found[0]!;
    const view = await admin.call('SrvView.ResetIterator', {
      wstrViewName: 'Quarantine',
      wstrFilter: `(strHostName = "${String(first['hostname'])}")`,
      vecFieldsToReturn: ['szFileTitle', 'szRestorePath'],
      vecFieldsToOrder: [],
      pParams: {},
      lifetimeSec: 100,
    });
    const records = await admin.call('SrvView.GetRecordRange', {
      wstrIteratorId: view['wstrIteratorId'] as string,
      nStart: 0,
      nEnd: 100,
    });
    const items = (records['pRecords'] as { KLCSP_ITERATOR_ARRAY: Item[] }).KLCSP_ITERATOR_ARRAY;
    const paths = items.map((i) => `${String(i['szRestorePath'])}${String(i['szFileTitle'])}`);
    expect(paths).toContain(first['GNRL_EA_PARAM_1']);
  });

  it('fails a scan without a license or without KES with the event seed 001 shows', async () => {
    const id = await scanTaskFor(admin, [hosts.expired, hosts.withoutKes], 'Virus Scan');
    await admin.call('Tasks.RunTask', { strTask: id });
    await advance(SYNC_SECONDS + 1);
    const stats = await statistics(admin, id);
    expect(stats['16']).toBe(2);
    const failed = (await history(admin, id, { event_type: '000000d4' })).map((e) => e);
    expect(failed).toHaveLength(2);
    const licence = failed.find((e) => e['hostname'] === hosts.expired.id)!;
    expect(licence).toMatchObject({
      event_type_display_name: 'Task cannot be performed',
      GNRL_EA_SEVERITY: 3,
      task_display_name: 'Virus Scan',
    });
    expect(String(licence['GNRL_EA_DESCRIPTION'])).toContain('Result description: Task cannot be started');
    expect(String(licence['GNRL_EA_DESCRIPTION'])).toContain('Error: Component not supported by license');
    const forHost = await history(admin, id, { event_type: 'KLPRCI_TaskState' }, hosts.withoutKes.id);
    expect(forHost).toHaveLength(1);
    expect(forHost[0]).toMatchObject({ task_new_state: 3, hostname: hosts.withoutKes.id });
  });

  it('suspends, resumes and cancels a running task', async () => {
    const host = hosts.licensed[2]!;
    const id = await scanTaskFor(admin, [host], 'Scan to pause');
    await admin.call('Tasks.RunTask', { strTask: id });
    await advance(SYNC_SECONDS + 1);
    expect((await statistics(admin, id))['2']).toBe(1);
    await admin.call('Tasks.SuspendTask', { strTask: id });
    expect((await statistics(admin, id))['64']).toBe(1);
    // Paused: the run does not finish however long it waits.
    await advance(20 * 60);
    expect((await statistics(admin, id))['64']).toBe(1);
    await admin.call('Tasks.ResumeTask', { strTask: id });
    expect((await statistics(admin, id))['2']).toBe(1);
    await admin.call('Tasks.CancelTask', { strTask: id });
    const stats = await statistics(admin, id);
    expect(stats['16']).toBe(1);
    const pending = (await emu.control('GET', '/__emulator/agents/work')).body as unknown;
    expect(JSON.stringify(pending)).not.toContain(`"taskId":${id}`);
    const states = (await history(admin, id, { event_type: 'KLPRCI_TaskState' })).map(
      (e) => e['task_new_state'],
    );
    expect(states).toEqual([1, 2, 1, 3]);
  });

  it('marks hosts pending after UpdateTask, records "Modified", and deletes tasks', async () => {
    const host = hosts.licensed[3]!;
    const id = await scanTaskFor(admin, [host], 'Scan to change');
    await advance(SYNC_SECONDS + 1);
    expect((await statistics(admin, id))['32']).toBe(1);
    await admin.call('Tasks.UpdateTask', {
      strTask: id,
      pData: { TASK_INFO_PARAMS: { DisplayName: 'Scan changed' } },
    });
    expect((await statistics(admin, id))['1']).toBe(1);
    const task = (await admin.call('Tasks.GetTask', { strTask: id }))['PxgRetVal'] as Item;
    expect(task['DisplayName']).toBe('Scan changed');
    const sync = await history(admin, id, { event_type: 'KLEVP_GroupTaskSyncState' });
    expect(sync.map((e) => e['task_new_state'])).toEqual([32, 1]);

    const other = hosts.licensed[4]!;
    await admin.call('Tasks.AddHostToTask', { strTask: id, strHostName: other.id });
    const of = (await admin.call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: other.id }))[
      'PxgRetVal'
    ] as string[];
    expect(of).toContain(id);

    await admin.call('Tasks.DeleteTask', { strTask: id });
    expect((await failure(admin.call('Tasks.GetTask', { strTask: id }))).pxgMessage).toBe(
      `Task #${id} was not found`,
    );
    // Ids of deleted tasks are not reused.
    const next = await scanTaskFor(admin, [host], 'After delete');
    expect(Number(next)).toBeGreaterThan(Number(id));
  });

  it('moves a file to quarantine with the quarantine task, at the next sync', async () => {
    const host = hosts.licensed[5]!;
    const path = 'C:\\Users\\Public\\Downloads\\invoice_2024.exe';
    const reply = await admin.call('Tasks.AddTask', {
      pData: {
        TASK_NAME: 'QuarantineFile',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASK_ADDITIONAL_PARAMS: { FilePaths: [path] },
        TASK_INFO_PARAMS: { DisplayName: 'Quarantine a file', HostList: [{ HostName: host.id }] },
      },
    });
    const id = reply['PxgRetVal'] as string;
    await admin.call('Tasks.RunTask', { strTask: id });
    await advance(SYNC_SECONDS + 60);
    const stats = await statistics(admin, id);
    expect(stats['4']).toBe(1);
    const view = await admin.call('SrvView.ResetIterator', {
      wstrViewName: 'Quarantine',
      wstrFilter: `(strHostName = "${host.id}")`,
      vecFieldsToReturn: ['nId', 'szFileTitle', 'szRestorePath'],
      vecFieldsToOrder: [],
      pParams: {},
      lifetimeSec: 100,
    });
    const records = await admin.call('SrvView.GetRecordRange', {
      wstrIteratorId: view['wstrIteratorId'] as string,
      nStart: 0,
      nEnd: 100,
    });
    const items = (records['pRecords'] as { KLCSP_ITERATOR_ARRAY: Item[] }).KLCSP_ITERATOR_ARRAY;
    expect(items.some((i) => i['szFileTitle'] === 'invoice_2024.exe')).toBe(true);

    const noPaths = await failure(
      admin.call('Tasks.AddTask', {
        pData: {
          TASK_NAME: 'QuarantineFile',
          TASKID_PRODUCT_NAME: 'KES',
          TASK_INFO_PARAMS: { DisplayName: 'x' },
        },
      }),
    );
    expect(noPaths.pxgMessage).toBe('Bad parameter "pData"');
  });

  it('serves a host local tasks through HostGroup.GetHostTasks and HostTasks', async () => {
    const host = hosts.licensed[0]!;
    const object = (await admin.call('HostGroup.GetHostTasks', { strHostName: host.id }))[
      'PxgRetVal'
    ] as string;
    await admin.call('HostTasks.ResetTasksIterator', {
      strSrvObjId: object,
      strProductName: 'KES',
      strVersion: '',
      strComponentName: '',
      strInstanceId: '',
      strTaskName: '',
    });
    const tasks: Item[] = [];
    for (;;) {
      const next = (await admin.call('HostTasks.GetNextTask', { strSrvObjId: object }))['pTaskData'] as Item;
      if (Object.keys(next).length === 0) break;
      tasks.push(next);
    }
    expect(tasks.map((t) => t['TASK_NAME'])).toEqual(['ods', 'Critical_Areas_Scan', 'Updater']);
    const first = tasks[0]!['TASK_UNIQUE_ID'] as string;
    const data = await admin.call('HostTasks.GetTaskData', { strSrvObjId: object, strTask: first });
    expect((data['PxgRetVal'] as Item)['TASKID_PRODUCT_NAME']).toBe('KES');
    await admin.call('HostTasks.UpdateTask', {
      strSrvObjId: object,
      strTask: first,
      pData: { TASK_INFO_PARAMS: { DisplayName: 'Renamed scan' } },
    });
    const renamed = await admin.call('HostTasks.GetTaskData', { strSrvObjId: object, strTask: first });
    expect(((renamed['PxgRetVal'] as Item)['TASK_INFO_PARAMS'] as Item)['DisplayName']).toBe('Renamed scan');
    await admin.call('HostTasks.DeleteTask', { strSrvObjId: object, strTask: first });
    const deleted = await failure(
      admin.call('HostTasks.GetTaskData', { strSrvObjId: object, strTask: first }),
    );
    expect(deleted.pxgMessage).toBe(`Task #${first} was not found`);
  });

  it('enforces the rights of seed 001', async () => {
    const reader = await emu.session('reader');
    const analyst = await emu.session('analyst');
    const responder = await emu.session('responder');
    const serverOnly = await emu.session('server-only');
    // Basic read is enough to list a host's tasks, not for statistics (KES anti-virus read too).
    const host = hosts.licensed[0]!;
    await reader.call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: host.id });
    expect((await failure(reader.call('Tasks.GetTaskStatistics', { strTask: '103' }))).pxgCode).toBe(1184);
    await analyst.call('Tasks.GetTaskStatistics', { strTask: '103' });
    expect((await failure(analyst.call('Tasks.RunTask', { strTask: '103' }))).pxgMessage).toBe(
      'Access denied',
    );
    expect(
      (
        await failure(
          analyst.call('Tasks.AddTask', { pData: { TASK_NAME: 'ods', TASKID_PRODUCT_NAME: 'KES' } }),
        )
      ).pxgCode,
    ).toBe(1184);
    expect(
      (await failure(serverOnly.call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: host.id })))
        .pxgCode,
    ).toBe(1184);
    const id = await scanTaskFor(responder, [host], 'Responder scan');
    await responder.call('Tasks.RunTask', { strTask: id });
    await responder.call('Tasks.CancelTask', { strTask: id });
  });
});
