/**
 * The whole loop of the "KSC emulator, part 2" issue, as a SOC playbook would drive it over HTTP: scan a host →
 * the task runs at the next agent sync → events and statistics appear → quarantine a file → it shows in the
 * Quarantine view → restore it → isolate the host → its settings show it → the isolation ends after its timeout.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KlParams } from '../../../src/ksc/index.ts';
import { BACKENDS, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;
const SYNC_SECONDS = 30;
const LICENSE_EXPIRED_BIT = 1 << 10;

describe.each(BACKENDS)('KSC emulator: scan, quarantine, restore, isolate (%s)', (backend) => {
  const emu = useKscEmulator(backend, { agentSyncSeconds: SYNC_SECONDS, sessionIdleSeconds: 86_400 });
  let soc: KscCaller;
  const advance = (seconds: number) => emu.control('POST', '/__emulator/clock/advance', { seconds });

  beforeAll(async () => {
    soc = emu.admin;
    // Each step asserts that nothing happens before the next sync: real time must not move the clock meanwhile.
    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
  });

  async function hostWith(products: string[]): Promise<string> {
    // As a playbook would: find hosts, then read their products.
    const found = await soc.call('HostGroup.FindHosts', {
      wstrFilter: '(KLHST_WKS_STATUS & 0x00000004 <> 0)',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_STATUS_MASK'],
      lMaxLifeTime: 60,
    });
    const hosts = await soc.chunkAll(found['strAccessor'] as string);
    for (const host of hosts) {
      if (((host['KLHST_WKS_STATUS_MASK'] as number) & LICENSE_EXPIRED_BIT) !== 0) continue;
      const id = host['KLHST_WKS_HOSTNAME'] as string;
      const installed = (await soc.call('HostGroup.GetHostProducts', { strHostName: id }))[
        'PxgRetVal'
      ] as Item;
      if (products.every((p) => p in installed)) return id;
    }
    throw new Error(`no host with ${products.join(' and ')}`);
  }

  async function taskEvents(strTask: string): Promise<Item[]> {
    const opened = await soc.call('Tasks.GetTaskHistory', {
      strTask,
      pFields2Return: ['event_type', 'task_new_state', 'rise_time', 'hostname'],
      pSortFields: [{ Name: 'rise_time', Asc: true }],
      strHostName: '',
      pFilter: {},
    });
    const strIteratorId = opened['strIteratorId'] as string;
    const range = await soc.call('EventProcessing.GetRecordRange', { strIteratorId, nStart: 0, nEnd: 100 });
    await soc.call('EventProcessing.ReleaseIterator', { strIteratorId });
    return (range['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Item[] }).KLEVP_EVENT_RANGE_ARRAY;
  }

  function quarantineOf(hostId: string, fileTitle: string): Promise<Item[]> {
    return soc.viewAll('Quarantine', {
      filter: `(&(strHostName = "${hostId}")(szFileTitle = "${fileTitle}"))`,
      fields: ['nId', 'strHostName', 'szFileTitle'],
    });
  }

  async function addAndRun(pData: KlParams): Promise<string> {
    const strTask = (await soc.call('Tasks.AddTask', { pData }))['PxgRetVal'] as string;
    await soc.call('Tasks.RunTask', { strTask });
    return strTask;
  }

  it('runs the whole loop, each step taking effect at the host’s next sync', async () => {
    const hostId = await hostWith(['KES', 'EDRAgent']);

    // 1. Scan the host: nothing happens before its agent syncs.
    const scan = await addAndRun({
      TASK_NAME: 'ods',
      TASKID_PRODUCT_NAME: 'KES',
      TASKID_VERSION: '11.0.0.0',
      TASK_INFO_PARAMS: { DisplayName: 'Scenario scan', HostList: [{ HostName: hostId }] },
    });
    expect(((await soc.call('Tasks.GetTaskStatistics', { strTask: scan }))['PxgRetVal'] as Item)['1']).toBe(
      1,
    );
    await advance(SYNC_SECONDS + 1);
    expect(((await soc.call('Tasks.GetTaskStatistics', { strTask: scan }))['PxgRetVal'] as Item)['2']).toBe(
      1,
    );
    await advance(15 * 60);
    const stats = (await soc.call('Tasks.GetTaskStatistics', { strTask: scan }))['PxgRetVal'] as Item;
    expect(stats['4']).toBe(1);
    expect(stats['GNRL_COMPLETED_PERCENT']).toBe(100);
    const scanEvents = await taskEvents(scan);
    expect(scanEvents.map((e) => e['event_type'])).toEqual(
      expect.arrayContaining(['KLPRCI_TaskState', 'KLBL_EV_FSCAN_COMPLETED']),
    );
    expect(scanEvents.every((e) => e['hostname'] === hostId)).toBe(true);
    const info = (
      await soc.call('HostGroup.GetHostInfo', {
        strHostName: hostId,
        pFields2Return: ['KLHST_WKS_LAST_FULLSCAN'],
      })
    )['PxgRetVal'] as Item;
    const completed = scanEvents.find((e) => e['event_type'] === 'KLBL_EV_FSCAN_COMPLETED');
    expect((info['KLHST_WKS_LAST_FULLSCAN'] as Date).getTime()).toBe(
      (completed?.['rise_time'] as Date).getTime(),
    );

    // 2. Quarantine a file: it shows in the Quarantine view after the next sync.
    const title = 'scenario_dropper.exe';
    const quarantine = await addAndRun({
      TASK_NAME: 'QuarantineFile',
      TASKID_PRODUCT_NAME: 'KES',
      TASKID_VERSION: '11.0.0.0',
      TASK_ADDITIONAL_PARAMS: { FilePaths: [`C:\\Users\\Public\\${title}`] },
      TASK_INFO_PARAMS: { DisplayName: 'Scenario quarantine', HostList: [{ HostName: hostId }] },
    });
    expect(await quarantineOf(hostId, title)).toHaveLength(0);
    await advance(SYNC_SECONDS + 60);
    expect(
      ((await soc.call('Tasks.GetTaskStatistics', { strTask: quarantine }))['PxgRetVal'] as Item)['4'],
    ).toBe(1);
    const [item] = await quarantineOf(hostId, title);
    expect(item).toMatchObject({ strHostName: hostId, szFileTitle: title });

    // 3. Restore it: it leaves the view at the following sync.
    await soc.call('QBTNetworkListApi.AddListItemTask', {
      listName: 'Quarantine',
      itemId: item?.['nId'] as number,
      taskName: 'RestoreObj',
      pTaskParams: {},
    });
    expect(await quarantineOf(hostId, title)).toHaveLength(1);
    await advance(SYNC_SECONDS + 1);
    expect(await quarantineOf(hostId, title)).toHaveLength(0);

    // 4. Isolate the host for ten minutes: its settings show it from the next sync until the timeout.
    const isolation = { strType: 'SS_SETTINGS', strProduct: 'EDRAgent', strVersion: '3.0.0.0' };
    const state = async (): Promise<Item> =>
      (
        await soc.call('HostGroup.SS_Read', {
          strHostName: hostId,
          strType: 'SS_PRODINFO',
          strProduct: 'EDRAgent',
          strVersion: '3.0.0.0',
          strSection: 'NetworkIsolationState',
        })
      )['PxgRetVal'] as Item;
    await soc.call('HostGroup.SS_Write', {
      strHostName: hostId,
      ...isolation,
      strSection: 'NetworkIsolation',
      nOption: 3,
      pSettings: {
        Enable: true,
        UseIsolationTimeout: true,
        IsolationTimeout: 600,
        NotifyUser: true,
        Exclusions: [],
      },
    });
    const settings = (
      await soc.call('HostGroup.SS_Read', {
        strHostName: hostId,
        ...isolation,
        strSection: 'NetworkIsolation',
      })
    )['PxgRetVal'] as Item;
    expect(settings).toMatchObject({ Enable: true, IsolationTimeout: 600 });
    expect((await state())['IsolationActive']).toBe(false);
    await advance(SYNC_SECONDS + 1);
    expect((await state())['IsolationActive']).toBe(true);
    await advance(5 * 60);
    expect((await state())['IsolationActive']).toBe(true);
    await advance(6 * 60);
    expect((await state())['IsolationActive']).toBe(false);
    const after = (
      await soc.call('HostGroup.SS_Read', {
        strHostName: hostId,
        ...isolation,
        strSection: 'NetworkIsolation',
      })
    )['PxgRetVal'] as Item;
    expect(after['Enable']).toBe(false);
  });
});
