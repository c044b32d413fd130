/**
 * Exactly-once across crashes, with real processes: R1 kills a pipeline process with SIGKILL at random points
 * (after a read, a write — with a torn line — or a commit) and restarts it until it finishes; the files must then
 * hold every key exactly once, in order. R20 stops one with SIGTERM mid-batch: it finishes and commits the batch
 * in hand within the deadline, and a restart adds no duplicate. INTAKE_R1_RUNS raises the kill count (the proof
 * script runs 100+).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';

const script = fileURLToPath(new URL('./support/crash-pipeline.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

function runPipelineProcess(
  env: Record<string, string>,
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const line of chunk.split('\n')) if (line !== '') onLine?.(line, child);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on('exit', (code, signal) =>
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started }),
    ),
  );
}

/** Every line of the sink's files, rotated files by sequence and then the active file. */
function ledger(dir: string): string[] {
  const rotated = readdirSync(dir)
    .filter((name) => /^ksc-events-\d{8}T\d{6}Z-\d+\.ndjson(\.gz)?$/.test(name))
    .sort((a, b) => Number(/-(\d+)\.ndjson/.exec(a)![1]) - Number(/-(\d+)\.ndjson/.exec(b)![1]));
  let text = '';
  for (const name of rotated) {
    const bytes = readFileSync(path.join(dir, name));
    text += (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  }
  text += readFileSync(path.join(dir, 'ksc-events.ndjson'), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => (JSON.parse(line) as { key: string }).key);
}

const keys = (count: number) => Array.from({ length: count }, (_, n) => `k${String(n).padStart(8, '0')}`);

describe('intake crash safety (processes)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-intake-crash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('R1: SIGKILL at random points, restart each time: every key exactly once, in order', async () => {
    // Enough records that the kills fall while they still flow: a run gets through ~300 of them before its kill.
    const runs = Number(process.env.INTAKE_R1_RUNS ?? 20);
    const total = 400 * runs;
    let killed = 0;
    for (let run = 0; run < runs; run++) {
      const batch = 50 + Math.floor(Math.random() * 200);
      const result = await runPipelineProcess({
        INTAKE_DIR: dir,
        INTAKE_TOTAL: String(total),
        INTAKE_BATCH: String(batch),
        INTAKE_MAX_BYTES: '20000',
        // Steps: a read, a write and a commit per batch, and the first commit; some land past the end.
        INTAKE_KILL_AT: String(1 + Math.floor(Math.random() * 12)),
        INTAKE_TORN: Math.random() < 0.5 ? '1' : '0',
      });
      if (result.signal === 'SIGKILL') killed++;
      else expect(result.code, result.stderr).toBe(0);
    }
    const last = await runPipelineProcess({
      INTAKE_DIR: dir,
      INTAKE_TOTAL: String(total),
      INTAKE_BATCH: '250',
    });
    expect(last.code, last.stderr).toBe(0);
    expect(killed).toBeGreaterThan(runs / 2);
    expect(ledger(dir)).toEqual(keys(total));
    expect(readdirSync(dir).some((name) => name.endsWith('.gz'))).toBe(true);
  }, 120_000);

  it('R20: SIGTERM mid-batch commits the batch in hand within the deadline; a restart duplicates nothing', async () => {
    const env = {
      INTAKE_DIR: dir,
      INTAKE_TOTAL: '1000',
      INTAKE_BATCH: '100',
      INTAKE_SLOW_MS: '1500',
      INTAKE_DEADLINE_MS: '5000',
    };
    let signalledAt = 0;
    const stopped = await runPipelineProcess(env, (line, child) => {
      // The third read has started: stop while it is in hand.
      if (line === 'read 200' && signalledAt === 0) {
        signalledAt = Date.now();
        child.kill('SIGTERM');
      }
    });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    // The batch in hand (200..299) was written and committed; no further read started.
    expect(ledger(dir)).toEqual(keys(300));
    expect(stopped.stdout).not.toContain('read 300');
    const store = await CheckpointStore.open({ file: path.join(dir, 'state.sqlite') });
    try {
      expect((await store.read('ksc-events')).checkpoint).toMatchObject({
        sourceCursor: { next: 300 },
        totals: { records: 300, documents: 300, gaps: 0 },
      });
    } finally {
      await store.close();
    }
    const finished = await runPipelineProcess({ ...env, INTAKE_SLOW_MS: '0' });
    expect(finished.code, finished.stderr).toBe(0);
    expect(ledger(dir)).toEqual(keys(1000));
  }, 60_000);
});
