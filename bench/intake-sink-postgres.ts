/**
 * The intake into PostgreSQL (issue 19's figure "PostgreSQL upserts"): KSC events end to end — the emulator →
 * `ksc.events` → ecs → the `postgres` sink, each batch one transaction of multi-row `INSERT … ON CONFLICT (event_key)
 * DO NOTHING`, the checkpoint committed after it every 1,000 events — per CPU-second of the intake process. Then the
 * same events again from the start (a replay after a crash, at its worst): every row already there, nothing written. The emulator
 * and PostgreSQL run in their own processes; PostgreSQL's CPU (the postmaster and its backends) is printed beside.
 * The table is checked afterwards: one row per event.
 * Sizes: KCONNECT_BENCH_EVENTS (default 50,000).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret } from '../src/config/secrets.ts';
import { CheckpointStore } from '../src/intake/checkpoints/index.ts';
import { createMapping } from '../src/intake/mappings/index.ts';
import { runPipeline } from '../src/intake/runner.ts';
import { parseTableName, PostgresSink } from '../src/intake/sinks/postgres/sink.ts';
import { createSource, sourceConfig } from '../src/intake/sources/index.ts';
import { KscClient } from '../src/ksc/index.ts';
import { createTestDatabase, startPostgres, withClient } from '../test/support/postgres.ts';
import { line, mb } from './_client-phase.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { cpuSeconds, startEmulator } from './_emulator-process.ts';

runCompiledUnlessBundled(import.meta.url);

const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 50_000);
const PASSWORD = 'bench-only-password';

/** CPU seconds of the postmaster and every process it forked (the backends serving connections). */
function serverCpuSeconds(postmaster: number): number {
  let total = cpuSeconds(postmaster);
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim();
  for (const pid of children === '' ? [] : children.split(' ').map(Number)) {
    try {
      total += cpuSeconds(pid);
    } catch {
      // exited between the listing and the read
    }
  }
  return total;
}

const failures: string[] = [];
const [emulator, postgres] = await Promise.all([
  startEmulator({ hosts: 1000, events: EVENTS, password: PASSWORD }),
  startPostgres(),
]);
const database = await createTestDatabase(postgres.url, 'bench_sink');
const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-postgres-'));
try {
  console.log(
    `Intake into PostgreSQL: KSC emulator (own process) → ksc.events → ecs → upserts into a table (PostgreSQL ` +
      `${postgres.url}, own process), checkpoint every 1,000 events; ${EVENTS} events, ` +
      `${howItRuns(import.meta.url)}, Node ${process.version}, ${os.cpus().length} cores`,
  );
  const client = new KscClient({ url: emulator.url, credentials: { user: 'admin', password: PASSWORD } });
  try {
    // Two passes under two pipeline names, each from the start: inserts, then every row a conflict left alone.
    for (const [phase, pipeline] of [
      ['insert', 'bench-pg'],
      ['replay (conflicts)', 'bench-pg-replay'],
    ] as const) {
      const checkpoints = await CheckpointStore.open({ file: path.join(dir, `${pipeline}.db`) });
      const source = createSource(
        sourceConfig.parse({ type: 'ksc.events', connection: 'bench', start: 'start' }),
        { client, pipeline },
      );
      const sink = new PostgresSink({
        url: Secret.value(database.url, 'url'),
        table: parseTableName('ksc_events')!,
        pipeline: 'bench-pg',
      });
      const cpuBefore = process.cpuUsage();
      const emulatorCpuBefore = cpuSeconds(emulator.pid);
      const serverCpuBefore = serverCpuSeconds(postgres.pid);
      const started = performance.now();
      let written = 0;
      let serverCpu = 0;
      try {
        const status = await runPipeline({
          name: pipeline,
          source,
          mapping: createMapping('ecs'),
          sink,
          checkpoints,
          batchSize: 1000,
          once: true,
        });
        written = status.totals.documents;
        // Before the sink closes: its backend is still there to be counted.
        serverCpu = serverCpuSeconds(postgres.pid) - serverCpuBefore;
      } finally {
        await source.close();
        await sink.close();
        await checkpoints.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpuBefore);
      const cpu = (used.user + used.system) / 1e6;
      line(
        `ecs → postgres, ${phase}: ${written} events`,
        `${seconds.toFixed(2)} s`,
        `${Math.round(written / seconds).toLocaleString('en-US')} /s wall`,
      );
      line(
        '  per CPU-second of the intake process',
        `${Math.round(written / cpu).toLocaleString('en-US')} /s`,
      );
      line(
        '  CPU: intake / emulator / PostgreSQL',
        `${cpu.toFixed(1)} / ${(cpuSeconds(emulator.pid) - emulatorCpuBefore).toFixed(1)} / ${serverCpu.toFixed(1)} s`,
      );
      if (written !== EVENTS) failures.push(`${phase}: ${written} events written, the world has ${EVENTS}`);
    }
  } finally {
    await client.close();
  }
  line('intake process peak RSS (resourceUsage().maxRSS)', mb(process.resourceUsage().maxRSS / 1024));
  const rows = await withClient(database.url, async (pg) => {
    const { rows } = await pg.query<{ rows: string; keys: string }>(
      'select count(*) as rows, count(distinct event_key) as keys from ksc_events',
    );
    return rows[0]!;
  });
  line('rows in the table / distinct keys', `${rows.rows} / ${rows.keys}`);
  if (Number(rows.rows) !== EVENTS || Number(rows.keys) !== EVENTS)
    failures.push(`the table holds ${rows.rows} rows (${rows.keys} keys), the world has ${EVENTS} events`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await database.drop();
  await Promise.all([emulator.stop(), postgres.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
} else {
  console.log('OK: every event in the table once, after a full replay too');
}
