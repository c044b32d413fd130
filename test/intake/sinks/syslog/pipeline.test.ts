/**
 * End to end through `runPipeline`: the KSC emulator's history → the OCSF mapping (as in issue 19's example) → the
 * syslog sink made from its configuration (the registry) → a real rsyslog over TCP, with a ledger by event key.
 * R11's syslog part: rsyslog goes down while the pipeline follows; the write fails with a retryable error, the
 * runner waits (the source is not read meanwhile), and once rsyslog is back every event arrives — 0 lost,
 * duplicates at most the batch in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../src/intake/checkpoints/index.ts';
import { createMapping } from '../../../../src/intake/mappings/index.ts';
import { runPipeline } from '../../../../src/intake/runner.ts';
import { createSink, resolveSinkConfig } from '../../../../src/intake/sinks/index.ts';
import { createSource, sourceConfig } from '../../../../src/intake/sources/index.ts';
import type { PipelineStatus } from '../../../../src/intake/status.ts';
import { KscClient } from '../../../../src/ksc/client/client.ts';
import { parseCef } from '../../../support/cef-leef.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../../support/ksc-emulator.ts';
import { startRsyslog, type ReceivedMessage, type Rsyslog } from '../../../support/rsyslog.ts';
import { waitFor } from '../../../support/wait-for.ts';

const EVENTS = 600;
const BATCH = 50;

function keyOf(message: ReceivedMessage): string {
  return /key="([^"]*)"/.exec(message.structuredData)?.[1] ?? '';
}

/** How many times each key arrived for one pipeline. */
function ledger(rsyslog: Rsyslog, pipeline: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of rsyslog.messages()) {
    if (!message.structuredData.includes(`pipeline="${pipeline}"`)) continue;
    counts.set(keyOf(message), (counts.get(keyOf(message)) ?? 0) + 1);
  }
  return counts;
}

async function eventIds(emulator: TestEmulator): Promise<string[]> {
  const ids: string[] = [];
  // The emulator's state reports the count; the ids are event_db_id 1..count in a fresh world.
  const state = await emulator.control('GET', '/__emulator/state');
  const count = (state.body as { events: number }).events;
  for (let id = 1; id <= count; id++) ids.push(String(id));
  return ids;
}

describe('KSC emulator → OCSF → syslog (CEF over TCP) → rsyslog', () => {
  let emulator: TestEmulator;
  let rsyslog: Rsyslog;
  let dir: string;
  let store: CheckpointStore;
  const clients: KscClient[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', { events: EVENTS, hosts: 30, virtualServers: [] });
    rsyslog = await startRsyslog();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-syslog-pipeline-'));
    store = await CheckpointStore.open({ file: path.join(dir, 'checkpoints.sqlite') });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  });
  afterAll(async () => {
    await store?.close();
    await rsyslog?.dispose();
    await emulator?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function parts(pipeline: string) {
    const client = new KscClient({
      url: emulator.url,
      credentials: { user: 'admin', password: TEST_PASSWORD },
    });
    clients.push(client);
    const resolved = resolveSinkConfig(
      { type: 'syslog', url: `tcp://127.0.0.1:${rsyslog.tcpPort}`, format: 'cef', timeoutSeconds: 5 },
      { base: dir, env: {}, field: `pipelines.${pipeline}.sink` },
    );
    return {
      name: pipeline,
      source: createSource(sourceConfig.parse({ type: 'ksc.events', connection: 'lab', start: 'start' }), {
        client,
        pipeline,
      }),
      mapping: createMapping('ocsf'),
      sink: createSink(resolved, { pipeline }),
      checkpoints: store,
      batchSize: BATCH,
    };
  }

  it('--once delivers every event exactly once, as CEF whose externalId is the event key', async () => {
    const status = await runPipeline({ ...parts('once'), once: true });
    expect(status.state).toBe('stopped');
    const expected = await eventIds(emulator);
    const counts = await waitFor(() => {
      const seen = ledger(rsyslog, 'once');
      return seen.size >= expected.length ? seen : undefined;
    });
    expect([...counts.keys()].sort()).toEqual([...expected].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(status.sinkPosition).toEqual({ sent: expected.length });
    const sample = rsyslog.messages().find((m) => m.structuredData.includes('pipeline="once"'))!;
    const cef = parseCef(sample.msg.trimStart());
    expect(cef).toMatchObject({ vendor: 'Kaspersky', product: 'Security Center' });
    expect(cef.extension['externalId']).toBe(keyOf(sample));
    expect(sample.msgId).toBe('ksc.events');
  });

  it('R11: rsyslog down while following → retrying, the source waits; back → 0 lost, duplicates ≤ one batch', async () => {
    const states: PipelineStatus[] = [];
    const abort = new AbortController();
    const running = runPipeline({
      ...parts('r11'),
      pollIntervalMs: 100,
      retry: { baseMs: 50, capMs: 400 },
      signal: abort.signal,
      onProgress: (status) => states.push(status),
    });
    try {
      const before = await eventIds(emulator);
      await waitFor(() => ledger(rsyslog, 'r11').size >= before.length, { timeoutMs: 60_000 });
      await waitFor(() => states.at(-1)?.state === 'following', { timeoutMs: 30_000 });

      await rsyslog.stop();
      await emulator.control('POST', '/__emulator/events', { count: 300 });
      await waitFor(() => states.some((s) => s.state === 'retrying'), { timeoutMs: 30_000 });
      const retrying = states.filter((s) => s.state === 'retrying').at(-1)!;
      expect(retrying.errors.at(-1)).toMatchObject({ stage: 'sink-write', retryable: true });
      // Backpressure: while the write is retried, the source is not read.
      const calls = await emulator.callsReceived();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await emulator.callsReceived()).toBe(calls);

      await rsyslog.start();
      const all = await eventIds(emulator);
      expect(all.length).toBe(before.length + 300);
      const counts = await waitFor(
        () => {
          const seen = ledger(rsyslog, 'r11');
          return all.every((id) => seen.has(id)) ? seen : undefined;
        },
        { timeoutMs: 60_000, what: 'every event at rsyslog after it came back' },
      );
      const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
      expect(all.filter((id) => !counts.has(id))).toEqual([]);
      expect(duplicates).toBeLessThanOrEqual(BATCH);
      console.log(`R11 syslog: ${all.length} events, 0 lost, ${duplicates} duplicates`);
    } finally {
      abort.abort();
      await running.catch(() => undefined);
    }
  });
});
