/**
 * Issue 14, item 2: a read-only token cannot starve incident response. Waiting commands give their KSC slot back
 * between polls, and read-only calls never take the slots kept for responsive ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/commands/index.ts';
import { ServerLimits } from '../../../src/adapters/http/limits.ts';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { startTestEmulator, type TestEmulator } from '../../support/ksc-emulator.ts';
import { request, resultOf, TestContexts, testServiceDatabase } from './support.ts';

/** Lets granted waiters run their continuations. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ServerLimits reserves slots for responsive calls', () => {
  it('lets reads take all but the reserved slots, and hands a freed slot to a responsive call first', async () => {
    const limits = new ServerLimits({ maxConcurrentPerServer: 4, maxQueue: 8 });
    expect(limits.reservedForRespond).toBe(1);
    const reads = await Promise.all([1, 2, 3].map(() => limits.acquire('prod', 'read')));
    let fourthRead = false;
    const queuedRead = limits.acquire('prod', 'read').then((release) => ((fourthRead = true), release));
    // The reserved slot is free for an isolation although reads are queued.
    const respond = await limits.acquire('prod', 'respond');
    expect(limits.load()).toEqual([{ connection: 'prod', active: 4, queued: 1 }]);
    // Full: a responsive call waits, and gets the next freed slot before the read queued earlier.
    let secondRespond = false;
    const queuedRespond = limits
      .acquire('prod', 'respond')
      .then((release) => ((secondRespond = true), release));
    reads[0]!();
    await tick();
    expect([secondRespond, fourthRead]).toEqual([true, false]);
    // Two reads and two responsive calls run: a freed slot now fits the queued read (three reads at most).
    respond();
    await tick();
    expect(fourthRead).toBe(true);
    (await queuedRead)();
    reads[1]!();
    (await queuedRespond)();
    reads[2]!();
    expect(limits.load()).toEqual([{ connection: 'prod', active: 0, queued: 0 }]);
  });

  it('refuses a reserve that leaves reads nothing', () => {
    expect(() => new ServerLimits({ maxConcurrentPerServer: 2, reservedForRespond: 2 })).toThrow(
      /limits\.reservedForRespond/,
    );
  });
});

describe('waits between polls hold no KSC slot', () => {
  let emu: TestEmulator;
  let contexts: TestContexts;
  let service: RunningService;
  let drop: () => Promise<void>;
  /** Pauses of waiting commands end when the test opens the gate; then they move the emulator's clock. */
  let openGate: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (openGate = resolve));
  const pausing = { count: 0 };

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 20, events: 10 });
    contexts = new TestContexts(emu);
    const database = await testServiceDatabase('sqlite');
    drop = database.drop;
    service = await startService({
      contexts: (connection): CommandContext => ({
        ...contexts.context(connection),
        sleep: async (ms) => {
          pausing.count++;
          await gate;
          await emu.control('POST', '/__emulator/clock/advance', { ms });
        },
      }),
      database: database.location,
      port: 0,
      // The default pool: 8 slots, 2 of them reserved for responsive calls.
      limits: { maxConcurrentPerServer: 8 },
    });
  });
  afterAll(async () => {
    openGate();
    await service?.close();
    await contexts?.close();
    await emu?.stop();
    await drop?.();
  });

  it('isolates a host promptly while eight read-only waits for a task are in progress', async () => {
    const reader = (await service.tokens.create('waiter', 'read')).token;
    const responder = (await service.tokens.create('responder', 'read,respond')).token;
    const admin = await emu.session('admin');
    const hosts = emu.ksc.world.hostsOf(0);
    const reply = await admin.call('Tasks.AddTask', {
      pData: {
        TASK_NAME: 'ods',
        TASKID_PRODUCT_NAME: 'KES',
        TASKID_VERSION: '11.0.0.0',
        TASK_INFO_PARAMS: {
          DisplayName: 'long scan',
          HostList: hosts.slice(0, 3).map((x) => ({ HostName: x.id })),
        },
      },
    });
    const taskId = reply['PxgRetVal'] as string;
    await admin.call('Tasks.RunTask', { strTask: taskId });

    const waits = Array.from({ length: 8 }, () =>
      request(service.url, '/v1/commands/wait_for_task', {
        token: reader,
        body: JSON.stringify({ taskId, waitTimeoutSeconds: 7200, pollIntervalSeconds: 10 }),
      }),
    );
    // Every wait has looked once and is pausing before its next look.
    const deadline = Date.now() + 10_000;
    while (pausing.count < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pausing.count).toBe(8);

    const agent = hosts.find((x) => x.products.some((p) => p.name === 'EDRAgent'))!;
    const started = Date.now();
    const isolation = request(service.url, '/v1/commands/isolate_hosts', {
      token: responder,
      body: JSON.stringify({ hostIds: [agent.attributes['KLHST_WKS_DN'] as string] }),
    });
    const answer = await Promise.race([
      isolation,
      new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 8000)),
    ]);
    expect(answer).not.toBe('stuck');
    const isolated = answer as Awaited<typeof isolation>;
    expect(isolated.status).toBe(200);
    expect(resultOf(isolated).status).toBe('Successful');
    expect(Date.now() - started).toBeLessThan(8000);

    openGate();
    gate = Promise.resolve();
    const finished = await Promise.all(waits);
    expect(finished.map((a) => a.status)).toEqual(Array(8).fill(200));
  }, 60_000);
});
