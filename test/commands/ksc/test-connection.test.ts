import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { SEED_PERMISSIONS, testConnection } from '../../../src/commands/ksc/test-connection.ts';
import { KscClient } from '../../../src/ksc/index.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Row = { right?: string; command?: string; state?: string; verdict?: string; details: string };
type Context = {
  server: { version: string };
  scopes: { managedDevices: { state: string; countedHosts: number | null; visibleHosts: number | null } };
  rights: Row[];
  commands: Row[];
  probes: { method: string; outcome: string }[];
};

// Seed 001's permission table, read by hand: commands that need more than reads (Write, Execute, selections).
const NEED_MORE_THAN_READS = [
  'Isolate Hosts',
  'Quarantine Files',
  'Scan Hosts',
  'Scan Quarantined Files',
  'Unisolate Hosts',
];
const NEED_KES_READ = ['Get Task History', 'Get Task Settings', 'Get Task Statistics', 'Quarantine Files'];

describe('test_connection', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const rightOf = (context: Context, suffix: string) =>
    context.rights.find((r) => r.right?.endsWith(suffix))!;

  it('covers every command of seed 001’s permission table', () => {
    expect(SEED_PERMISSIONS).toHaveLength(23);
    expect(SEED_PERMISSIONS.map((c) => c.title)).toContain('List Quarantine Files');
    const users = SEED_PERMISSIONS.find((c) => c.title === 'List Users')!;
    expect(users.rights).toEqual([
      {
        product: 'Administration Server',
        feature: 'Access objects regardless of their ACLs',
        operations: ['Read'],
      },
    ]);
  });

  it('for the administrator: both scopes, every read right, and the write commands "not verified"', async () => {
    const result = await h.run(testConnection, {});
    expect(result.status).toBe('Successful');
    const admin = await h.emu.session();
    const info = (await admin.call('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_PRODUCT_VERSION'] }))[
      'PxgRetVal'
    ] as Record<string, string>;
    const all = SEED_PERMISSIONS.map((c) => c.title);
    expect(result.keyFields).toEqual({
      Connected: true,
      ServerVersion: info['KLADMSRV_PRODUCT_VERSION'],
      AdministrationServerScope: 'ok',
      ManagedDevicesScope: 'ok',
      AllowedCommands: all.filter((t) => !NEED_MORE_THAN_READS.includes(t)),
      DeniedCommands: [],
      UnverifiedCommands: NEED_MORE_THAN_READS,
    });
    const context = result.context as Context;
    expect(context.scopes.managedDevices.visibleHosts).toBe(h.emu.ksc.world.hostsOf(0).length);
    expect(rightOf(context, 'Basic functionality > Write')).toMatchObject({ state: 'not verified' });
    expect(rightOf(context, 'Host Intrusion Prevention > Execute')).toMatchObject({ state: 'granted' });
    const raw = result.raw as { probes: { method: string; outcome: string; answer?: unknown }[] };
    expect(raw.probes.map((p) => p.method)).toEqual([
      'HostGroup.GetStaticInfo',
      'HostGroup.GroupIdGroups',
      'HostGroup.GetGroupInfoEx',
      'HostGroup.FindHosts',
      'SrvView.ResetIterator GlobalUsersListSrvViewName',
      'Tasks.ResetTasksIterator',
      'Tasks.GetTaskData',
      'SrvView.ResetIterator Quarantine',
    ]);
    expect(raw.probes.every((p) => p.outcome === 'ok')).toBe(true);
    expect(raw.probes[1]!.answer).toEqual({ PxgRetVal: h.emu.ksc.world.rootGroup(0)!.id });
    expect(result.result.title).toBe('Test Connection');
    expect(result.result.columns).toEqual(['Check', 'Outcome', 'Details']);
    expect(result.result.rows.slice(0, 3).map((r) => r.slice(0, 2))).toEqual([
      ['Login', 'ok'],
      ['Administration Server scope', 'ok'],
      ['Managed devices scope', 'ok'],
    ]);
    expect(result.result.rows).toContainEqual([
      'Command: Scan Hosts',
      'not verified',
      'needs Administration Server > Basic functionality > Execute, Perform operations on device selections, which could not be checked',
    ]);
  });

  it('for a read-only analyst: only List Quarantine Files is denied (KEA HIPS needs more than Read)', async () => {
    const result = await h.run(testConnection, {}, 'analyst');
    expect(result.status).toBe('Successful');
    expect(result.keyFields['DeniedCommands']).toEqual(['List Quarantine Files']);
    expect(result.keyFields['UnverifiedCommands']).toEqual(NEED_MORE_THAN_READS);
    const context = result.context as Context;
    expect(rightOf(context, 'Anti-virus functionality > Read').state).toBe('granted');
    expect(rightOf(context, 'Host Intrusion Prevention > Read')).toMatchObject({ state: 'not verified' });
    expect(rightOf(context, 'Host Intrusion Prevention > Read').details).toContain('at least one of');
  });

  it('for a basic reader: the ACL-free and KES reads are denied, and the commands that need them', async () => {
    const result = await h.run(testConnection, {}, 'reader');
    expect(result.status).toBe('Successful');
    const context = result.context as Context;
    expect(rightOf(context, 'Access objects regardless of their ACLs > Read').state).toBe('denied');
    expect(rightOf(context, 'Anti-virus functionality > Read').state).toBe('denied');
    expect(rightOf(context, 'Basic functionality > Read').state).toBe('granted');
    const denied = result.keyFields['DeniedCommands'] as string[];
    expect([...denied].sort()).toEqual([...NEED_KES_READ, 'List Quarantine Files', 'List Users'].sort());
    expect(result.keyFields['UnverifiedCommands']).toEqual(
      NEED_MORE_THAN_READS.filter((t) => !NEED_KES_READ.includes(t)),
    );
  });

  it('fails (403) for a role without the Managed devices scope, and says so', async () => {
    const result = await h.run(testConnection, {}, 'server-only');
    expect(result.status).toBe('Failed');
    expect(result.keyFields['ManagedDevicesScope']).toBe('missing');
    expect(result.keyFields['AdministrationServerScope']).toBe('ok');
    const world = h.emu.ksc.world;
    const counted = world
      .hostsOf(0)
      .filter((x) => world.subtree(world.rootGroup(0)!.id).has(x.groupId)).length;
    expect((result.context as Context).scopes.managedDevices).toMatchObject({
      state: 'missing',
      countedHosts: counted,
      visibleHosts: 0,
    });
    expect(result.errors).toHaveLength(1);
    expect(firstError(result)).toMatchObject({
      failureIndicator: 'Test Connection failed.',
      statusCode: 403,
      code: 'ACCESS_DENIED',
    });
    expect(firstError(result).message).toContain(`counts ${counted} host(s)`);
  });

  it('fails (403) for an account that cannot read at all, and (401) for wrong credentials', async () => {
    const result = await h.run(testConnection, {}, 'no-rights');
    expect(result.status).toBe('Failed');
    expect(result.keyFields).toMatchObject({ AdministrationServerScope: 'missing', AllowedCommands: [] });
    expect(result.keyFields['DeniedCommands']).toContain('Test Connection');
    expect(firstError(result)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect(firstError(result).message).toContain('Basic functionality > Read');

    const client = new KscClient(
      { url: h.emu.url, credentials: { user: 'admin', password: 'not-the-password-0001' }, backoffMs: 1 },
      { sleep: () => Promise.resolve() },
    );
    try {
      const refused = await executeCommand(testConnection, { ksc: client, now: () => Date.now() }, {});
      expect(refused.status).toBe('Failed');
      expect(refused.errors[0]).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    } finally {
      await client.close();
    }
  });
});
