import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHostTasks } from '../../../src/commands/ksc/list-host-tasks.ts';
import { ipv4FromLong } from '../../../src/commands/ksc/shared/ipv4.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

const dn = (host: HostRecord) => String(host.attributes['KLHST_WKS_DN']);

describe('list_host_tasks', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let kesHost: HostRecord;
  let linuxHost: HostRecord;
  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    const hosts = h.emu.ksc.world.hostsOf(0);
    kesHost = hosts.find((x) => x.products.some((p) => p.name === 'KES'))!;
    linuxHost = hosts.find((x) => x.products.some((p) => p.name === 'KESL'))!;
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function tasksOf(host: HostRecord): Promise<{ TaskIDs: string[]; TaskNames: string[] }> {
    const ids = (await admin.call('Tasks.GetAllTasksOfHost', { strDomainName: '', strHostName: host.id }))[
      'PxgRetVal'
    ] as string[];
    const names: string[] = [];
    for (const id of ids) {
      const task = (await admin.call('Tasks.GetTask', { strTask: id }))['PxgRetVal'] as Record<
        string,
        unknown
      >;
      names.push(String(task['DisplayName']));
    }
    return { TaskIDs: ids, TaskNames: names };
  }

  it('returns the task ids as seed 001’s raw, the task names as key fields and a count table', async () => {
    const expected = await tasksOf(kesHost);
    expect(expected.TaskIDs.length).toBeGreaterThan(0);
    const result = await h.run(listHostTasks, { hostName: dn(kesHost) });
    expect(result.status).toBe('Successful');
    expect(result.raw).toEqual({ PxgRetVal: expected.TaskIDs });
    expect(result.keyFields).toEqual(expected);
    const context = result.context as Record<string, unknown>[];
    expect(context.map((c) => c['TASK_UNIQUE_ID'])).toEqual(expected.TaskIDs);
    expect(context.every((c) => c['hostId'] === kesHost.id && typeof c['TASK_NAME'] === 'string')).toBe(true);
    expect(result.result).toEqual({
      title: 'List Host Tasks',
      columns: ['Host Tasks Count'],
      rows: [[expected.TaskIDs.length]],
    });
    // A Linux host gets the KESL tasks, not the KES ones.
    const linux = await h.run(listHostTasks, { hostName: dn(linuxHost) });
    expect(linux.keyFields).toEqual(await tasksOf(linuxHost));
    expect(linux.keyFields['TaskIDs']).not.toEqual(expected.TaskIDs);
  });

  it('names the host by id, display name, FQDN or IP, and includes tasks created for it', async () => {
    const reply = await admin.call('Tasks.AddTask', {
      pData: {
        TASK_NAME: 'ods',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASK_INFO_PARAMS: { DisplayName: 'Scan for case 42', HostList: [{ HostName: kesHost.id }] },
      },
    });
    const created = reply['PxgRetVal'] as string;
    const expected = await tasksOf(kesHost);
    expect(expected.TaskIDs).toContain(created);
    const ip = ipv4FromLong(kesHost.attributes['KLHST_WKS_IP_LONG'] as bigint)!;
    for (const hostName of [
      kesHost.id,
      dn(kesHost).toLowerCase(),
      String(kesHost.attributes['KLHST_WKS_FQDN']),
      ip,
    ]) {
      const result = await h.run(listHostTasks, { hostName });
      expect(result.keyFields, hostName).toEqual(expected);
    }
    const result = await h.run(listHostTasks, { hostName: kesHost.id });
    expect(result.keyFields['TaskNames']).toContain('Scan for case 42');
  });

  it('refuses an unknown host (404) and a name two hosts share (409, listing them)', async () => {
    const unknown = await h.run(listHostTasks, { hostName: 'NO-SUCH-HOST' });
    expect(firstError(unknown)).toMatchObject({
      failureIndicator: 'List Host Tasks failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    expect(firstError(unknown).message).toContain('NO-SUCH-HOST');

    // The generated world has unique names; re-imaged machines sharing a display name are common in real ones.
    const attributes = linuxHost.attributes as Record<string, unknown>;
    const original = attributes['KLHST_WKS_DN'];
    attributes['KLHST_WKS_DN'] = dn(kesHost);
    try {
      const shared = await h.run(listHostTasks, { hostName: dn(kesHost) });
      expect(firstError(shared)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
      expect(firstError(shared).message).toContain(kesHost.id);
      expect(firstError(shared).message).toContain(linuxHost.id);
      // Its id still names it alone.
      expect((await h.run(listHostTasks, { hostName: linuxHost.id })).status).toBe('Successful');
    } finally {
      attributes['KLHST_WKS_DN'] = original;
    }

    const empty = await h.run(listHostTasks, { hostName: '  ' });
    expect(firstError(empty)).toMatchObject({ statusCode: 400 });
    expect(firstError(empty).message).toMatch(/^The value for parameter \(hostName\) is invalid/);
  });

  it('needs Basic functionality Read', async () => {
    const denied = await h.run(listHostTasks, { hostName: dn(kesHost) }, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    const reader = await h.run(listHostTasks, { hostName: dn(kesHost) }, 'reader');
    expect(reader.status).toBe('Successful');
  });
});
