/**
 * R4, slow or hung KSC: latency 2 s ± 1 s, then a hung server (timeout 0). The per-call timeout fires, the
 * circuit opens after the threshold and calls then fail fast with `CircuitOpenError` (nothing queues behind the
 * hung server), a probe after the cool-down closes it once the server answers, and the intake resumes with 0 loss.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitOpenError, TimeoutError } from '../../src/errors.ts';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { KscClient } from '../../src/ksc/client/client.ts';
import type { FaultProxy } from '../support/fault-proxy.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';
import { ledger, runIntakeOnce } from './intake-ledger.ts';
import { proxyInFrontOf } from './support.ts';

const EVENTS = 300;

describe('R4 slow or hung KSC', () => {
  let emulator: TestEmulator;
  let proxy: FaultProxy;
  let dir: string;
  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', {
      hosts: 20,
      events: EVENTS,
      virtualServers: [],
      maxEvents: EVENTS,
    });
    proxy = await proxyInFrontOf(emulator.url, 7);
    dir = mkdtempSync(join(tmpdir(), 'kconnect-r4-'));
  });
  afterAll(async () => {
    await proxy?.close();
    await emulator?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('times out, opens the circuit, fails fast, closes through a probe, and the intake loses nothing', async () => {
    const log: string[] = [];
    const ksc = new KscClient(
      {
        url: proxy.url(),
        credentials: { user: 'admin', password: TEST_PASSWORD },
        timeoutMs: 3_500,
        attempts: 2,
        circuitBreaker: { failureThreshold: 3, coolDownMs: 1_000 },
        connectionName: 'lab',
      },
      { sleep: () => Promise.resolve(), logger: (r) => log.push(r.message) },
    );
    const store = await CheckpointStore.open({ file: join(dir, 'state.sqlite') });
    try {
      // Slow: 2 s ± 1 s per chunk each way stays within the 3.5 s timeout for a small read.
      proxy.set({ latency: { ms: 1_000, jitterMs: 500 } });
      await ksc.call('HostGroup.GroupIdGroups');
      // Hung: the per-call timeout fires (twice: a read is tried again), and again for the next call.
      proxy.set({ timeout: { ms: 0 } });
      const first = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
      expect(first).toBeInstanceOf(TimeoutError);
      const second = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
      // The third consecutive failure opened the circuit: the retry after it failed fast.
      expect(second).toBeInstanceOf(CircuitOpenError);
      const arrivedWhileOpen = await emulator.callsReceived();
      const started = Date.now();
      const fast = await ksc.call('HostGroup.GroupIdGroups').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(100);
      expect(fast).toBeInstanceOf(CircuitOpenError);
      expect(fast).toMatchObject({ connection: 'lab', retryable: true, code: 'UPSTREAM_UNAVAILABLE' });
      expect((fast as CircuitOpenError).retryAt.getTime()).toBeGreaterThan(Date.now());
      expect(log).toContain('circuit to lab opened after repeated failures');
      // Nothing queued behind the hung server while open.
      expect(await emulator.callsReceived()).toBe(arrivedWhileOpen);

      // The intake starts while the circuit is open and the server hung, retries, and finishes once it recovers.
      const run = runIntakeOnce(ksc, dir, store, { maxAttempts: 100 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      proxy.clear();
      const status = await run;
      expect(status.state).toBe('stopped');
      expect(status.errors.some((e) => e.name === 'CircuitOpenError' || e.name === 'TimeoutError')).toBe(
        true,
      );
      expect(log).toContain('circuit to lab closed');
      const { keys, duplicates } = ledger(dir);
      expect(keys.size).toBe(EVENTS);
      expect(duplicates).toBe(0);
    } finally {
      proxy.clear();
      await store.close();
      await ksc.close({ signal: AbortSignal.abort() });
    }
  }, 60_000);
});
