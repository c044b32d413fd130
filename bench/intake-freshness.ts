/**
 * The intake's freshness (issue 18; spec B6: p99 ≤ 10 s with a 5 s poll interval): the KSC emulator in live mode
 * (`--live-rate`) raises events at its clock's "now"; `kconnect intake run` follows them as a process (ksc.events
 * from `end` → raw → file, pollIntervalSeconds 5, fsync every batch). This process watches the file and, for each
 * new line, takes the delay from the event's `rise_time` (the emulator's clock when it raised it: real time, same
 * machine) to when the line was seen in the file. The file is polled every 20 ms, so a delay is late by at most that;
 * rise_time is whatever precision KLOAPI's datetime carries (whole seconds make a delay look up to 1 s longer).
 * Sizes: KCONNECT_BENCH_SECONDS (default 120, after a 10 s warm-up), KCONNECT_BENCH_LIVE_RATE (default 200/s).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { line } from './_client-phase.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { cpuSeconds, startEmulator } from './_emulator-process.ts';
import { compiledKconnect, intakeConfig, startKconnect } from './_kconnect-process.ts';
import { recordFigure } from '../test/support/proof-figure.ts';

runCompiledUnlessBundled(import.meta.url);

const SECONDS = Number(process.env['KCONNECT_BENCH_SECONDS'] ?? 120);
const WARM_UP_SECONDS = 10;
const LIVE_RATE = Number(process.env['KCONNECT_BENCH_LIVE_RATE'] ?? 200);
const PASSWORD = 'bench-only-password';
const POLL_INTERVAL_SECONDS = 5;
const B6_P99_LIMIT_S = 10;
const WATCH_MS = 20;

/** The value at quantile `q` (0–1) of sorted `values`, nearest rank. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Follows a growing NDJSON file: every `WATCH_MS` reads what was appended and hands each complete line, with the
 * time it was seen, to `onLine`. Returns a function that stops following.
 */
function followFile(file: string, onLine: (text: string, seenAt: number) => void): () => void {
  let offset = 0;
  let partial = '';
  const buffer = Buffer.alloc(4 * 1024 * 1024);
  const timer = setInterval(() => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return; // not created yet
    }
    if (size <= offset) return;
    const seenAt = Date.now();
    const fd = openSync(file, 'r');
    try {
      while (offset < size) {
        const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - offset), offset);
        if (read === 0) break;
        offset += read;
        const lines = (partial + buffer.toString('utf8', 0, read)).split('\n');
        partial = lines.pop()!;
        for (const text of lines) if (text !== '') onLine(text, seenAt);
      }
    } finally {
      closeSync(fd);
    }
  }, WATCH_MS);
  return () => clearInterval(timer);
}

const failures: string[] = [];
const cli = compiledKconnect();
const emulator = await startEmulator({
  hosts: 1000,
  events: 1000,
  password: PASSWORD,
  extraArgs: ['--live-rate', String(LIVE_RATE)],
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-freshness-'));
try {
  console.log(
    `Intake freshness: KSC emulator (own process, --live-rate ${LIVE_RATE}) → kconnect intake run (own process, ` +
      `compiled) ksc.events from end → raw → file, pollIntervalSeconds ${POLL_INTERVAL_SECONDS}, fsync every batch; ` +
      `${SECONDS} s measured after ${WARM_UP_SECONDS} s warm-up; ${howItRuns(import.meta.url)}, Node ` +
      `${process.version}, ${os.cpus().length} cores (shared)`,
  );
  const file = path.join(dir, 'out', 'events.ndjson');
  writeFileSync(
    path.join(dir, 'kconnect.yaml'),
    intakeConfig({
      url: emulator.url,
      pipeline: 'fresh',
      start: 'end',
      mapping: 'raw',
      file: 'out/events.ndjson',
    }),
  );
  const delays: number[] = [];
  const ids = new Set<string>();
  let duplicates = 0;
  let measuring = false;
  const stopFollowing = followFile(file, (text, seenAt) => {
    const document = JSON.parse(text) as { key: string; data: { rise_time?: string } };
    if (ids.has(document.key)) duplicates++;
    ids.add(document.key);
    const rise = Date.parse(document.data.rise_time ?? '');
    if (measuring && Number.isFinite(rise)) delays.push((seenAt - rise) / 1000);
  });
  const intake = startKconnect(cli, ['intake', 'run', '--config', 'kconnect.yaml', '--log-level', 'warn'], {
    cwd: dir,
    env: { KSC_PASSWORD: PASSWORD },
  });
  const intakeCpuBefore = (): number => cpuSeconds(intake.child.pid!);
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  await sleep(WARM_UP_SECONDS * 1000);
  const cpuStart = intakeCpuBefore();
  const emulatorCpuStart = cpuSeconds(emulator.pid);
  measuring = true;
  const ended = await Promise.race([sleep(SECONDS * 1000).then(() => undefined), intake.exited]);
  measuring = false;
  if (ended !== undefined) failures.push(`kconnect intake run exited (${ended}):\n${intake.output()}`);
  const intakeCpu = intakeCpuBefore() - cpuStart;
  const emulatorCpu = cpuSeconds(emulator.pid) - emulatorCpuStart;
  intake.child.kill('SIGTERM');
  await intake.exited;
  await sleep(100);
  stopFollowing();

  delays.sort((a, b) => a - b);
  line('events seen while measuring', String(delays.length), `≈ ${LIVE_RATE}/s raised`);
  if (delays.length > 0) {
    const s = (value: number): string => `${value.toFixed(2)} s`;
    line('delay rise_time → line in the file: p50', s(quantile(delays, 0.5)));
    line('  p95', s(quantile(delays, 0.95)));
    line('  p99 (B6)', s(quantile(delays, 0.99)), `target ≤ ${B6_P99_LIMIT_S} s`);
    line('  max', s(delays[delays.length - 1]!));
    line('  min', s(delays[0]!));
    if (quantile(delays, 0.99) > B6_P99_LIMIT_S) console.log(`NOT MET: p99 above ${B6_P99_LIMIT_S} s`);
    recordFigure('B6', {
      figure: `p99 ${quantile(delays, 0.99).toFixed(2)} s over ${delays.length.toLocaleString('en-US')} events (≤ ${B6_P99_LIMIT_S} s)`,
      pass: quantile(delays, 0.99) <= B6_P99_LIMIT_S && duplicates === 0,
      measured: {
        events: delays.length,
        p50: quantile(delays, 0.5),
        p99: quantile(delays, 0.99),
        duplicates,
      },
    });
  } else failures.push('no event reached the file while measuring');
  line('CPU while measuring: intake / emulator', `${intakeCpu.toFixed(1)} / ${emulatorCpu.toFixed(1)} s`);
  if (duplicates > 0) failures.push(`${duplicates} event ids appeared more than once`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
} else {
  console.log('OK: every event written once');
}
