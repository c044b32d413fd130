/**
 * Exactly-once into the PostgreSQL sink across crashes, with real processes on a real PostgreSQL: a pipeline
 * process is killed with SIGKILL at random points — many of them after the sink's write committed its rows and
 * before the checkpoint's commit — and restarted until it finishes. Its replay of the batch in hand upserts the
 * same keys again, so the table ends with every key exactly once: 0 lost, 0 duplicated.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  startPostgres,
  withClient,
  type PostgresServer,
  type TestDatabase,
} from '../support/postgres.ts';

const script = fileURLToPath(new URL('./support/crash-pipeline.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runPipelineProcess(env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

describe('PostgreSQL sink: crash safety (processes)', () => {
  let postgres: PostgresServer;
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    postgres = await startPostgres();
    database = await createTestDatabase(postgres.url, 'crashpg');
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-intake-crash-pg-'));
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
    await postgres?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL between the write and the commit, and elsewhere; restarts: every key once in the table', async () => {
    const runs = Number(process.env.INTAKE_PG_RUNS ?? 8);
    const total = 400 * runs;
    const killedAfter = { read: 0, write: 0, commit: 0 };
    for (let run = 0; run < runs; run++) {
      const batch = 50 + Math.floor(Math.random() * 200);
      // Steps: a read, a write and a commit per batch; two runs in three aim at a write (steps 2, 5, 8, …).
      const killAt =
        run % 3 === 2 ? 1 + Math.floor(Math.random() * 12) : 2 + 3 * Math.floor(Math.random() * 4);
      const result = await runPipelineProcess({
        INTAKE_DIR: dir,
        INTAKE_PG_URL: database.url,
        INTAKE_TOTAL: String(total),
        INTAKE_BATCH: String(batch),
        INTAKE_KILL_AT: String(killAt),
      });
      if (result.signal === 'SIGKILL') {
        const where = /killed after (read|write|commit)/.exec(result.stdout)?.[1] as keyof typeof killedAfter;
        killedAfter[where]++;
      } else expect(result.code, result.stderr).toBe(0);
    }
    const last = await runPipelineProcess({
      INTAKE_DIR: dir,
      INTAKE_PG_URL: database.url,
      INTAKE_TOTAL: String(total),
      INTAKE_BATCH: '250',
    });
    expect(last.code, last.stderr).toBe(0);
    expect(killedAfter.write).toBeGreaterThanOrEqual(runs / 2);
    const counts = await withClient(database.url, async (client) => {
      const { rows } = await client.query<{ rows: string; keys: string; first: string; last: string }>(
        'select count(*) as rows, count(distinct event_key) as keys, min(event_key) as first, max(event_key) as last from ksc_events',
      );
      return rows[0]!;
    });
    expect(counts).toEqual({
      rows: String(total),
      keys: String(total),
      first: 'k00000000',
      last: `k${String(total - 1).padStart(8, '0')}`,
    });
    console.log(
      `PostgreSQL sink crash test: ${runs} runs, killed after read ${killedAfter.read}, after write ${killedAfter.write}, ` +
        `after commit ${killedAfter.commit}; ${total} keys, 0 lost, 0 duplicated`,
    );
  }, 180_000);
});
