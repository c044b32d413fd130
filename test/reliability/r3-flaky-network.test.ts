/**
 * R3, flaky network: `reset_peer` at 10 % per request between each client and its emulator (through the fault
 * proxy). Every read succeeds within 3 attempts; a change whose answer was cut (it had reached the server) is
 * never sent again, so the server sees each change exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors.ts';
import { KicsClient } from '../../src/kics/client/index.ts';
import { DEFAULT_AUTH_PATH } from '../../src/kics/client/operations.ts';
import { KscClient, type KscLogRecord } from '../../src/ksc/client/client.ts';
import { startKicsEmulator, type RunningKicsEmulator } from '../../src/emulator/kics/emulator.ts';
import type { FaultProxy } from '../support/fault-proxy.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';
import { proxyInFrontOf } from './support.ts';

const READS = 150;
const CHANGES = 40;
const fast = { sleep: () => Promise.resolve() };

/** The highest attempt the client logged for each request it made. */
function attemptsByCall(records: readonly KscLogRecord[]): number[] {
  const calls = records.filter((r) => r.message === 'call');
  const perCall: number[] = [];
  for (const record of calls) {
    if (record.attempt === 1) perCall.push(1);
    else perCall[perCall.length - 1] = record.attempt ?? 1;
  }
  return perCall;
}

describe('R3 flaky network: KSC', () => {
  let emulator: TestEmulator;
  let proxy: FaultProxy;
  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', { hosts: 20, events: 50, virtualServers: [] });
    proxy = await proxyInFrontOf(emulator.url, 3);
  });
  afterAll(async () => {
    await proxy?.close();
    await emulator?.stop();
  });

  it('every read succeeds with at most 3 attempts per call', async () => {
    const log: KscLogRecord[] = [];
    const client = new KscClient(
      { url: proxy.url(), credentials: { user: 'admin', password: TEST_PASSWORD }, attempts: 3 },
      { ...fast, logger: (r) => log.push(r) },
    );
    try {
      await client.call('HostGroup.GroupIdGroups'); // logs in before the faults start
      proxy.set({ resetPeer: { toxicity: 0.1 } });
      const before = proxy.counters.faults.resetPeer;
      let succeeded = 0;
      for (let i = 0; i < READS; i++) {
        await (i % 2 === 0
          ? client.call('HostGroup.GroupIdGroups')
          : client.call('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_PRODUCT_VERSION'] }));
        succeeded++;
      }
      const attempts = attemptsByCall(log).slice(1);
      expect(succeeded).toBe(READS);
      expect(attempts).toHaveLength(READS);
      expect(Math.max(...attempts)).toBeLessThanOrEqual(3);
      const resets = proxy.counters.faults.resetPeer - before;
      expect(resets).toBeGreaterThanOrEqual(5);
      expect(attempts.filter((n) => n > 1).length).toBeGreaterThanOrEqual(5);
    } finally {
      proxy.clear();
      await client.close();
    }
  });

  it('a change whose answer was cut is not sent again: exactly one arrival per request', async () => {
    const log: KscLogRecord[] = [];
    const client = new KscClient(
      { url: proxy.url(), credentials: { user: 'admin', password: TEST_PASSWORD }, attempts: 3 },
      { ...fast, logger: (r) => log.push(r) },
    );
    try {
      const root = (await client.call('HostGroup.GroupIdGroups')).PxgRetVal;
      const arrivedBefore = await emulator.callsReceived();
      proxy.set({ resetPeer: { toxicity: 0.1 } });
      const outcomes: Array<'ok' | 'ambiguous'> = [];
      for (let i = 0; i < CHANGES; i++) {
        try {
          await client.call('HostGroup.AddGroup', { pInfo: { name: `r3-${i}`, parentId: root } });
          outcomes.push('ok');
        } catch (error) {
          // Sent and cut: the client must say so and must not repeat it.
          expect(error).toBeInstanceOf(ConnectionError);
          expect(error).toMatchObject({ retryable: false });
          outcomes.push('ambiguous');
        }
      }
      proxy.clear();
      const arrived = (await emulator.callsReceived()) - arrivedBefore;
      // Each change arrived exactly once (the counter counts KLOAPI calls only).
      expect(arrived).toBe(CHANGES);
      expect(outcomes.filter((o) => o === 'ambiguous').length).toBeGreaterThan(0);
      expect(attemptsByCall(log).every((n) => n === 1)).toBe(true);
      // Each change took effect once, answered or not: every group is there.
      const caller = await emulator.session();
      const accessor = await caller.call('HostGroup.FindGroups', {
        wstrFilter: '(name = "r3-*")',
        vecFieldsToReturn: ['id', 'name'],
        vecFieldsToOrder: [],
        lMaxLifeTime: 60,
      });
      const groups = await caller.chunkAll(accessor['strAccessor'] as string);
      const names = groups.map((g) => g['name']);
      expect(new Set(names).size).toBe(CHANGES);
      expect(names).toHaveLength(CHANGES);
    } finally {
      proxy.clear();
      await client.close();
    }
  });
});

describe('R3 flaky network: KICS for Networks', () => {
  const password = 'test-only-package-password-r3';
  let dir: string;
  let kics: RunningKicsEmulator;
  let proxy: FaultProxy;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-r3-kics-'));
    kics = await startKicsEmulator({
      port: 0,
      dataDir: join(dir, 'kics'),
      devices: 20,
      events: 20,
      connectorPassword: password,
    });
    proxy = await proxyInFrontOf(kics.url, 5);
  });
  afterAll(async () => {
    await proxy?.close();
    await kics?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('every read succeeds with at most 3 attempts per call', async () => {
    const attempts = new Map<string, number>();
    const client = await KicsClient.create(
      {
        url: proxy.url('https'),
        authUrl: `${proxy.url('https')}${DEFAULT_AUTH_PATH}`,
        credentials: { package: kics.packageDir, password },
        attempts: 3,
      },
      {
        ...fast,
        logger: (r) => {
          if (r.message === 'call' && r.attempt !== undefined) attempts.set(`${attempts.size}`, r.attempt);
        },
      },
    );
    try {
      await client.about();
      proxy.set({ resetPeer: { toxicity: 0.1 } });
      const before = proxy.counters.faults.resetPeer;
      for (let i = 0; i < READS; i++) {
        await (i % 2 === 0 ? client.about() : client.queryDevices({ limit: 5 }));
      }
      expect(proxy.counters.faults.resetPeer - before).toBeGreaterThanOrEqual(5);
      expect(Math.max(...attempts.values())).toBeLessThanOrEqual(3);
    } finally {
      proxy.clear();
      await client.close();
    }
  });
});
