/**
 * Exactly-once into JetStream across crashes and outages. A pipeline process killed with SIGKILL right after a
 * batch reached the stream but before its checkpoint was committed publishes that batch again on restart; the
 * server drops the repeats by `Nats-Msg-Id`, so the stream holds every key once. And with the server down
 * mid-run, the runner retries (retryable errors in its status) and finishes with nothing lost or repeated.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../../src/intake/checkpoints/index.ts';
import { runPipeline } from '../../../../src/intake/runner.ts';
import { NatsSink } from '../../../../src/intake/sinks/nats/index.ts';
import type { Mapping, Sink, Source } from '../../../../src/intake/types.ts';
import { startNatsServer, type NatsServer } from '../../../support/nats-server.ts';
import { streamCount, streamMessages } from './support.ts';

const script = fileURLToPath(new URL('./support/nats-crash-pipeline.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

let server: NatsServer;
let dir: string;
beforeAll(async () => {
  server = await startNatsServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-nats-crash-'));
}, 60_000);
afterAll(async () => {
  await server?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function runProcess(
  env: Record<string, string>,
): Promise<{ signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, NATS_URL: server.url, NATS_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ signal, stdout, stderr })));
}

const keys = (count: number) => Array.from({ length: count }, (_, n) => `k${String(n).padStart(8, '0')}`);

describe('the nats sink across crashes', () => {
  it('kill -9 between publish and commit, again and again: the stream holds every key once', async () => {
    const total = 2000;
    const written: string[] = [];
    // Kill after the 1st write of a run, then the 3rd, 2nd, …: each run commits a few batches before its kill.
    for (const killAfter of [1, 3, 2, 4, 1, 2]) {
      const run = await runProcess({ NATS_TOTAL: String(total), NATS_KILL_AFTER_WRITE: String(killAfter) });
      expect(run.signal, run.stderr).toBe('SIGKILL');
      written.push(...[...run.stdout.matchAll(/^write (\S+)$/gm)].map((m) => m[1]!));
    }
    const last = await runProcess({ NATS_TOTAL: String(total) });
    expect(last.signal, last.stderr).toBeNull();
    expect(last.stdout).toMatch(/"done":"stopped"/);
    written.push(...[...last.stdout.matchAll(/^write (\S+)$/gm)].map((m) => m[1]!));

    // The kills did make batches go out twice: without the server's de-duplication these would be duplicates.
    // Every kill made its batch go out twice: without the server's de-duplication, 6 batches would be duplicated.
    const republishedBatches = written.length - new Set(written).size;
    expect(republishedBatches).toBe(6);

    const stored = await streamMessages(server.url, 'CRASH');
    expect(stored.map((m) => m.id)).toEqual(keys(total).map((key) => `crash:${key}`));
    expect(stored.map((m) => m.document['key'])).toEqual(keys(total));
  }, 300_000);

  it('the server down mid-run: retryable errors, then every key once after it is back', async () => {
    const total = 3000;
    let served = 0;
    let restarted: Promise<void> | undefined;
    const source: Source = {
      type: 'ksc.events',
      async next(cursor, limit) {
        const from =
          typeof cursor === 'object' && cursor !== null && !Array.isArray(cursor) ? Number(cursor.n) : 0;
        // After a third of the records, take the server down for a while (a receiver outage).
        if (from >= total / 3 && restarted === undefined) {
          await server.kill();
          restarted = new Promise((resolve) => setTimeout(resolve, 2_000)).then(() => server.restart());
        }
        const to = Math.min(total, from + limit);
        served += to - from;
        const records = keys(total)
          .slice(from, to)
          .map((key, i) => ({
            kind: 'record' as const,
            source: 'ksc.events' as const,
            key,
            time: new Date(1_700_000_000_000 + (from + i) * 1000).toISOString(),
            data: { n: from + i },
          }));
        return { records, cursor: { n: to }, atHead: to >= total };
      },
      close: () => Promise.resolve(),
    };
    const mapping: Mapping = { name: 'raw', map: (record) => [{ key: record.key }] };
    const sink: Sink = new NatsSink({
      connection: { url: server.url },
      stream: 'OUTAGE',
      subject: 'kc.outage',
      pipeline: 'outage',
      ackTimeoutMs: 1_000,
    });
    const store = await CheckpointStore.open({ file: path.join(dir, 'outage.sqlite') });
    try {
      const status = await runPipeline({
        name: 'outage',
        source,
        mapping,
        sink,
        checkpoints: store,
        batchSize: 200,
        once: true,
        retry: { baseMs: 200, capMs: 1_000, maxAttempts: 100 },
      });
      await restarted;
      expect(status.state).toBe('stopped');
      expect(status.errors.length).toBeGreaterThan(0);
      expect(status.errors.every((error) => error.retryable)).toBe(true);
    } finally {
      await sink.close();
      await store.close();
    }
    expect(served).toBe(total);
    expect(await streamCount(server.url, 'OUTAGE')).toBe(total);
    const ids = (await streamMessages(server.url, 'OUTAGE')).map((m) => m.id);
    expect(ids).toEqual(keys(total).map((key) => `outage:${key}`));
  }, 120_000);
});
