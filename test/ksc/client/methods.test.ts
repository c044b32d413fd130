import http from 'node:http';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { decodeArguments, encodeArguments } from '../../../src/ksc/codec.ts';
import { KscClient, type KscCallOptions } from '../../../src/ksc/client/client.ts';
import { NotFoundError } from '../../../src/ksc/client/errors.ts';
import {
  KSC_METHODS,
  isKscMethodName,
  type KscMethod,
  type KscMethodArgs,
  type KscMethodName,
  type KscMethodReply,
} from '../../../src/ksc/methods/index.ts';
import type { KlArguments, KlParams } from '../../../src/ksc/values.ts';
import { EMULATOR_ONLY_METHODS } from '../../../src/emulator/ksc/catalogue.ts';
import { KSC_CLASSES } from '../../../src/emulator/ksc/classes/index.ts';
import {
  basicAuth,
  rawPost,
  startTestEmulator,
  TEST_PASSWORD,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

/**
 * Every method of the map, called against the emulator the way a playbook chains them, with each argument
 * object and each reply checked against the map: a schema that disagrees with the server fails here.
 */
describe('KSC method map', () => {
  let emu: TestEmulator;
  let ksc: KscClient;
  /** The virtual server `vs-branch`: in this small world, the only one whose hosts have quarantined files. */
  let branch: KscClient;
  const called = new Set<string>();

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 60, events: 300 });
    ksc = new KscClient({
      url: emu.url,
      credentials: { user: 'admin', password: TEST_PASSWORD },
      backoffMs: 1,
    });
    branch = new KscClient({
      url: emu.url,
      credentials: { user: 'admin', password: TEST_PASSWORD },
      virtualServer: 'vs-branch',
      backoffMs: 1,
    });
  });
  afterAll(async () => {
    await branch?.close();
    await ksc?.close();
    await emu?.stop();
  });

  /** A caller through `client` that checks the arguments and the reply against the map. */
  function through(client: () => KscClient) {
    return async <M extends KscMethodName>(
      method: M,
      args: KscMethodArgs<M>,
      options: KscCallOptions = {},
    ): Promise<KscMethodReply<M>> => {
      const schema: KscMethod = KSC_METHODS[method];
      const checked = schema.args.safeParse(args);
      if (!checked.success) throw new Error(`${method} arguments: ${checked.error.message}`);
      const reply = await client().call<unknown>(method, args as KlArguments, options);
      called.add(method);
      const parsed = schema.reply.safeParse(reply);
      if (!parsed.success) throw new Error(`${method} reply: ${parsed.error.message}`);
      return parsed.data as KscMethodReply<M>;
    };
  }
  const call = through(() => ksc);

  /** Reads a whole ChunkAccessor result set in pages of `page`, then releases it. */
  async function chunks(strAccessor: string, page = 25): Promise<KlParams[]> {
    const { PxgRetVal: count } = await call('ChunkAccessor.GetItemsCount', { strAccessor });
    const items: KlParams[] = [];
    while (items.length < count) {
      const reply = await call('ChunkAccessor.GetItemsChunk', {
        strAccessor,
        nStart: items.length,
        nCount: page,
      });
      expect(reply.PxgRetVal).toBe(reply.pChunk.KLCSP_ITERATOR_ARRAY.length);
      if (reply.PxgRetVal === 0) break;
      items.push(...reply.pChunk.KLCSP_ITERATOR_ARRAY);
    }
    await call('ChunkAccessor.Release', { strAccessor });
    expect(items).toHaveLength(count);
    return items;
  }

  /** Reads the first `n` events of an EventProcessing result set, then releases it. */
  async function firstEvents(strIteratorId: string, n = 20): Promise<KlParams[]> {
    const { PxgRetVal: count } = await call('EventProcessing.GetRecordCount', { strIteratorId });
    const range = await call('EventProcessing.GetRecordRange', { strIteratorId, nStart: 0, nEnd: n });
    await call('EventProcessing.ReleaseIterator', { strIteratorId });
    const records = range.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY;
    expect(records).toHaveLength(Math.min(count, n));
    return records;
  }

  /** Reads a whole server view, then releases it. */
  async function view(wstrViewName: string, wstrFilter: string, vecFieldsToReturn: string[], on = call) {
    const { wstrIteratorId } = await on('SrvView.ResetIterator', {
      wstrViewName,
      wstrFilter,
      vecFieldsToReturn,
      vecFieldsToOrder: [],
      pParams: {},
      lifetimeSec: 60,
    });
    const { PxgRetVal: count } = await on('SrvView.GetRecordCount', { wstrIteratorId });
    const range = await on('SrvView.GetRecordRange', { wstrIteratorId, nStart: 0, nEnd: count });
    await on('SrvView.ReleaseIterator', { wstrIteratorId });
    expect(range.pRecords.KLCSP_ITERATOR_ARRAY).toHaveLength(count);
    return range.pRecords.KLCSP_ITERATOR_ARRAY;
  }

  // Found by the first tests, used by the later ones.
  let root: number;
  let host: KlParams;
  let kesHost: string;

  it('starts a session with the Authorization header and keeps it alive', async () => {
    // StartSession is the login itself: it takes credentials, not a session, so it goes out on its own.
    const method = 'Session.StartSession';
    const schema = KSC_METHODS[method];
    const response = await rawPost(emu.url, `/api/v1.0/${method}`, encodeArguments(schema.args.parse({})), {
      Authorization: basicAuth('admin', TEST_PASSWORD),
    });
    expect(response.status).toBe(200);
    const reply = schema.reply.parse(decodeArguments(response.text));
    called.add(method);
    expect(reply.PxgRetVal).not.toBe('');
    await call('Session.Ping', {});
  });

  it('reads the server and its groups', async () => {
    root = (await call('HostGroup.GroupIdGroups', {})).PxgRetVal;
    const unassigned = (await call('HostGroup.GroupIdUnassigned', {})).PxgRetVal;
    const superGroup = (await call('HostGroup.GroupIdSuper', {})).PxgRetVal;
    expect(new Set([root, unassigned, superGroup]).size).toBe(3);

    const info = await call('HostGroup.GetStaticInfo', {
      pValues: ['KLADMSRV_PRODUCT_VERSION', 'KLADMSRV_GRP_ROOT'],
    });
    expect(info.PxgRetVal['KLADMSRV_GRP_ROOT']).toBe(root);
    const group = await call('HostGroup.GetGroupInfo', { nGroupId: root });
    expect(group.PxgRetVal['id']).toBe(root);
    const some = await call('HostGroup.GetGroupInfoEx', { nGroupId: root, pArrAttributes: ['id', 'name'] });
    expect(Object.keys(some.PxgRetVal).sort()).toEqual(['id', 'name']);

    const found = await call('HostGroup.FindGroups', {
      wstrFilter: '',
      vecFieldsToReturn: ['id', 'name', 'grp_full_name'],
      vecFieldsToOrder: [{ Name: 'id', Asc: true }],
      pParams: {},
      lMaxLifeTime: 60,
    });
    const groups = await chunks(found.strAccessor);
    expect(groups).toHaveLength(found.PxgRetVal);
    expect(groups.map((g) => g['id'])).toContain(root);
  });

  it('finds hosts and describes them', async () => {
    const found = await call('HostGroup.FindHosts', {
      wstrFilter: '(KLHST_WKS_STATUS & 4 <> 0)',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_DN', 'KLHST_WKS_WINDOMAIN', 'KLHST_WKS_GROUPID'],
      vecFieldsToOrder: [{ Name: 'KLHST_WKS_DN', Asc: true }],
      pParams: { KLGRP_FIND_FROM_CUR_VS_ONLY: true },
      lMaxLifeTime: 60,
    });
    const hosts = await chunks(found.strAccessor);
    expect(hosts.length).toBeGreaterThan(10);
    // A playbook names hosts by KLHST_WKS_HOSTNAME, never by display name.
    for (const candidate of hosts) {
      const products = await call('HostGroup.GetHostProducts', {
        strHostName: String(candidate['KLHST_WKS_HOSTNAME']),
      });
      if (products.PxgRetVal['KES'] !== undefined) {
        host = candidate;
        kesHost = String(candidate['KLHST_WKS_HOSTNAME']);
        expect(Object.keys(products.PxgRetVal['KES'])).toEqual(['11.0.0.0']);
        break;
      }
    }
    expect(kesHost).toBeDefined();

    const info = await call('HostGroup.GetHostInfo', {
      strHostName: kesHost,
      pFields2Return: ['KLHST_WKS_DN', 'KLHST_WKS_STATUS', 'KLHST_WKS_LAST_VISIBLE'],
    });
    expect(info.PxgRetVal['KLHST_WKS_DN']).toBe(host['KLHST_WKS_DN']);
    expect(info.PxgRetVal['KLHST_WKS_LAST_VISIBLE']).toBeInstanceOf(Date);
    const domain = await call('HostGroup.GetDomainHosts', { domain: String(host['KLHST_WKS_WINDOMAIN']) });
    expect(domain.PxgRetVal.map((h) => h['KLHST_WKS_HOSTNAME'])).toContain(kesHost);

    const users = await call('HostGroup.FindUsers', {
      strFilter: '',
      pFieldsToReturn: ['ul_llTrusteeId', 'ul_wstrDisplayName'],
      pFieldsToOrder: [{ Name: 'ul_wstrDisplayName', Asc: true }],
      lMaxLifeTime: 60,
    });
    expect(await chunks(users.strAccessor)).toHaveLength(users.PxgRetVal);
  });

  it('creates a group, moves a host into it and back, and removes it asynchronously', async () => {
    const added = await call('HostGroup.AddGroup', {
      pInfo: { name: 'kconnect method map', parentId: root },
    });
    const home = host['KLHST_WKS_GROUPID'] as number;
    await call('HostGroup.MoveHostsToGroup', { nGroup: added.PxgRetVal, pHostNames: [kesHost] });
    const moved = await call('HostGroup.GetHostInfo', {
      strHostName: kesHost,
      pFields2Return: ['KLHST_WKS_GROUPID'],
    });
    expect(moved.PxgRetVal['KLHST_WKS_GROUPID']).toBe(added.PxgRetVal);
    await call('HostGroup.MoveHostsToGroup', { nGroup: home, pHostNames: [kesHost] });

    const { strActionGuid } = await call('HostGroup.RemoveGroup', { nGroup: added.PxgRetVal, nFlags: 1 });
    const check = () => call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid: strActionGuid });
    let state = await check();
    while (!state.bFinalized) {
      await new Promise((resolve) => setTimeout(resolve, Number(state.lNextCheckDelay)));
      state = await check();
    }
    expect(state.bSuccededFinalized).toBe(true);

    await call('HostGroup.UpdateHost', { strHostName: kesHost, pInfo: { KLHST_WKS_COMMENT: 'method map' } });
    for (const reset of [
      await call('HostGroup.ZeroVirusCountForHosts', { pHostNames: [kesHost] }),
      await call('HostGroup.ZeroVirusCountForGroup', { nParent: home }),
    ]) {
      expect(reset.strActionGuid).toMatch(/^[0-9A-F]{32}$/);
    }
    const reset = await call('HostGroup.GetHostInfo', {
      strHostName: kesHost,
      pFields2Return: ['KLHST_WKS_COMMENT', 'KLHST_WKS_VIRUS_COUNT'],
    });
    expect(reset.PxgRetVal).toMatchObject({ KLHST_WKS_COMMENT: 'method map', KLHST_WKS_VIRUS_COUNT: 0n });
  });

  it('lists, reads, writes and deletes host settings sections', async () => {
    const kes = { strHostName: kesHost, strType: 'SS_SETTINGS', strProduct: 'KES', strVersion: '11.0.0.0' };
    const products = await call('HostGroup.SS_GetNames', { strHostName: kesHost, strType: 'SS_SETTINGS' });
    expect(products.PxgRetVal).toContain('KES');
    expect((await call('HostGroup.SS_GetNames', kes)).PxgRetVal).toContain('NetworkSettings');
    const network = await call('HostGroup.SS_Read', { ...kes, strSection: 'NetworkSettings' });
    expect(network.PxgRetVal).toHaveProperty('portsMonitoring');

    const custom = { ...kes, strProduct: '1103', strVersion: '1.0.0.0', strSection: 'KconnectMethodMap' };
    await call('HostGroup.SS_CreateSection', custom);
    const written = { revision: 7n, when: new Date('2024-05-01T10:00:00Z'), note: 'kconnect' };
    await call('HostGroup.SS_Write', { ...custom, nOption: 3, pSettings: written });
    expect((await call('HostGroup.SS_Read', custom)).PxgRetVal).toEqual(written);
    await call('HostGroup.SS_DeleteSection', custom);
  });

  it('reads events of the server and of one host', async () => {
    const fields = ['event_db_id', 'event_type', 'rise_time', 'hostname', 'GNRL_EA_SEVERITY'];
    const order = [{ Name: 'rise_time', Asc: false }];
    const all = await call('EventProcessingFactory.CreateEventProcessing', {
      vecFieldsToReturn: fields,
      vecFieldsToOrder: order,
      lifetimeSec: 60,
    });
    const events = await firstEvents(all.strIteratorId);
    expect(events.length).toBeGreaterThan(0);
    expect(typeof events[0]?.['event_db_id']).toBe('bigint');
    expect(events[0]?.['rise_time']).toBeInstanceOf(Date);

    const severe = await call('EventProcessingFactory.CreateEventProcessing2', {
      pFilter: { KLEVP_RFC2254_FILTER: '(GNRL_EA_SEVERITY >= 3)' },
      vecFieldsToReturn: fields,
      vecFieldsToOrder: order,
      lifetimeSec: 60,
    });
    expect(
      (await firstEvents(severe.strIteratorId)).every((e) => (e['GNRL_EA_SEVERITY'] as number) >= 3),
    ).toBe(true);

    const mine = await call('EventProcessingFactory.CreateEventProcessingForHost', {
      strHostName: kesHost,
      strProduct: '',
      strVersion: '',
      vecFieldsToReturn: fields,
      vecFieldsToOrder: order,
      lifetimeSec: 60,
    });
    expect((await firstEvents(mine.strIteratorId)).every((e) => e['hostname'] === kesHost)).toBe(true);
    const mineOfKes = await call('EventProcessingFactory.CreateEventProcessingForHost2', {
      strHostName: kesHost,
      strProduct: 'KES',
      strVersion: '11.0.0.0',
      pFilter: { GNRL_EA_SEVERITY: 4 },
      vecFieldsToReturn: fields,
      lifetimeSec: 60,
    });
    expect((await firstEvents(mineOfKes.strIteratorId)).every((e) => e['GNRL_EA_SEVERITY'] === 4)).toBe(true);
  });

  it('lists quarantine items and queues actions on them', async () => {
    const onBranch = through(() => branch);
    const items = await view('Quarantine', '', ['nId', 'strHostName', 'szFileTitle'], onBranch);
    expect(items.length).toBeGreaterThan(1);
    const [first, second] = items as [KlParams, KlParams];
    const info = await onBranch('QBTNetworkListApi.GetListItemInfo', { itemId: first['nId'] as number });
    expect(info.PxgRetVal['szFileTitle']).toBe(first['szFileTitle']);
    await onBranch('QBTNetworkListApi.AddListItemTask', {
      listName: 'Quarantine',
      itemId: first['nId'] as number,
      taskName: 'ScanQuarantine',
      pTaskParams: {},
    });
    await onBranch('QBTNetworkListApi.AddListItemsTask', {
      listName: 'Quarantine',
      pItemsIds: [BigInt(second['nId'] as number)],
      taskName: 'ScanQuarantine',
      pTaskParams: {},
    });
  });

  it('reads inventory, policies and executable files', async () => {
    const apps = await call('InventoryApi.GetHostInvProducts', { szwHostId: kesHost, pParams: {} });
    expect(apps.PxgRetVal.GNRL_EA_PARAM_1.length).toBeGreaterThan(0);
    await call('InventoryApi.GetHostInvPatches', { szwHostId: kesHost });
    const allApps = await call('InventoryApi.GetInvProductsList', {});
    expect(allApps.PxgRetVal.GNRL_EA_PARAM_1.length).toBeGreaterThanOrEqual(
      apps.PxgRetVal.GNRL_EA_PARAM_1.length,
    );
    await call('InventoryApi.GetInvPatchesList', { pParams: null });

    const policies = await call('Policy.GetPoliciesForGroup', { nGroupId: root });
    const policyId = policies.PxgRetVal[0]?.['KLPOL_ID'];
    expect(typeof policyId).toBe('number');
    const policy = await call('Policy.GetPolicyData', { nPolicy: policyId as number });
    expect(policy.PxgRetVal['KLPOL_ID']).toBe(policyId);
    const addedPolicy = await call('Policy.AddPolicy', {
      pPolicyData: {
        KLPOL_DN: 'method map',
        KLPOL_PRODUCT: 'KES',
        KLPOL_VERSION: '11.0.0.0',
        KLPOL_GROUP_ID: root,
      },
    });
    await call('Policy.UpdatePolicyData', {
      nPolicy: addedPolicy.PxgRetVal,
      pPolicyData: { KLPOL_ACTIVE: true },
    });
    const movedPolicy = await call('Policy.CopyOrMovePolicy', {
      nPolicy: addedPolicy.PxgRetVal,
      nNewGroupId: root,
      bDeleteOrigin: true,
    });
    expect(
      (await call('Policy.GetPolicyData', { nPolicy: movedPolicy.PxgRetVal })).PxgRetVal['KLPOL_ACTIVE'],
    ).toBe(true);
    await call('Policy.DeletePolicy', { nPolicy: movedPolicy.PxgRetVal });

    const [file] = await view('ACHostExeFilesSrvViewName', `(HOST_NAME = "${kesHost}")`, [
      'FILE_ID',
      'FILE_NAME',
    ]);
    expect(file).toBeDefined();
    const exe = await call('AppCtrlApi.GetExeFileInfo', {
      szwHostId: kesHost,
      lFileId: BigInt(file?.['FILE_ID'] as number),
      pFilter: {},
    });
    expect(exe.PxgRetVal['FILE_NAME']).toBe(file?.['FILE_NAME']);
    expect(exe.PxgRetVal['FILE_HASH_SHA256']).toBeInstanceOf(Uint8Array);
  });

  it('iterates group tasks, then creates, runs, inspects and deletes a scan task', async () => {
    const { strTaskIteratorId } = await call('Tasks.ResetTasksIterator', {
      nGroupId: root,
      bGroupIdSignificant: true,
      strProductName: 'KES',
      strVersion: null,
      strComponentName: null,
      strInstanceId: null,
      strTaskName: null,
      bIncludeSupergroups: false,
    });
    const seeded: KlParams[] = [];
    for (;;) {
      const { pTaskData } = await call('Tasks.GetNextTask', { strTaskIteratorId });
      if (pTaskData === undefined || Object.keys(pTaskData).length === 0) break;
      seeded.push(pTaskData);
    }
    await call('Tasks.ReleaseTasksIterator', { strTaskIteratorId });
    const scan = seeded.find((t) => t['TASK_NAME'] === 'ods');
    expect(scan).toBeDefined();

    // KlAkOAPI's task sample: the newest task-state events of an existing task.
    const history = await call('Tasks.GetTaskHistory', {
      strTask: String(scan?.['TASK_UNIQUE_ID']),
      pFields2Return: ['event_type', 'task_new_state', 'event_id', 'rise_time'],
      pSortFields: [{ Name: 'rise_time', Asc: false }],
      strHostName: '',
      pFilter: { event_type: 'KLPRCI_TaskState' },
    });
    expect(
      (await firstEvents(history.strIteratorId)).every((e) => e['event_type'] === 'KLPRCI_TaskState'),
    ).toBe(true);

    const added = await call('Tasks.AddTask', {
      pData: {
        TASK_NAME: 'ods',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASKSCH_TYPE: 0,
        TASK_INFO_PARAMS: {
          DisplayName: 'kconnect method map scan',
          HostList: [{ HostName: kesHost, HostDispName: String(host['KLHST_WKS_DN']) }],
        },
      },
    });
    const strTask = added.PxgRetVal;
    expect(strTask).toMatch(/^\d+$/);
    const task = await call('Tasks.GetTask', { strTask });
    expect(task.PxgRetVal['DisplayName']).toBe('kconnect method map scan');
    expect((await call('Tasks.GetTaskData', { strTask })).PxgRetVal['TASK_NAME']).toBe('ods');
    expect(typeof (await call('Tasks.GetTaskGroup', { strTaskId: strTask })).PxgRetVal).toBe('number');
    expect((await call('Tasks.GetTaskStartEvent', { strTask })).PxgRetVal['EVENT_TYPE']).toBe(
      'PRTS_EVENT_NONE',
    );
    expect((await call('Tasks.ResolveTaskId', { strPrtsTaskId: strTask })).PxgRetVal).toBe(strTask);
    expect((await call('Tasks.ProtectPassword', { strPassword: 'method-map' })).PxgRetVal).not.toBe('');
    await call('Tasks.UpdateTask', {
      strTask,
      pData: { TASK_INFO_PARAMS: { DisplayName: 'kconnect renamed' } },
    });
    const others = await call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: kesHost });
    expect(others.PxgRetVal).toContain(strTask);

    await call('Tasks.RunTask', { strTask });
    await call('Tasks.SuspendTask', { strTask });
    await call('Tasks.ResumeTask', { strTask });
    await call('Tasks.CancelTask', { strTask });
    const stats = await call('Tasks.GetTaskStatistics', { strTask });
    expect(stats.PxgRetVal).toHaveProperty('1');
    expect(Object.keys((await call('Tasks.GetTaskStatistics2', { strTask })).PxgRetVal)).toContain('4');

    const other = (
      await call('HostGroup.GetDomainHosts', { domain: String(host['KLHST_WKS_WINDOMAIN']) })
    ).PxgRetVal.map((h) => String(h['KLHST_WKS_HOSTNAME'])).find((id) => id !== kesHost);
    expect(other).toBeDefined();
    await call('Tasks.AddHostToTask', { strTask, strHostName: other as string });

    const statuses = await call('Tasks.ResetHostIteratorForTaskStatus', {
      strTask,
      pFields2Return: ['hostname', 'state_code'],
      nHostStateMask: 0,
      nLifetime: 60,
    });
    const strHostIteratorId = statuses.strHostIteratorId;
    expect((await call('Tasks.GetHostStatusRecordsCount', { strHostIteratorId })).PxgRetVal).toBe(2);
    const next = await call('Tasks.GetNextHostStatus', { strHostIteratorId, nCount: 5 });
    expect([next.PxgRetVal, next.nActual]).toEqual([true, 2]);
    const range = await call('Tasks.GetHostStatusRecordRange', { strHostIteratorId, nStart: 0, nEnd: 5 });
    expect(range.pParHostStatus.statuses).toEqual(next.pHostStatus.statuses);
    await call('Tasks.ReleaseHostStatusIterator', { strHostIteratorId });
    const ordered = await call('Tasks.ResetHostIteratorForTaskStatusEx', {
      strTask,
      pFields2Return: ['hostname'],
      pFields2Order: [{ Name: 'hostname', Asc: true }],
    });
    await call('Tasks.ReleaseHostStatusIterator', { strHostIteratorId: ordered.strHostIteratorId });

    await call('Tasks.DeleteTask', { strTask });
  });

  it("manages a host's local tasks", async () => {
    const { PxgRetVal: strSrvObjId } = await call('HostGroup.GetHostTasks', { strHostName: kesHost });
    await call('HostTasks.ResetTasksIterator', { strSrvObjId, strProductName: 'KES', strTaskName: null });
    const local: KlParams[] = [];
    for (;;) {
      const { pTaskData } = await call('HostTasks.GetNextTask', { strSrvObjId });
      if (pTaskData === undefined || Object.keys(pTaskData).length === 0) break;
      local.push(pTaskData);
    }
    expect(local.length).toBeGreaterThan(0);
    const first = String(local[0]?.['TASK_UNIQUE_ID']);
    expect((await call('HostTasks.GetTaskData', { strSrvObjId, strTask: first })).PxgRetVal).toEqual(
      local[0],
    );

    const added = await call('HostTasks.AddTask', {
      strSrvObjId,
      pData: {
        TASK_NAME: 'Updater',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASK_INFO_PARAMS: { DisplayName: 'kconnect update' },
      },
    });
    const strTask = added.PxgRetVal;
    await call('HostTasks.UpdateTask', {
      strSrvObjId,
      strTask,
      pData: { TASK_INFO_PARAMS: { DisplayName: 'renamed' } },
    });
    const renamed = await call('HostTasks.GetTaskData', { strSrvObjId, strTask });
    expect(renamed.PxgRetVal['TASK_INFO_PARAMS']).toEqual({ DisplayName: 'renamed' });
    await call('HostTasks.DeleteTask', { strSrvObjId, strTask });
  });

  it('requests, reads, cancels and resets statistics', async () => {
    const { strRequestId } = await call('ReportManager.RequestStatisticsData', {
      pRequestParams: { KLSTS_Events: {} },
    });
    const data = await call('ReportManager.GetStatisticsData', { strRequestId });
    expect(data.pResultData).toHaveProperty('KLSTS_Events');
    await call('ReportManager.CancelStatisticsRequest', { strRequestId });
    await call('ReportManager.ResetStatisticsData', {
      pRequestParams: { KLSTS_Events: { KLSTS_Par_StatusReasonMask: 0 } },
    });
  });

  it('lists report types and reports and builds a report in chunks', async () => {
    const types = (await call('ReportManager.EnumReportTypes', {})).PxgRetVal;
    const reports = (await call('ReportManager.EnumReports', {})).PxgRetVal;
    expect(reports.length).toBe(types.length);
    await call('ReportManager.GetDefaultReportInfo', { lReportType: Number(types[0]?.['RPT_TYPE']) });
    const lReportId = Number(reports[0]?.['RPT_ID']);
    await call('ReportManager.GetReportCommonData', { lReportId });
    const { strRequestId } = await call('ReportManager.ExecuteReportAsync', { lReportId, pOptions: {} });
    const data = await call('ReportManager.ExecuteReportAsyncGetData', { strRequestId, nChunkSize: 1 << 20 });
    expect(data.nDataSizeRest).toBe(0);
    const second = await call('ReportManager.ExecuteReportAsync', { lReportId, pOptions: {} });
    await call('ReportManager.ExecuteReportAsyncCancel', { strRequestId: second.strRequestId });
  });

  it('reads the subgroup tree and adds, finds, updates and deletes a host incident', async () => {
    const root = (await call('HostGroup.GroupIdGroups', {})).PxgRetVal;
    const tree = await call('HostGroup.GetSubgroups', { nGroupId: root, nDepth: 1 });
    expect(tree.PxgRetVal?.length).toBeGreaterThan(0);

    const hosts = await chunks(
      (
        await call('HostGroup.FindHosts', {
          wstrFilter: '',
          vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
          lMaxLifeTime: 60,
        })
      ).strAccessor,
    );
    const host = String(hosts[0]?.['KLHST_WKS_HOSTNAME']);
    const { PxgRetVal: nId } = await call('HostGroup.AddIncident', {
      pData: {
        KLINCDT_SEVERITY: 1,
        KLINCDT_ADDED: new Date('2026-01-02T03:04:05Z'),
        KLINCDT_BODY: 'kconnect incident',
        KLHST_WKS_HOSTNAME: host,
      },
    });
    await call('HostGroup.UpdateIncident', { nId, pData: { KLINCDT_IS_HANDLED: true } });
    const found = await call('HostGroup.FindIncidents', {
      strFilter: `(KLINCDT_ID = ${nId})`,
      pFieldsToReturn: ['KLINCDT_ID', 'KLINCDT_IS_HANDLED'],
      lMaxLifeTime: 60,
    });
    expect(await chunks(found.strAccessor)).toEqual([{ KLINCDT_ID: nId, KLINCDT_IS_HANDLED: true }]);
    await call('HostGroup.DeleteIncident', { nId });
  });

  it('lists secondary and virtual servers', async () => {
    const children = await call('ServerHierarchy.GetChildServers', { nGroupId: -1 });
    const lServer = Number(children.PxgRetVal[0]?.['KLSRVH_SRV_ID']);
    const info = await call('ServerHierarchy.GetServerInfo', { lServer, pFields: ['KLSRVH_SRV_DN'] });
    expect(info.PxgRetVal).toEqual({ KLSRVH_SRV_DN: children.PxgRetVal[0]?.['KLSRVH_SRV_DN'] });

    const vservers = await call('VServers.GetVServers', { lParentGroup: -1 });
    const lVServer = Number(vservers.PxgRetVal[0]?.['KLVSRV_ID']);
    const vinfo = await call('VServers.GetVServerInfo', { lVServer, pFields2Return: ['KLVSRV_DN'] });
    expect(vinfo.PxgRetVal).toEqual({ KLVSRV_DN: 'vs-branch' });
  });

  it('creates, changes, moves, guards and removes a virtual server', async () => {
    const { PxgRetVal: added } = await call('VServers.AddVServerInfo', {
      strDisplayName: 'kconnect-tenant',
      lParentGroup: root,
    });
    const lVServer = Number(added['KLVSRV_ID']);
    await call('VServers.UpdateVServerInfo', { lVServer, pInfo: { KLVSRV_DN: 'kconnect-tenant-2' } });
    const moved = await call('VServers.MoveVServer', { lVServer, lNewParentGroup: root });
    expect(moved.strActionGuid).not.toBe('');
    const { PxgRetVal: acl } = await call('VServers.GetPermissions', { lVServer });
    await call('VServers.SetPermissions', { lVServer, pPermissions: acl, bProtection: true });
    await call('VServers.RecallCertAndCloseConnections', { lVServer });
    const removed = await call('VServers.DelVServer', { lVServer });
    expect(removed.strActionGuid).not.toBe('');
  });

  it('registers, finds, updates and removes a secondary server; keeps outbreak policies', async () => {
    const { PxgRetVal: lServer } = await call('ServerHierarchy.RegisterServer', {
      wstrDisplName: 'kconnect-secondary',
      nGroupId: root,
      pCertificate: new Uint8Array([1, 2, 3]),
      wstrNetAddress: 'http://kconnect-secondary.example:13000',
    });
    await call('ServerHierarchy.UpdateServer', { lServer, pInfo: { KLSRVH_SRV_DN: 'kconnect-secondary-2' } });
    const found = await call('ServerHierarchy.FindSlaveServers', {
      wstrFilter: `(KLSRVH_SRV_ID = ${lServer})`,
      pFieldsToReturn: ['KLSRVH_SRV_DN'],
      lMaxLifeTime: 60,
    });
    expect(await chunks(found.wstrIterator)).toEqual([{ KLSRVH_SRV_DN: 'kconnect-secondary-2' }]);
    await call('ServerHierarchy.DelServer', { lServer });

    const policies = await call('Policy.GetPoliciesForGroup', { nGroupId: root });
    const KLPOL_ID = Number(policies.PxgRetVal[0]?.['KLPOL_ID']);
    await call('Policy.SetOutbreakPolicies', {
      pData: { KLPOL_POL_OUTBREAK: [{ KLPOL_ID, KLPOL_OUTBREAK_MASK: 1 }] },
    });
    expect((await call('Policy.GetOutbreakPolicies', {})).PxgRetVal).toEqual({
      KLPOL_POL_OUTBREAK: [{ KLPOL_ID, KLPOL_OUTBREAK_MASK: 1 }],
    });
  });

  it('reads server settings, protects data and keeps notification settings', async () => {
    expect((await call('AdmServerSettings.GetSharedFolder', {})).PxgRetVal).toMatch(/KLSHARE/);
    const pData = new Uint8Array([1, 2, 3]);
    await call('DataProtectionApi.ProtectDataGlobally', { pData });
    await call('DataProtectionApi.ProtectDataForHost', { szwHostId: kesHost, pData });
    await call('DataProtectionApi.CheckPasswordSplPpc', { szwPassword: 'Str0ng-enough' });
    const szwPlainText = 'secret';
    await call('DataProtectionApi.ProtectUtf8StringGlobally', { szwPlainText });
    await call('DataProtectionApi.ProtectUtf16StringGlobally', { szwPlainText });
    await call('DataProtectionApi.ProtectUtf8StringForHost', { szwHostId: kesHost, szwPlainText });
    await call('DataProtectionApi.ProtectUtf16StringForHost', { szwHostId: kesHost, szwPlainText });
    const { PxgRetVal: defaults } = await call('EventNotificationProperties.GetDefaultSettings', {});
    await call('EventNotificationProperties.SetDefaultSettings', { pSettings: defaults });
    const { PxgRetVal: limits } = await call('EventNotificationProperties.GetNotificationLimits', {});
    await call('EventNotificationProperties.SetNotificationLimits', { pSettings: limits });
    await call('EventNotificationProperties.TestNotification', { eType: 1, pSettings: defaults });
  });

  it("downloads a quarantined file from the host's Network Agent through a gateway connection", async () => {
    const onBranch = through(() => branch);
    const [item] = (await view(
      'Quarantine',
      '',
      ['strId', 'strHostName', 'strListProductName', 'strListProductVersion'],
      onBranch,
    )) as [KlParams];
    const { PxgRetVal: location } = await onBranch('CgwHelper.GetNagentLocation', {
      wsHostName: item['strHostName'] as string,
    });
    const { wstrAuthKey } = await onBranch('GatewayConnection.PrepareGatewayConnection', {
      pLocations: [location],
    });
    // The gateway is a connection-bound login with `KSCGW`; the agent's methods go out on that connection.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const login = await rawPost(
        emu.url,
        '/api/v1.0/login',
        '',
        { Authorization: `KSCGW ${wstrAuthKey}` },
        agent,
      );
      expect(login.status).toBe(200);
      const onAgent = async <M extends KscMethodName>(method: M, args: KscMethodArgs<M>) => {
        const schema: KscMethod = KSC_METHODS[method];
        const body = encodeArguments(schema.args.parse(args) as KlArguments);
        const response = await rawPost(emu.url, `/api/v1.0/${method}`, body, {}, agent);
        expect(response.status).toBe(200);
        called.add(method);
        return schema.reply.parse(decodeArguments(response.text)) as KscMethodReply<M>;
      };
      const file = { listName: 'Quarantine', itemId: item['strId'] as string };
      const product = {
        productName: item['strListProductName'] as string,
        productVersion: item['strListProductVersion'] as string,
      };
      const info = await onAgent('NagNetworkListApi.GetListItemFileInfo', { ...file, bNeedPacked: false });
      await onAgent('NagNetworkListApi.GetListItemFileInfo2', {
        ...file,
        ...product,
        bNeedPacked: false,
        pOptions: {},
      });
      const chunk = await onAgent('NagNetworkListApi.GetListItemFileChunk', {
        ...file,
        bNeedPacked: false,
        ulStartPos: 0,
        lBytesToRead: 16,
      });
      expect(Buffer.from(chunk.pChunk, 'base64').length).toBe(
        Math.min(16, Number(info.pFileInfo.KLNLST_TOTAL_SIZE)),
      );
      await onAgent('NagNetworkListApi.GetListItemFileChunk2', {
        ...file,
        ...product,
        pOptions: {},
        bNeedPacked: true,
        ulStartPos: 0,
        lBytesToRead: 16,
      });
    } finally {
      agent.destroy();
    }
  });

  it('registers and lists update agents', async () => {
    const { PxgRetVal: automatic } = await call('UaControl.GetAssignUasAutomatically', {});
    await call('UaControl.SetAssignUasAutomatically', { bEnabled: automatic });
    const { pUaInfo: defaults } = await call('UaControl.GetDefaultUpdateAgentRegistrationInfo', {});
    await call('UaControl.RegisterUpdateAgent', {
      pUaInfo: { ...defaults, UaHostId: kesHost, UaScope: [{ KLHST_WKS_GROUPID: root }] },
    });
    const { pUaInfo } = await call('UaControl.GetUpdateAgentInfo', { wstrUaHostId: kesHost });
    await call('UaControl.ModifyUpdateAgent', { pUaInfo });
    expect(
      (await call('UaControl.GetUpdateAgentsDisplayInfoForHost', { wstrHostId: kesHost })).pUaInfo,
    ).toHaveLength(1);
    expect((await call('UaControl.GetUpdateAgentsList', {})).pUasArr).toHaveLength(1);
    await call('UaControl.UnregisterUpdateAgent', { wstrUaHostId: kesHost });
    await call('UaControl.RegisterDmzGateway', { pCgInfo: { UaHostId: kesHost } });
    await call('UaControl.UnregisterUpdateAgent', { wstrUaHostId: kesHost });
  });

  it('tags hosts through the HostsTags instance of ListTags', async () => {
    const hosts = { instance: 'HostsTags' };
    await call('ListTags.AddTag', { szwTagValue: 'Finance', pParams: {} }, hosts);
    await call(
      'ListTags.SetTags',
      {
        pListItemsTags: [
          { KLTAGS_ITEM_ID: kesHost, KLTAGS_TAGS: [{ KLTAGS_VALUE: 'VIP', KLTAGS_SET: true }] },
        ],
        pParams: { KLTAGS_FULL_REPLACE: false },
      },
      hosts,
    );
    await call('ListTags.RenameTag', { szwOldTagValue: 'VIP', szwNewTagValue: 'Executives' }, hosts);
    expect((await call('ListTags.GetAllTags', {}, hosts)).PxgRetVal).toEqual(['Finance', 'Executives']);
    expect((await call('ListTags.GetTags', { pIdArray: [kesHost] }, hosts)).PxgRetVal).toEqual([
      { KLTAGS_ITEM_ID: kesHost, KLTAGS_TAGS: ['Executives'] },
    ]);
    await call('ListTags.DeleteTags2', { pTagValue: ['Finance', 'Executives'] }, hosts);
  });

  it('enumerates license keys and their hosts through GroupSyncIterator; reads instance statistics', async () => {
    const code = 'QW12E-RT34Y-UI56O-PA78S';
    await call('LicenseKeys.DownloadKeyFiles', { wstrActivationCode: code });
    const serial = (
      await call('LicenseKeys.InstallKey', {
        pKeyInfo: {
          KLLICSRV_KEYDATA: { KLLIC_IFKEYFILE: false, KLLIC_LICFILE: new TextEncoder().encode(code) },
        },
      })
    ).PxgRetVal;
    await call('LicenseKeys.AdjustKey', { pData: { KLLIC_SERIAL: serial, KLLICSRV_AUTOKEY: false } });
    await call('LicenseKeys.GetKeyData', { pKeyInfo: { KLLIC_SERIAL: serial, KLLIC_LIMIT_DATE: 0 } });
    const keys = await call('LicenseKeys.EnumKeys', {
      pFields: ['KLLIC_SERIAL', 'KLLIC_APP_ID', 'KLLIC_NHOSTS_ASCURRENT'],
      pFieldsToOrder: [],
      pOptions: {},
      lTimeoutSec: 60,
    });
    const page = await call('GroupSyncIterator.GetNextItems', { szwIterator: keys.wstrIterator, nCount: 50 });
    expect(page.bEOF).toBe(true);
    await call('GroupSyncIterator.ReleaseIterator', { szwIterator: keys.wstrIterator });
    const used = page.pData.KLCSP_ITERATOR_ARRAY.find((k) => Number(k['KLLIC_NHOSTS_ASCURRENT']) > 0)!;
    const hosts = await call('LicenseKeys.AcquireKeyHosts', {
      pInData: { KLLIC_SERIAL: used['KLLIC_SERIAL'] as string },
      pFields: ['KLLICSRV_HOSTNAME'],
      pFieldsToOrder: [],
      pOptions: {},
      lTimeoutSec: 0,
    });
    await call('GroupSyncIterator.ReleaseIterator', { szwIterator: hosts.wstrIterator });
    await call('LicenseKeys.UninstallKey', { pKeyInfo: { KLLIC_SERIAL: serial } });
    const server = page.pData.KLCSP_ITERATOR_ARRAY.find((k) => k['KLLIC_APP_ID'] === 1017)!;
    const pInData = { KLLIC_SERIAL: server['KLLIC_SERIAL'] as string };
    await call('LicenseKeys.CheckIfSaasLicenseIsValid', { pInData, bAsCurrent: true });
    await call('LicenseKeys.SaasTryToInstall', { pInData, bAsCurrent: true });
    await call('LicenseKeys.SaasTryToUninstall', { bCurrent: false });
    const stats = await call('HostGroup.GetInstanceStatistics', {
      vecFilterFields: ['KLSRV_ST_VIRT_SERVER_COUNT', 'KLSRV_ST_VIRT_SERVERS_DETAILS'],
    });
    expect(stats.PxgRetVal['KLSRV_ST_VIRT_SERVER_COUNT']).toBe(1);
  });

  it('reads mobile devices and posts a command to one', async () => {
    await call('UserDevicesApi.SspLoginAllowed', {});
    const { pRecords } = await ksc
      .call<{ pRecords: { KLCSP_ITERATOR_ARRAY: KlParams[] } }>('SrvView.ResetIterator', {
        wstrViewName: 'UmdmAllDevices',
        wstrFilter: '',
        vecFieldsToReturn: ['Dev_Id', 'OwnerBinId'],
        vecFieldsToOrder: [],
        pParams: {},
        lifetimeSec: 60,
      })
      .then(async (reset) =>
        ksc.call<{ pRecords: { KLCSP_ITERATOR_ARRAY: KlParams[] } }>('SrvView.GetRecordRange', {
          wstrIteratorId: (reset as unknown as { wstrIteratorId: string }).wstrIteratorId,
          nStart: 0,
          nEnd: 1,
        }),
      );
    const device = pRecords.KLCSP_ITERATOR_ARRAY[0]!;
    const lDeviceId = device['Dev_Id'] as number;
    await call('UserDevicesApi.GetDevice', { lDeviceId });
    await call('UserDevicesApi.GetDevices', { pUserId: device['OwnerBinId'] as Uint8Array<ArrayBuffer> });
    await call('UserDevicesApi.UpdateDevice', { lDeviceId, pDevice: { KLMDM_DEVICE_ALIAS: 'map' } });
    await call('UserDevicesApi.GetLatestDeviceActivityDate', { lDeviceId });
    await call('UserDevicesApi.GetCommandsLibrary', {});
    await call('UserDevicesApi.PostCommand', {
      lDeviceId,
      c_wstrCommandGuid: 'map-1',
      c_wstrCommandType: 'Block',
      pArguments: {},
      lMdmProtocols: 0,
      lProcessFlags: 0,
    });
    expect((await call('UserDevicesApi.GetCommands', { lDeviceId })).PxgRetVal).toHaveLength(1);
    await call('UserDevicesApi.RecallCommand', { c_wstrCommandGuid: 'map-1' });
    await call('UserDevicesApi.DeleteCommand', { c_wstrCommandGuid: 'map-1', bForced: true });
    const { PxgRetVal: install } = await call('UserDevicesApi.GetSafeBrowserAutoinstallFlag', {});
    await call('UserDevicesApi.SetSafeBrowserAutoinstallFlag', { bInstall: install });
    await call('UserDevicesApi.PostCommand', {
      lDeviceId,
      c_wstrCommandGuid: 'map-2',
      c_wstrCommandType: 'Unblock',
    });
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 61 }); // map-2 completes: a journal record.
    await call('UserDevicesApi.GetJournalRecords', { lDeviceId });
    const { PxgRetVal: journal } = await call('UserDevicesApi.GetJournalRecords2', { lDeviceId });
    await call('UserDevicesApi.GetJournalCommandResult', {
      llJrnlId: journal[0]!['KLMDM_JRNL_ID'] as bigint,
    });
    const { PxgRetVal: library } = await call('UserDevicesApi.GetCommandsLibrary', {});
    await call('UserDevicesApi.GetDecipheredCommandList', { llCommandFlags: 1, pCommandsLibrary: library });
    await call('UserDevicesApi.GlueDevices', { lDevice1Id: lDeviceId, lDevice2Id: lDeviceId });
    const pkgArgs = { pUserId: null, lMdmProtocols: 0, lLiveTime: 1 };
    await call('UserDevicesApi.CreateEnrollmentPackage', {
      ...pkgArgs,
      c_wstrUrlFormat: 'https://ssp/?id=%s',
    });
    await call('UserDevicesApi.CreateEnrollmentPackage2', {
      ...pkgArgs,
      lContentType: 1,
      c_wstrUrlFormat: 'https://ssp/?id=%s',
    });
    const { PxgRetVal: llEnrPkgId } = await call('UserDevicesApi.CreateEnrollmentPackage2Ex', {
      ...pkgArgs,
      lContentType: 1,
      pUrlFormats: { Android: 'https://ssp/?id=%s' },
    });
    await call('UserDevicesApi.GetEnrollmentPackages', { pUserId: null });
    await call('UserDevicesApi.GetEnrollmentPackagesEx', { pUserId: null });
    const { PxgRetVal: pkg } = await call('UserDevicesApi.GetEnrollmentPackage', { llEnrPkgId });
    await call('UserDevicesApi.GetEnrollmentPackageEx', { llEnrPkgId });
    const c_wstrPackageId = String(pkg['KLMDM_ENR_PKG_UNIFIED_URL']).split('=')[1]!;
    await call('UserDevicesApi.GetEnrollmentPackageFileInfo', {
      c_wstrPackageId,
      c_wstrUserAgent: '',
      c_wstrPackageFileType: 'Andr',
    });
    await emu.control('POST', '/__emulator/clock/advance', { seconds: 6 }); // The package is built.
    await call('UserDevicesApi.GetEnrollmentPackageFileData', {
      c_wstrPackageId,
      c_wstrPackageFileType: 'Andr',
      lBuffOffset: 0,
      lBuffSize: 100,
    });
    await call('UserDevicesApi.DeleteEnrollmentPackage', { lEnrPkgId: llEnrPkgId });
    await call('UserDevicesApi.PostCommand2', {
      lDeviceId,
      c_wstrCommandGuid: 'map-3',
      c_wstrCommandType: 'Wipe',
      pArguments: {},
      lMdmProtocols: 0,
      lProcessFlags: 0,
    });
    await call('UserDevicesApi.GetCommandsAll', { lDeviceId });
    await call('UserDevicesApi.CreateEnrollmentPackages', {
      pUserIds: [],
      lMdmProtocols: 0,
      lContentType: 1,
      lLiveTime: 1,
      pUrlFormats: {},
    });
    await call('UserDevicesApi.CreateEnrollmentPackagesMulti', { pRequests: [] });
    await call('UserDevicesApi.GenerateQRCode', { strInputData: 'map', lQRCodeSize: 64, lImageFormat: 3 });
    await call('UserDevicesApi.GenerateQRCodeMulti', {
      pInputData: ['map'],
      lQRCodeSize: 64,
      lImageFormat: 3,
    });
    await call('UserDevicesApi.GetDevicesExtraData', {
      pDeviceIds: [lDeviceId],
      pCategories: ['DEV_EX_DATA_APPL'],
    });
    await call('UserDevicesApi.GetMobileAgentSettingStorageData', { lDeviceId, c_wstrSectionName: 'KES' });
    await call('UserDevicesApi.GetMultitenancyServersInfo', { nProtocolIds: 0 });
    await call('UserDevicesApi.GetMultitenancyServerSettings', { c_wstrMtncServerId: '' });
    await call('UserDevicesApi.SetMultitenancyServerSettings', { c_wstrMtncServerId: '', pSettings: {} });
    await call('UserDevicesApi.SaveEulaAndAccept', {
      wstrProdName: 'KES4Android',
      wstrProdVersion: '11',
      wstrProdDispName: 'KES for Android',
      wstrProdDispVersion: '11',
      binEulaUID: new Uint8Array([1, 2, 3]),
      wstrText: 'EULA',
      tTimeStamp: new Date('2025-01-01T00:00:00Z'),
      bAccept: true,
    });
    await call('UserDevicesApi.IsEulaAccepted', { binEulaUID: new Uint8Array([1, 2, 3]) });
    await call('UserDevicesApi.GetNotAcceptedEulaIds', {});
    // Mobile devices have no host record in this world, so no host has UMDM information.
    const { PxgRetVal: umdm } = await call('UserDevicesApi.GetHostsUmdmInfo', { pHosts: [kesHost] });
    expect(umdm).toEqual([]);
    // Nor is there a mobile-device policy to synchronize: the server answers "not found" as KSC does.
    await expect(
      call('UserDevicesApi.GetSyncInfo', { nGroupId: root, nGSyncId: 1, pFields: ['KLGSYN_STATE'] }),
    ).rejects.toBeInstanceOf(NotFoundError);
    called.add('UserDevicesApi.GetSyncInfo');
    await call('UserDevicesApi.DeleteDevice', { lDeviceId });
  });

  it('walks the scanned Active Directory', async () => {
    const { PxgRetVal: roots } = await call('AdHosts.GetChildOUs', {
      idOU: 0,
      pFields: ['adhst_id'],
      lMaxLifeTime: 60,
    });
    expect(await chunks(roots)).toEqual([{ adhst_id: 1 }]);
    await call('AdHosts.GetOU', { idOU: 1, pFields: ['adhst_hostsNum'] });
    await call('AdHosts.UpdateOU', { idOU: 1, pData: { adhst_enable_ad_scan: true } });
    for (const idOU of [3, 4]) {
      const { PxgRetVal } = await call('AdHosts.GetChildComputers', {
        idOU,
        vecFieldsToReturn: ['adhst_id'],
        lMaxLifeTime: 60,
      });
      await chunks(PxgRetVal);
    }
    // Computer ids start at 1001 (decisions/0067), unassigned or not.
    const { PxgRetVal: computer } = await call('AdHosts.GetChildComputer', {
      idAdhst: 1001,
      vecFieldsToReturn: ['KLHST_WKS_DN', 'adhst_idParent'],
    });
    expect(computer['adhst_idParent']).toBeGreaterThan(1);
    const { PxgRetVal: groupCount, wstrIterator } = await call('AdHosts.FindAdGroups', {
      vecFieldsToReturn: ['adhst_adgroup_name'],
      vecFieldsToOrder: [],
      pOptions: {},
      lMaxLifeTime: 60,
    });
    expect(await chunks(wstrIterator)).toHaveLength(groupCount);
    await call('AdHosts.AddOU', { strObjectGUID: '0123456789abcdef0123456789abcdef', strParentGUID: '' });
    await call('AdHosts.RemoveOU', { strObjectGUID: '0123456789abcdef0123456789abcdef' });
  });

  it('manages a custom application category', async () => {
    const { PxgRetVal: nCategoryId } = await call('FileCategorizer2.CreateCategory', {
      pCategory: { name: 'map category', CategoryType: 0 },
    });
    await call('FileCategorizer2.AddExpressions', {
      nCategoryId,
      arrNewExpressions: [{ ex_type: 3, str: 'c'.repeat(64), str2: '', str_op: 0 }],
      bInclusions: true,
    });
    await call('FileCategorizer2.UpdateExpressions', {
      nCategoryId,
      arrIdAndExpression: [{ id: 0, body: { ex_type: 3, str: 'd'.repeat(64), str2: '', str_op: 0 } }],
      bInclusions: true,
    });
    await call('FileCategorizer2.DeleteExpression', { nCategoryId, arrIds: [0], bInclusions: true });
    const { pCategory } = await call('FileCategorizer2.GetCategory', { nCategoryId });
    await call('FileCategorizer2.GetCategoryByUUID', { pCategoryUUID: pCategory['uuid'] as string });
    await call('FileCategorizer2.UpdateCategory', { nCategoryId, pCategory: { descr: 'map' } });
    await call('FileCategorizer2.GetCategoriesModificationCounter', {});
    await call('FileCategorizer2.GetSerializedCategoryBody', { nCategoryId: Number(nCategoryId) });
    await call('FileCategorizer2.GetSerializedCategoryBody2', { nCategoryId: Number(nCategoryId) });
    await call('FileCategorizer2.GetRefPolicies', { nCatId: Number(nCategoryId) });
    const { PxgRetVal: nSync } = await call('FileCategorizer2.GetSyncId', {});
    await call('GroupSync.GetSyncInfo', { nSync, arrFieldsToReturn: ['gsyn_cnt_FullCount'] });
    const { PxgRetVal: syncHosts } = await call('GroupSync.GetSyncHostsInfo', {
      nSync,
      arrFieldsToReturn: ['hostName'],
      arrFieldsToOrder: [{ Name: 'hostName', Asc: true }],
      nLifeTime: 60,
    });
    const { pData: firstSyncHost } = await call('GroupSyncIterator.GetNextItems', {
      szwIterator: syncHosts,
      nCount: 1,
    });
    await call('GroupSyncIterator.ReleaseIterator', { szwIterator: syncHosts });
    const [syncHost] = firstSyncHost.KLCSP_ITERATOR_ARRAY;
    await call('GroupSync.GetSyncDeliveryTime', { nSync, szwHostId: String(syncHost!['hostName']) });
    const { PxgRetVal: autoId } = await call('FileCategorizer2.CreateCategory', {
      pCategory: { name: 'map autoupdate', CategoryType: 1 },
    });
    await call('FileCategorizer2.ForceCategoryUpdate', { nCategoryId: autoId });
    await call('FileCategorizer2.DeleteCategory', { nCategoryId: autoId });
    const { PxgRetVal: policies } = await call('Policy.GetPoliciesForGroup', { nGroupId: -1 });
    const nPolicyId = Number(policies[0]!['KLPOL_ID']);
    await call('FileCategorizer2.DoStaticAnalysisAsync2', { nPolicyId });
    await call('FileCategorizer2.DoStaticAnalysisAsync', { wstrRequestId: 'map-analysis', nPolicyId });
    await call('FileCategorizer2.DoTestStaticAnalysisAsync2', { nPolicyId, pTestACL: {} });
    await call('FileCategorizer2.DoTestStaticAnalysisAsync', {
      wstrRequestId: 'map-test',
      nPolicyId,
      pTestACL: {},
    });
    await call('FileCategorizer2.FinishStaticAnalysis', {});
    const { wstrUploadUrl } = await call('FileCategorizer2.InitFileUpload', {});
    // The file goes to the upload URL (a PUT outside KLOAPI), then its metadata comes through actions.
    const put = await fetch(new URL(`${wstrUploadUrl}?name=map.exe`, emu.url), {
      method: 'PUT',
      body: 'map',
    });
    expect(put.status).toBe(200);
    await call('FileCategorizer2.GetFileMetadata', { ulFlag: 0x40 });
    await call('FileCategorizer2.GetFilesMetadata', { ulFlag: 0x40 });
    await call('FileCategorizer2.GetFilesMetadataFromMSI', { ulFlag: 0x40 });
    await call('FileCategorizer2.CancelFileMetadataOperations', {});
    await call('FileCategorizer2.CancelFileUpload', {});
    await call('FileCategorizer2.DeleteCategory', { nCategoryId });
  });

  it('sends mail to users (recorded by the emulator)', async () => {
    await call('IWebUsersSrv.SendEmail', {
      pParams: { MailRecipients: ['user@corp.example.com'], MailSubject: 'map', MailBody: 'map' },
      wstrRequestId: 'map',
    });
  });

  it('ends the session; the client logs in again for the next call', async () => {
    await call('Session.EndSession', {});
    await call('Session.Ping', {});
  });

  it('has called every method of the map', () => {
    expect([...called].sort()).toEqual(Object.keys(KSC_METHODS).sort());
  });
});

describe('KSC method catalogue and the emulator', () => {
  /**
   * The intentional differences. Served by the emulator but left out of the map: `Session.CreateToken`, whose
   * one-time token is a credential nothing in kconnect needs. In the map but not emulated: none.
   */
  const EMULATOR_ONLY = ['Session.CreateToken'];
  const NOT_EMULATED: string[] = [];

  const emulated = KSC_CLASSES.flatMap((cls) => Object.keys(cls.methods).map((m) => `${cls.name}.${m}`));

  it('serves exactly the methods of the map, but for the listed differences', () => {
    expect(emulated.filter((m) => !isKscMethodName(m)).sort()).toEqual(EMULATOR_ONLY);
    expect(Object.keys(KSC_METHODS).filter((m) => !emulated.includes(m))).toEqual(NOT_EMULATED);
    expect(Object.keys(EMULATOR_ONLY_METHODS).sort()).toEqual(EMULATOR_ONLY);
    expect(new Set(emulated).size).toBe(emulated.length);
  });
});

describe('KSC method map schemas', () => {
  it('rejects replies that lack documented out-parameters or carry the wrong types', () => {
    const find = KSC_METHODS['HostGroup.FindHosts'].reply;
    expect(find.safeParse({ strAccessor: 'ua1eizhXcYqZUuv64j8yB1', PxgRetVal: 1 }).success).toBe(true);
    expect(find.safeParse({ PxgRetVal: 1 }).success).toBe(false);
    expect(find.safeParse({ strAccessor: 'x', PxgRetVal: '1' }).success).toBe(false);

    const chunk = KSC_METHODS['ChunkAccessor.GetItemsChunk'].reply;
    expect(chunk.safeParse({ pChunk: { KLCSP_ITERATOR_ARRAY: [{ a: 1 }] }, PxgRetVal: 1 }).success).toBe(
      true,
    );
    expect(chunk.safeParse({ pChunk: {}, PxgRetVal: 0 }).success).toBe(false);
    expect(chunk.safeParse({ pChunk: { KLCSP_ITERATOR_ARRAY: ['host'] }, PxgRetVal: 1 }).success).toBe(false);

    const state = KSC_METHODS['AsyncActionStateChecker.CheckActionState'].reply;
    const done = {
      bFinalized: true,
      bSuccededFinalized: true,
      lStateCode: 0,
      pStateData: {},
      lNextCheckDelay: 0,
    };
    expect(state.safeParse(done).success).toBe(true);
    expect(state.safeParse({ ...done, lStateCode: 2n ** 40n }).success).toBe(true);
    expect(state.safeParse({ ...done, bFinalized: undefined }).success).toBe(false);
    expect(state.safeParse({ ...done, pStateData: [] }).success).toBe(false);
  });

  it('keeps out-parameters a newer server adds', () => {
    const reply = KSC_METHODS['Tasks.AddTask'].reply.parse({ PxgRetVal: '42', wstrFuture: 'x' });
    expect(reply).toEqual({ PxgRetVal: '42', wstrFuture: 'x' });
  });

  it('rejects wrong argument types, misspelt and missing names', () => {
    const chunk = KSC_METHODS['ChunkAccessor.GetItemsChunk'].args;
    expect(chunk.safeParse({ strAccessor: 'a', nStart: 0, nCount: 100 }).success).toBe(true);
    expect(chunk.safeParse({ strAccessor: 'a', nStart: '0', nCount: 100 }).success).toBe(false);
    expect(chunk.safeParse({ strAccessor: 'a', nStart: 0, nCount: 2 ** 31 }).success).toBe(false);
    expect(chunk.safeParse({ strAccessor: 'a', nStart: 0n, nCount: 100 }).success).toBe(false);
    // FSOAR's names for the same arguments (spec §2.1).
    expect(chunk.safeParse({ strAccessorId: 'a', lFirstItemIndex: 0, lItemsCount: 100 }).success).toBe(false);

    const info = KSC_METHODS['HostGroup.GetHostInfo'].args;
    expect(info.safeParse({ pFields2Return: ['KLHST_WKS_DN'] }).success).toBe(false);
    expect(info.safeParse({ strHostName: 'h', pFields2Return: 'KLHST_WKS_DN' }).success).toBe(false);

    const exe = KSC_METHODS['AppCtrlApi.GetExeFileInfo'].args;
    expect(exe.safeParse({ lFileId: 2n ** 62n }).success).toBe(true);
    expect(exe.safeParse({ lFileId: 2n ** 63n }).success).toBe(false);
    expect(exe.safeParse({ lFileId: 1.5 }).success).toBe(false);

    const find = KSC_METHODS['HostGroup.FindHosts'].args;
    expect(find.safeParse({}).success).toBe(true);
    expect(find.safeParse({ pParams: new Date() }).success).toBe(false);
    expect(find.safeParse({ vecFieldsToOrder: [{ Name: 'KLHST_WKS_DN' }] }).success).toBe(false);

    expect(KSC_METHODS['Tasks.RunTask'].args.safeParse({ strTask: 'abc' }).success).toBe(false);
    expect(KSC_METHODS['Tasks.RunTask'].args.safeParse({ strTask: 103 }).success).toBe(false);
  });

  it('names its methods', () => {
    expect(isKscMethodName('HostGroup.FindHosts')).toBe(true);
    expect(isKscMethodName('Session.CreateToken')).toBe(false);
    expect(isKscMethodName('toString')).toBe(false);
  });

  it('types arguments as encodeArguments takes them and replies as the codec decodes them', () => {
    expectTypeOf<KscMethodArgs<KscMethodName>>().toExtend<KlArguments>();
    expectTypeOf<KscMethodArgs<'AppCtrlApi.GetExeFileInfo'>['lFileId']>().toEqualTypeOf<number | bigint>();
    expectTypeOf<KscMethodArgs<'HostGroup.FindHosts'>>().toMatchObjectType<{
      wstrFilter?: string | undefined;
      lMaxLifeTime?: number | undefined;
    }>();
    expectTypeOf<KscMethodArgs<'Tasks.RunTask'>>().toEqualTypeOf<{ strTask: string }>();
    expectTypeOf<KscMethodReply<'HostGroup.FindHosts'>['strAccessor']>().toEqualTypeOf<string>();
    expectTypeOf<KscMethodReply<'HostGroup.GetHostInfo'>['PxgRetVal']>().toEqualTypeOf<KlParams>();
    expectTypeOf<KscMethodReply<'AsyncActionStateChecker.CheckActionState'>['lStateCode']>().toEqualTypeOf<
      number | bigint
    >();
    expectTypeOf<
      KscMethodReply<'EventProcessing.GetRecordRange'>['pParamsEvents']['KLEVP_EVENT_RANGE_ARRAY']
    >().toEqualTypeOf<KlParams[]>();
  });
});
