import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { quarantineFiles } from '../../../src/commands/ksc/quarantine-files.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { failure, type KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;

const LICENSE_EXPIRED = 1 << 9;
const dn = (host: HostRecord) => host.attributes['KLHST_WKS_DN'] as string;
const maskOf = (host: HostRecord) => Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0);

describe('quarantine_files', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let kes: HostRecord[];
  let linux: HostRecord;

  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    const hosts = h.emu.ksc.world.hostsOf(0);
    kes = hosts.filter(
      (x) =>
        x.products.some((p) => p.name === 'KES') &&
        x.products.some((p) => p.name === '1103') &&
        (maskOf(x) & LICENSE_EXPIRED) === 0,
    );
    linux = hosts.find((x) => !x.products.some((p) => p.name === 'KES'))!;
    expect(kes.length).toBeGreaterThanOrEqual(8);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(quarantineFiles, quarantineFiles.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('creates and starts one KES task for the hosts that can run it and reports the others', async () => {
    const [a, b] = [kes[0]!, kes[1]!];
    const path = 'C:\\Users\\Public\\Downloads\\payload_1.exe';
    const result = await h.run(quarantineFiles, {
      hostNames: [dn(a), b.id, dn(linux), 'NO-SUCH-HOST'],
      files: [path],
      displayName: 'Quarantine payload_1',
    });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors.map((e) => [e.item, e.statusCode, e.code])).toEqual([
      [dn(linux), 409, 'CONFLICT'],
      ['NO-SUCH-HOST', 404, 'NOT_FOUND'],
    ]);
    expect(result.errors[0]!.message).toContain('no Kaspersky Endpoint Security for Windows');

    const taskId = result.keyFields['QuarantineFileTaskID'] as string;
    const task = (await admin.call('Tasks.GetTaskData', { strTask: taskId }))['PxgRetVal'] as Item;
    expect(task['TASK_NAME']).toBe('QuarantineFile');
    expect((task['TASK_ADDITIONAL_PARAMS'] as Item)['FilePaths']).toEqual([path]);
    const info = task['TASK_INFO_PARAMS'] as Item;
    expect(info['DisplayName']).toBe('Quarantine payload_1');
    expect((info['HostList'] as Item[]).map((x) => x['HostName'])).toEqual([a.id, b.id]);

    const raw = result.raw as Item[];
    expect(raw).toHaveLength(1);
    expect(raw[0]).toEqual({
      quarantineFileTaskId: taskId,
      pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: [] },
      results: [a, b].map((x) => ({
        hostId: x.id,
        file: path,
        fileID: null,
        message: 'Queued: the host runs the task at its next agent sync.',
      })),
    });
    expect(result.keyFields).toEqual({
      QuarantineFileTaskID: taskId,
      HostNames: [dn(a), dn(b)],
      HostIDs: [a.id, b.id],
      QuarantineNewState: [0, 0],
      QuarantineStateName: ['Not started yet', 'Not started yet'],
      FileIDs: [],
    });
    expect(result.result).toEqual({
      title: 'Quarantine Files',
      columns: ['Quarantine File Tasks Count'],
      rows: [[1]],
    });
  });

  it('waits until the hosts ran the task, with its events and the File IDs of the quarantined files', async () => {
    const host = kes[2]!;
    const path = 'C:\\Temp\\dropper_2.exe';
    const result = await h.run(quarantineFiles, {
      hostNames: [host.id],
      files: [path],
      displayName: 'Quarantine dropper_2',
      wait: true,
    });
    expect(result.status).toBe('Successful');
    const [item] = await admin.viewAll('Quarantine', {
      filter: `(&(strHostName = "${host.id}")(szFileTitle = "dropper_2.exe"))`,
      fields: ['nId', 'iObjStatus'],
    });
    const fileId = item!['nId'] as number;
    expect(result.keyFields).toMatchObject({
      HostIDs: [host.id],
      QuarantineNewState: [4],
      QuarantineStateName: ['Completed successfully'],
      FileIDs: [fileId],
    });
    const raw = (result.raw as Item[])[0]!;
    expect(raw['results']).toEqual([
      { hostId: host.id, file: path, fileID: fileId, message: `Quarantined as File ID ${fileId}.` },
    ]);
    const events = (raw['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: { type: string; value: Item }[] })
      .KLEVP_EVENT_RANGE_ARRAY;
    const states = events.filter((e) => e.value['event_type'] === 'KLPRCI_TaskState');
    expect(states.map((e) => e.value['task_new_state'])).toEqual([1, 4]);
    const last = states[states.length - 1]!;
    expect(last.type).toBe('params');
    expect(last.value).toMatchObject({ hostname: host.id, hostdn: dn(host), task_old_state: 1 });
    expect(last.value['rise_time']).toMatchObject({ type: 'datetime' });
  });

  it('refuses a host whose licence has expired, and fails when no host can run the task', async () => {
    const host = kes[3]!;
    const world = h.emu.ksc.world;
    await world.saveHosts([
      { ...host, attributes: { ...host.attributes, KLHST_WKS_STATUS_MASK: maskOf(host) | LICENSE_EXPIRED } },
    ]);
    try {
      const result = await h.run(quarantineFiles, {
        hostNames: [host.id],
        files: ['C:\\Temp\\x.exe'],
        displayName: 'Quarantine x',
      });
      expect(result.status).toBe('Failed');
      expect(result.raw).toBeNull();
      expect(firstError(result)).toMatchObject({ statusCode: 409, code: 'CONFLICT', item: host.id });
      expect(firstError(result).message).toContain('licence');
    } finally {
      await world.saveHosts([host]);
    }
  });

  it('reports a host whose run failed, with the reason the host gave', async () => {
    const [ok, expiring] = [kes[6]!, kes[7]!];
    const world = h.emu.ksc.world;
    const base = h.context('admin');
    let expired = false;
    // The licence lapses after the task was created and before the hosts run it.
    const ctx = {
      ...base,
      sleep: async (ms: number) => {
        if (!expired) {
          expired = true;
          await world.saveHosts([
            {
              ...expiring,
              attributes: {
                ...expiring.attributes,
                KLHST_WKS_STATUS_MASK: maskOf(expiring) | LICENSE_EXPIRED,
              },
            },
          ]);
        }
        await base.sleep!(ms);
      },
    };
    try {
      const result = await executeCommand(quarantineFiles, ctx, {
        hostNames: [ok.id, expiring.id],
        files: ['C:\\Temp\\late.exe'],
        displayName: 'Quarantine late',
        wait: true,
      });
      expect(result.status).toBe('Partially Successful');
      expect(result.keyFields).toMatchObject({
        QuarantineNewState: [4, 3],
        QuarantineStateName: ['Completed successfully', 'Failed'],
      });
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ statusCode: 502, code: 'UPSTREAM_ERROR', item: expiring.id });
      expect(result.errors[0]!.message).toContain('Component not supported by license');
      const results = (result.raw as Item[])[0]!['results'] as Item[];
      expect(results[1]).toMatchObject({
        hostId: expiring.id,
        fileID: null,
        message: 'Not quarantined: Component not supported by license.',
      });
    } finally {
      await world.saveHosts([expiring]);
    }
  });

  it('needs the rights to create and run a KES task, and names bad input', async () => {
    for (const user of ['reader', 'analyst']) {
      const denied = await h.run(
        quarantineFiles,
        { hostNames: [kes[4]!.id], files: ['C:\\Temp\\y.exe'], displayName: 'Quarantine y' },
        user,
      );
      expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    }
    const relative = await h.run(quarantineFiles, {
      hostNames: [kes[4]!.id],
      files: ['y.exe'],
      displayName: 'Quarantine y',
    });
    expect(firstError(relative).message).toMatch(/^The value for parameter \(files\.0\) is invalid/);
    const long = await h.run(quarantineFiles, {
      hostNames: [kes[4]!.id],
      files: ['C:\\Temp\\y.exe'],
      displayName: 'x'.repeat(101),
    });
    expect(firstError(long)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(long).message).toMatch(/^The value for parameter \(displayName\) is invalid/);
  });

  it('acts once per idempotency key', async () => {
    const input = {
      hostNames: [kes[5]!.id],
      files: ['C:\\Temp\\z.exe'],
      displayName: 'Quarantine z',
      idempotencyKey: 'quarantine-z',
    };
    const first = await h.run(quarantineFiles, input);
    expect(first.status).toBe('Successful');
    expect(await h.run(quarantineFiles, input)).toEqual(first);
    // Task ids are allocated in order: no second task was created.
    const next = String(Number(first.keyFields['QuarantineFileTaskID']) + 1);
    expect((await failure(admin.call('Tasks.GetTask', { strTask: next }))).pxgMessage).toBe(
      `Task #${next} was not found`,
    );
  });
});
