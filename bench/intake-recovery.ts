/**
 * The intake's recovery after `kill -9` (issue 18; spec B7: resume in ≤ 5 s, 0 lost, 0 duplicated at the file
 * sink): `kconnect intake run --once` (compiled, its own process) backfills the KSC emulator's history (ksc.events
 * from `start` → raw → file, fsync + checkpoint every 1,000 events) and is killed with SIGKILL at a few points; each
 * time it is started again at once. The resume time is from the restart's spawn to its first new commit (a
 * checkpoint generation above the one the killed run left), read from the checkpoint store (SQLite) by this
 * process. At the end the file is the ledger: every event id exactly once.
 * The kill points land at a mark of committed documents plus a varying delay, so some fall between commits (mid
 * read, mid write) and the restarted sink has a partial write to undo.
 * Sizes: KCONNECT_BENCH_EVENTS (default 300,000), KCONNECT_BENCH_KILLS (default 4, spread evenly over the history).
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { CheckpointStore } from '../src/intake/checkpoints/index.ts';
import { line } from './_client-phase.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { cpuSeconds, startEmulator } from './_emulator-process.ts';
import { compiledKconnect, intakeConfig, startKconnect } from './_kconnect-process.ts';
import { recordFigure } from '../test/support/proof-figure.ts';

runCompiledUnlessBundled(import.meta.url);

const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 300_000);
const KILLS = Number(process.env['KCONNECT_BENCH_KILLS'] ?? 4);
const PASSWORD = 'bench-only-password';
const PIPELINE = 'recover';
const B7_RESUME_LIMIT_S = 5;
const POLL_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every `key` (the KSC event id) in the NDJSON file, counted. */
async function ledger(file: string): Promise<{ lines: number; unique: number; ids: Set<string> }> {
  const ids = new Set<string>();
  let lines = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (text === '') continue;
    lines++;
    ids.add((JSON.parse(text) as { key: string }).key);
  }
  return { lines, unique: ids.size, ids };
}

const failures: string[] = [];
const cli = compiledKconnect();
const emulator = await startEmulator({ hosts: 1000, events: EVENTS, password: PASSWORD });
const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-recovery-'));
// Opened (and migrated) before the intake starts, so the two never race on the migration.
const checkpoints = await CheckpointStore.open({ file: path.join(dir, 'intake.db') });
try {
  console.log(
    `Intake recovery: KSC emulator (own process, ${EVENTS} events) → kconnect intake run --once (own process, ` +
      `compiled) ksc.events from start → raw → file, fsync + checkpoint every 1,000 events; SIGKILL ${KILLS} ` +
      `times; ${howItRuns(import.meta.url)}, Node ${process.version}, ${os.cpus().length} cores (shared)`,
  );
  line('emulator start-up (generating the world; not the intake)', `${emulator.startupSeconds.toFixed(1)} s`);
  writeFileSync(
    path.join(dir, 'kconnect.yaml'),
    intakeConfig({
      url: emulator.url,
      pipeline: PIPELINE,
      start: 'start',
      mapping: 'raw',
      file: 'out/events.ndjson',
    }),
  );
  const file = path.join(dir, 'out', 'events.ndjson');
  const committed = async (): Promise<{ generation: number; documents: number; offset: number }> => {
    const read = await checkpoints.read(PIPELINE);
    const position = read.checkpoint?.sinkPosition as { offset?: number } | null | undefined;
    return {
      generation: read.checkpoint?.generation ?? 0,
      documents: read.checkpoint?.totals.documents ?? 0,
      offset: position?.offset ?? 0,
    };
  };
  const run = () =>
    startKconnect(cli, ['intake', 'run', '--once', '--config', 'kconnect.yaml', '--log-level', 'warn'], {
      cwd: dir,
      env: { KSC_PASSWORD: PASSWORD },
    });

  const started = performance.now();
  const resumes: number[] = [];
  let intake = run();
  for (let kill = 1; kill <= KILLS; kill++) {
    const mark = Math.round((EVENTS * kill) / (KILLS + 1));
    // Wait for the mark, then a delay that varies from kill to kill, so the kill lands anywhere in a batch.
    for (;;) {
      if ((await committed()).documents >= mark) break;
      if (intake.child.exitCode !== null)
        throw new Error(`the intake exited before ${mark}:\n${intake.output()}`);
      await sleep(POLL_MS);
    }
    await sleep((kill * 173) % 400);
    intake.child.kill('SIGKILL');
    await intake.exited;
    const before = await committed();
    // Bytes written after the last commit: what the restarted sink must cut before writing again.
    const uncommitted = statSync(file).size - before.offset;
    const emulatorCpuBefore = cpuSeconds(emulator.pid);
    const spawnedAt = performance.now();
    intake = run();
    for (;;) {
      const now = await committed();
      if (now.generation > before.generation) break;
      if (intake.child.exitCode !== null)
        throw new Error(`the restart exited before committing:\n${intake.output()}`);
      await sleep(POLL_MS / 4);
    }
    const resume = (performance.now() - spawnedAt) / 1000;
    // Whose work the resume is: the restarted intake's (start-up, login, the sink's open, the first read) or the
    // emulator's (a new event iterator over what is left of the history).
    const intakeCpu = cpuSeconds(intake.child.pid!);
    const emulatorCpu = cpuSeconds(emulator.pid) - emulatorCpuBefore;
    resumes.push(resume);
    line(
      `kill ${kill}: after ${before.documents} committed (generation ${before.generation})`,
      `${resume.toFixed(2)} s`,
      'spawn → first new commit',
    );
    line('  uncommitted bytes in the file at the kill (cut on restart)', String(uncommitted));
    line(
      '  CPU during the resume: intake / emulator',
      `${intakeCpu.toFixed(2)} / ${emulatorCpu.toFixed(2)} s`,
    );
  }
  const exit = await intake.exited;
  if (exit !== 0) failures.push(`the last run exited with ${exit}:\n${intake.output()}`);
  const seconds = (performance.now() - started) / 1000;
  line(`whole backfill with ${KILLS} kills`, `${seconds.toFixed(1)} s`);
  const worst = Math.max(...resumes);
  line('resume time: worst (B7)', `${worst.toFixed(2)} s`, `target ≤ ${B7_RESUME_LIMIT_S} s`);
  if (worst > B7_RESUME_LIMIT_S) console.log(`NOT MET: a resume took over ${B7_RESUME_LIMIT_S} s`);

  const book = await ledger(file);
  const lost = EVENTS - book.unique;
  const duplicated = book.lines - book.unique;
  line(
    'ledger: lines / distinct event ids / events in the world',
    `${book.lines} / ${book.unique} / ${EVENTS}`,
  );
  line('  lost / duplicated (B7)', `${lost} / ${duplicated}`, 'target 0 / 0');
  recordFigure('B7', {
    figure: `worst resume ${worst.toFixed(2)} s (≤ ${B7_RESUME_LIMIT_S} s) over ${KILLS} kills; ${lost} lost, ${duplicated} duplicated of ${EVENTS.toLocaleString('en-US')}`,
    pass: worst <= B7_RESUME_LIMIT_S && lost === 0 && duplicated === 0,
    measured: { kills: KILLS, worstResumeSeconds: worst, lost, duplicated, events: EVENTS },
  });
  if (lost !== 0 || duplicated !== 0) failures.push(`${lost} events lost, ${duplicated} duplicated`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await checkpoints.close();
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
} else {
  console.log('OK: every event written exactly once');
}
