import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { startTestEmulator, type KscCaller, type TestEmulator } from '../../support/ksc-emulator.ts';
import { request, resultOf, TestContexts, testServiceDatabase } from './support.ts';

type Item = Record<string, unknown>;
const KES_SCAN = 'Virus Scan with Kaspersky Endpoint Security for Windows(11.7.0)';
const LICENSE_EXPIRED = 1 << 9;

describe('two replicas on one PostgreSQL database', () => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let contextsA: TestContexts;
  let contextsB: TestContexts;
  let a: RunningService;
  let b: RunningService;
  let drop: () => Promise<void>;
  let token: string;
  let targets: HostRecord[];

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 60, events: 300 });
    admin = await emu.session('admin');
    const database = await testServiceDatabase('postgres');
    drop = database.drop;
    // Each replica has its own KSC clients, as separate processes would.
    contextsA = new TestContexts(emu);
    contextsB = new TestContexts(emu);
    // Started together: both migrate the same empty database at once.
    [a, b] = await Promise.all([
      startService({
        contexts: contextsA.context,
        database: database.location,
        port: 0,
        replica: 'replica-a',
      }),
      startService({
        contexts: contextsB.context,
        database: database.location,
        port: 0,
        replica: 'replica-b',
      }),
    ]);
    token = (await a.tokens.create('playbook', 'read,respond,admin')).token;
    targets = emu.ksc.world
      .hostsOf(0)
      .filter(
        (x) =>
          ['1103', 'KES'].every((p) => x.products.some((q) => q.name === p)) &&
          (Number(x.attributes['KLHST_WKS_STATUS_MASK'] ?? 0) & LICENSE_EXPIRED) === 0,
      );
    expect(targets.length).toBeGreaterThanOrEqual(2);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await contextsA?.close();
    await contextsB?.close();
    await emu?.stop();
    await drop?.();
  });

  async function taskCount(): Promise<number> {
    const reset = await admin.call('Tasks.ResetTasksIterator', { bGroupIdSignificant: false });
    const strTaskIteratorId = reset['strTaskIteratorId'] as string;
    let count = 0;
    for (;;) {
      const next = (await admin.call('Tasks.GetNextTask', { strTaskIteratorId }))['pTaskData'] as Item;
      if (Object.keys(next).length === 0) break;
      count++;
    }
    await admin.call('Tasks.ReleaseTasksIterator', { strTaskIteratorId });
    return count;
  }

  const scan = (service: RunningService, host: HostRecord, key: string) =>
    request(service.url, '/v1/commands/scan_hosts', {
      token,
      body: JSON.stringify({
        hostNames: [host.attributes['KLHST_WKS_DN']],
        scanType: KES_SCAN,
        scanDisplayName: `Scan ${key}`,
        idempotencyKey: key,
      }),
    });

  it('share tokens: one made on replica A works on replica B', async () => {
    const answer = await request(b.url, '/v1/commands/list_groups', { token, body: '{"limit":1}' });
    expect(answer.status).toBe(200);
  });

  it('honour one idempotency key across them: the scan task is created once, both get its result', async () => {
    const before = await taskCount();
    const [fromA, fromB] = await Promise.all([
      scan(a, targets[0]!, 'incident-4711'),
      scan(b, targets[0]!, 'incident-4711'),
    ]);
    expect([fromA.status, fromB.status]).toEqual([200, 200]);
    const resultA = resultOf(fromA);
    const resultB = resultOf(fromB);
    expect(resultA.status).toBe('Successful');
    const taskId = (resultA.raw as { taskId: string }).taskId;
    expect(taskId).toMatch(/^\d+$/);
    expect(resultB).toEqual(resultA);
    expect(await taskCount()).toBe(before + 1);

    // A retry later, on the other replica, still gets the first result and creates nothing.
    const retry = resultOf(await scan(b, targets[0]!, 'incident-4711'));
    expect((retry.raw as { taskId: string }).taskId).toBe(taskId);
    expect(await taskCount()).toBe(before + 1);

    // Another key acts again.
    const other = resultOf(await scan(a, targets[1]!, 'incident-4712'));
    expect((other.raw as { taskId: string }).taskId).not.toBe(taskId);
    expect(await taskCount()).toBe(before + 2);
  });

  it('share the audit log: calls on both replicas show on either', async () => {
    const answer = await request(a.url, '/v1/audit?command=scan_hosts', { token });
    const entries = (answer.json as { entries: Array<{ replica: string; idempotencyKey: string }> }).entries;
    expect(entries).toHaveLength(4);
    expect(new Set(entries.map((e) => e.replica))).toEqual(new Set(['replica-a', 'replica-b']));
    expect(entries.filter((e) => e.idempotencyKey === 'incident-4711')).toHaveLength(3);
  });

  it('see a revocation on one replica at once on the other', async () => {
    const made = await b.tokens.create('temporary', 'read');
    expect((await request(a.url, '/v1/commands', { token: made.token })).status).toBe(200);
    await b.tokens.revoke(made.info.id);
    expect((await request(a.url, '/v1/commands', { token: made.token })).status).toBe(401);
  });
});
