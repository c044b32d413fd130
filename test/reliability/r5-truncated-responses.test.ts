/**
 * R5, truncated or sliced answers: `slicer` splits every answer into small delayed pieces (the client reads them
 * whole), `limit_data` cuts answers mid-body: a retryable transport error (`ConnectionError`), never a JSON
 * `SyntaxError`; the intake retries and commits no partial page (ledger by event key: 0 lost, 0 duplicated).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors.ts';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { KscClient } from '../../src/ksc/client/client.ts';
import type { FaultProxy } from '../support/fault-proxy.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';
import { ledger, runIntakeOnce } from './intake-ledger.ts';
import { proxyInFrontOf } from './support.ts';

const EVENTS = 600;

describe('R5 truncated or sliced answers', () => {
  let emulator: TestEmulator;
  let proxy: FaultProxy;
  let dir: string;
  let store: CheckpointStore;
  const clients: KscClient[] = [];
  const client = (attempts = 4): KscClient => {
    const made = new KscClient(
      { url: proxy.url(), credentials: { user: 'admin', password: TEST_PASSWORD }, attempts },
      { sleep: () => Promise.resolve() },
    );
    clients.push(made);
    return made;
  };

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', {
      hosts: 20,
      events: EVENTS,
      virtualServers: [],
      maxEvents: EVENTS,
    });
    proxy = await proxyInFrontOf(emulator.url, 11);
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconnect-r5-'));
    store = await CheckpointStore.open({ file: join(dir, 'state.sqlite') });
  });
  afterEach(async () => {
    proxy.clear();
    for (const made of clients.splice(0)) await made.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await proxy?.close();
    await emulator?.stop();
  });

  it('a body cut mid-way is a retryable ConnectionError, never a SyntaxError', async () => {
    const ksc = client(1);
    await ksc.call('HostGroup.GroupIdGroups');
    proxy.set({ limitData: { bytes: 60 } });
    const error = await ksc
      .call('HostGroup.GetStaticInfo', { pValues: ['KLADMSRV_PRODUCT_VERSION', 'KLADMSRV_SERVER_HOSTNAME'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect(error).toMatchObject({ retryable: true, operation: 'HostGroup.GetStaticInfo' });
    expect(proxy.counters.faults.limitData).toBeGreaterThan(0);
  });

  it('sliced answers are read whole; the intake delivers every event once', async () => {
    proxy.set({ slicer: { averageSize: 64, sizeVariation: 32, delayMs: 0 } });
    const status = await runIntakeOnce(client(), dir, store);
    expect(status.state).toBe('stopped');
    const { keys, duplicates } = ledger(dir);
    expect(keys.size).toBe(EVENTS);
    expect(duplicates).toBe(0);
    expect(proxy.counters.faults.slicer).toBeGreaterThan(0);
  });

  it('the intake rides through answers cut mid-body: 0 lost, 0 duplicated, no partial page committed', async () => {
    const cutBefore = proxy.counters.faults.limitData;
    // About ten exchanges reach the proxy (session, pages, read-ahead): at one in two, the seeded rolls cut several
    // of them, and the pipeline's retries still finish; at one in five a run could meet no cut at all.
    proxy.set({ limitData: { bytes: 2_000, toxicity: 0.5 } });
    const status = await runIntakeOnce(client(), dir, store);
    expect(status.state).toBe('stopped');
    const { keys, duplicates, lines } = ledger(dir);
    expect(proxy.counters.faults.limitData - cutBefore).toBeGreaterThan(0);
    expect(keys.size).toBe(EVENTS);
    expect(duplicates).toBe(0);
    expect(lines).toBe(EVENTS);
  });
});
