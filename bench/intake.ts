/**
 * The intake's targets (issue 18; spec B1 and B4): KSC events end to end — the emulator → `ksc.events` → a mapping →
 * the NDJSON file sink with a durable commit (fsync, then the checkpoint) every 1,000 events — per CPU-second of the
 * intake process (B1: ≥ 100,000 events/s per core), and its peak RSS, flat with the count (B4: ≤ 150 MB).
 *
 * The emulator runs in its own process, so the CPU and memory figures are the intake's alone; the emulator's CPU
 * is printed beside them. Each mapping (ecs, ocsf, d3, raw) reads the whole history from the start into a fresh
 * file and checkpoint store, as `kconnect intake run --once` does, and the file is checked: one line per event.
 * Like a user's program it runs compiled (bench/_compiled.ts; `--tsx` runs the sources).
 * Sizes: KCONNECT_BENCH_EVENTS (default 200,000; the emulator generates that many first), KCONNECT_BENCH_MAPPINGS
 * (default "ecs,ocsf,d3,raw"). B2 (the backfill of 45M events) is this run's wall rate over the biggest history
 * that fits in a few minutes (`KCONNECT_BENCH_EVENTS=1000000 KCONNECT_BENCH_MAPPINGS=ecs`), projected linearly to
 * 10M and 45M events: one iterator, on a machine the emulator shares.
 * The network: KCONNECT_BENCH_LINK (`loopback`, or `wan`: 100 Mbit/s, 20 ms RTT) and KCONNECT_BENCH_COMPRESSION
 * (`auto`, `gzip`, `none`), as for ksc-client.ts (_link.ts). The shaped link is a proxy inside this process, so on
 * `wan` the intake's CPU figure includes relaying every byte: an upper bound of the intake's own cost.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { limitHeapGrowth } from '../src/adapters/cli/heap-trim.ts';
import { CheckpointStore } from '../src/intake/checkpoints/index.ts';
import { createMapping } from '../src/intake/mappings/index.ts';
import { runPipeline } from '../src/intake/runner.ts';
import { FileSink } from '../src/intake/sinks/file/index.ts';
import { createSource, sourceConfig } from '../src/intake/sources/index.ts';
import type { MappingName } from '../src/intake/types.ts';
import { KscClient } from '../src/ksc/index.ts';
import { line, mb, MB, settledHeapMb } from './_client-phase.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { cpuSeconds, startEmulator } from './_emulator-process.ts';
import { openLink, type BenchLink } from './_link.ts';
import { recordFigure } from '../test/support/proof-figure.ts';

runCompiledUnlessBundled(import.meta.url);
// This process stands for `kconnect intake run`, which limits its heap's growth (decision 0081): B4 is that
// process's memory. A library user's program keeps V8's own pacing unless it does the same.
limitHeapGrowth();

const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 200_000);
const MAPPINGS = (process.env['KCONNECT_BENCH_MAPPINGS'] ?? 'ecs,ocsf,d3,raw').split(',') as MappingName[];
const PASSWORD = 'bench-only-password';
const B1_EVENTS_PER_CPU_SECOND = 100_000;
const B4_RSS_LIMIT_MB = 150;
/** B2: 45M events (KSC's recommended maximum) in ≤ 10 min with ≤ 4 parallel iterators; one iterator here. */
const B2_HISTORIES = [10_000_000, 45_000_000];
const B2_LIMIT_MINUTES = 10;
const SAMPLE_MS = 50;

interface RunFigures {
  readonly events: number;
  readonly lines: number;
  readonly seconds: number;
  readonly cpu: number;
  readonly emulatorCpu: number;
  readonly peakRssMb: number;
  /** The heap V8 reserved (used or not) and the memory outside it it knows of (buffers): most of the RSS. */
  readonly peakHeapTotalMb: number;
  readonly peakExternalMb: number;
  readonly heapAtMarks: ReadonlyMap<string, number>;
}

/** Lines of a file, read in chunks: reading it whole would put the file's size into this process's RSS. */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

async function runOnce(link: BenchLink, pid: number, mapping: MappingName): Promise<RunFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `kconnect-bench-intake-${mapping}-`));
  const client = new KscClient({
    url: link.url,
    credentials: { user: 'admin', password: PASSWORD },
    compression: link.compression,
  });
  const checkpoints = await CheckpointStore.open({ file: path.join(dir, 'state.db') });
  const file = path.join(dir, 'ksc-events.ndjson');
  let peakRss = 0;
  let peakHeapTotal = 0;
  let peakExternal = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeapTotal = Math.max(peakHeapTotal, usage.heapTotal);
    peakExternal = Math.max(peakExternal, usage.external);
  };
  const heapAtMarks = new Map<string, number>();
  const marks: [number, string][] = [
    [EVENTS * 0.1, '10 %'],
    [EVENTS * 0.5, '50 %'],
  ];
  const timer = setInterval(sample, SAMPLE_MS);
  const cpuBefore = process.cpuUsage();
  const emulatorCpuBefore = cpuSeconds(pid);
  const started = performance.now();
  let written = 0;
  try {
    const source = createSource(
      sourceConfig.parse({ type: 'ksc.events', connection: 'bench', start: 'start' }),
      { client, pipeline: `bench-${mapping}` },
    );
    const sink = new FileSink({ path: file, fsync: 'batch' });
    try {
      await runPipeline({
        name: `bench-${mapping}`,
        source,
        mapping: createMapping(mapping),
        sink,
        checkpoints,
        batchSize: 1000,
        once: true,
        onProgress: (status) => {
          written = status.totals.documents;
          while (marks.length > 0 && written >= marks[0]![0])
            heapAtMarks.set(marks.shift()![1], settledHeapMb());
        },
      });
    } finally {
      await source.close();
      await sink.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    heapAtMarks.set('100 %', settledHeapMb());
    sample();
    const lines = await countLines(file);
    return {
      events: written,
      lines,
      seconds,
      cpu: (used.user + used.system) / 1e6,
      emulatorCpu: cpuSeconds(pid) - emulatorCpuBefore,
      peakRssMb: peakRss / MB,
      peakHeapTotalMb: peakHeapTotal / MB,
      peakExternalMb: peakExternal / MB,
      heapAtMarks,
    };
  } finally {
    clearInterval(timer);
    await checkpoints.close();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const failures: string[] = [];
const emulator = await startEmulator({ hosts: 1000, events: EVENTS, password: PASSWORD });
let link: BenchLink | undefined;
try {
  link = await openLink(emulator.url);
  console.log(
    `Intake: KSC emulator (SQLite, own process) → ksc.events → mapping → NDJSON file, fsync + checkpoint every ` +
      `1,000 events; ${EVENTS} events, ${howItRuns(import.meta.url)}, Node ${process.version}, ` +
      `${os.cpus().length} cores; link: ${link.description}, compression: ${link.compression}`,
  );
  line('emulator start-up (generating the world; not the intake)', `${emulator.startupSeconds.toFixed(1)} s`);
  for (const mapping of MAPPINGS) {
    const run = await runOnce(link, emulator.pid, mapping);
    const perCpuSecond = run.events / run.cpu;
    line(
      `${mapping}: ${run.events} events`,
      `${run.seconds.toFixed(2)} s`,
      `${Math.round(run.events / run.seconds).toLocaleString('en-US')} /s wall`,
    );
    line(
      '  per CPU-second of the intake process (B1)',
      `${Math.round(perCpuSecond).toLocaleString('en-US')} /s`,
      `target ≥ ${B1_EVENTS_PER_CPU_SECOND.toLocaleString('en-US')}`,
    );
    recordFigure('B1', {
      figure:
        `${mapping}: ${Math.round(perCpuSecond).toLocaleString('en-US')} events per intake CPU-second ` +
        `(${link.description}, compression ${link.compression})`,
      pass: perCpuSecond >= B1_EVENTS_PER_CPU_SECOND && run.lines === EVENTS,
      measured: {
        mapping,
        events: run.events,
        perCpuSecond: Math.round(perCpuSecond),
        wallSeconds: run.seconds,
        link: link.name,
        compression: link.compression,
      },
    });
    for (const history of B2_HISTORIES)
      line(
        `  B2 projection at this wall rate: ${history.toLocaleString('en-US')} events`,
        `${(history / (run.events / run.seconds) / 60).toFixed(1)} min`,
        history === 45_000_000 ? `target ≤ ${B2_LIMIT_MINUTES} min with ≤ 4 iterators (one here)` : '',
      );
    line('  CPU: intake / emulator', `${run.cpu.toFixed(1)} / ${run.emulatorCpu.toFixed(1)} s`);
    line('  peak RSS (sampled every 50 ms)', mb(run.peakRssMb));
    line('  peak heapTotal / external (sampled)', `${mb(run.peakHeapTotalMb)} / ${mb(run.peakExternalMb)}`);
    for (const [mark, heap] of run.heapAtMarks) line(`  heap after GC at ${mark}`, mb(heap));
    if (run.lines !== EVENTS || run.events !== EVENTS)
      failures.push(
        `${mapping}: ${run.events} events read, ${run.lines} lines written, the world has ${EVENTS}`,
      );
  }
  const maxRss = process.resourceUsage().maxRSS / 1024;
  line('intake process peak RSS (resourceUsage().maxRSS)', mb(maxRss), `B4: ≤ ${B4_RSS_LIMIT_MB} MB`);
  recordFigure('B4', {
    figure: `peak RSS ${maxRss.toFixed(0)} MB streaming ${EVENTS.toLocaleString('en-US')} events (≤ ${B4_RSS_LIMIT_MB} MB)`,
    pass: maxRss <= B4_RSS_LIMIT_MB,
    measured: { events: EVENTS, peakRssMb: Math.round(maxRss) },
  });
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await link?.close();
  await emulator.stop();
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
} else {
  console.log('OK: every event written once');
}
