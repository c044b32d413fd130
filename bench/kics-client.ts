/**
 * The KICS client's target (issue 17, "Tests and figures"): 100,000 devices and 1,000,000 events through the
 * client, with time and peak RSS; the client's memory must stay flat, below 150 MB, whatever the count.
 *
 * The emulator runs in its own process over HTTPS (`kconnect emulator kics`), and the client is built from the
 * connector's communication data package, so mutual TLS, the token and the lossless JSON are paid as a user pays
 * them. Every memory figure is therefore the client process's alone. Devices are read by `offset` pages, events by
 * keyset pages (`id > last`), 1,000 records each, and nothing is kept. Flatness shows in the heap after a full GC
 * at 10 %, 50 % and 100 % of the events.
 *
 * Generating a world of this size takes some 40 s, so its data directory is kept between runs (in the system's
 * temporary folder, named by the sizes; `KCONNECT_BENCH_DATA_DIR` chooses another, `--fresh` starts over).
 * Sizes: KCONNECT_BENCH_DEVICES, KCONNECT_BENCH_EVENTS; records per request: KCONNECT_BENCH_PAGE_SIZE.
 *
 * The target is a user's program, so by default this file is bundled with esbuild (the one tsx brings) into
 * `.scratch/` and the bundle runs with plain `node`: tsx's loader (a worker thread) would add 30–40 MB that a
 * compiled program does not carry. `--tsx` runs the sources through tsx instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { all, KicsClient } from '../src/kics/client/index.ts';
import { cpuSeconds } from './_emulator-process.ts';
import {
  KICS_BENCH_CONNECTOR_PASSWORD,
  startKicsEmulatorProcess,
  type KicsEmulatorProcess,
} from './_kics-emulator-process.ts';

if (!process.argv.includes('--tsx') && !import.meta.url.endsWith('.mjs')) process.exit(runCompiled());

/** Bundles this benchmark (the client's code inlined, packages left to node_modules) and runs it without tsx. */
function runCompiled(): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const bundle = path.join(root, '.scratch', 'kics-client.mjs');
  const built = spawnSync(
    path.join(root, 'node_modules', '.bin', 'esbuild'),
    [
      fileURLToPath(import.meta.url),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--packages=external',
      `--outfile=${bundle}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit' },
  );
  if (built.status !== 0) return built.status ?? 1;
  const ran = spawnSync(process.execPath, ['--expose-gc', bundle, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  return ran.status ?? 1;
}

const DEVICES = Number(process.env['KCONNECT_BENCH_DEVICES'] ?? 100_000);
const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 1_000_000);
const PAGE_SIZE = Number(process.env['KCONNECT_BENCH_PAGE_SIZE'] ?? 1000);
const RSS_LIMIT_MB = 150;
const SAMPLE_MS = 50;
const MB = 1024 * 1024;

const dataDir =
  process.env['KCONNECT_BENCH_DATA_DIR'] ??
  path.join(os.tmpdir(), `kconnect-kics-client-bench-${DEVICES}-${EVENTS}`);
/** Written once a start has generated the whole world: a directory without it is a broken first start. */
const completeMarker = path.join(dataDir, 'bench-world-complete');

function exposedGc(): NodeJS.GCFunction {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run with --expose-gc (npm run bench -- kics-client does)');
  return gc;
}
const gc = exposedGc();

/** Heap in use once garbage is gone: what the client actually holds at this point. */
function settledHeapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / MB;
}

interface PhaseResult {
  readonly count: number;
  /** Records whose id is a number: proves the pages were decoded, not skipped. */
  readonly complete: number;
  /** Ids in ascending order without a repeat: proves the paging neither went back nor read a page twice. */
  readonly ordered: boolean;
  readonly seconds: number;
  readonly clientCpu: number;
  readonly emulatorCpu: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
  /** Memory outside the JS heap that V8 knows of (the HTTP layer's buffers): part of the RSS beyond the heap. */
  readonly peakExternalMb: number;
}

/**
 * Iterates `records` to the end, keeping none, sampling memory on a timer. The iterators await the network between
 * pages, so the timer gets its turns; a sample at the end catches a peak that fell after the last tick.
 */
async function phase(
  records: AsyncIterable<{ readonly id: number }>,
  pid: number,
  onRecord?: (count: number) => void,
): Promise<PhaseResult> {
  let peakRss = 0;
  let peakHeap = 0;
  let peakExternal = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakExternal = Math.max(peakExternal, usage.external);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const emulatorCpuBefore = cpuSeconds(pid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  let complete = 0;
  let ordered = true;
  let last = -Infinity;
  try {
    for await (const record of records) {
      count++;
      if (typeof record.id === 'number') complete++;
      if (!(record.id > last)) ordered = false;
      last = record.id;
      onRecord?.(count);
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  sample();
  return {
    count,
    complete,
    ordered,
    seconds,
    clientCpu: (cpu.user + cpu.system) / 1e6,
    emulatorCpu: cpuSeconds(pid) - emulatorCpuBefore,
    peakRssMb: peakRss / MB,
    peakHeapMb: peakHeap / MB,
    peakExternalMb: peakExternal / MB,
  };
}

const line = (name: string, value: string, note = ''): void =>
  console.log(`${name.padEnd(58)} ${value.padStart(16)}   ${note}`.trimEnd());
const rate = (n: number, seconds: number): string => `${Math.round(n / seconds).toLocaleString('en-US')} /s`;
const mb = (value: number): string => `${value.toFixed(1)} MB`;

/** The emulator on the kept world, generating it first when there is none (or only a broken one). */
async function startOnKeptWorld(): Promise<{ emulator: KicsEmulatorProcess; generated: boolean }> {
  if (process.argv.includes('--fresh') || !existsSync(completeMarker))
    rmSync(dataDir, { recursive: true, force: true });
  const generated = !existsSync(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const emulator = await startKicsEmulatorProcess({
    dataDir,
    devices: DEVICES,
    events: EVENTS,
    controlToken: 'bench-only-control-token',
    https: true,
  });
  writeFileSync(completeMarker, '');
  return { emulator, generated };
}

const failures: string[] = [];
const { emulator, generated } = await startOnKeptWorld();
let client: KicsClient | undefined;
try {
  console.log(
    `KICS client against the emulator (SQLite, HTTPS with mutual TLS), ${DEVICES} devices, ${EVENTS} events, ` +
      `pages of ${PAGE_SIZE}, ${import.meta.url.endsWith('.mjs') ? 'compiled (no tsx)' : 'sources through tsx'}, ` +
      `Node ${process.version}, ${os.cpus().length} cores`,
  );
  line(
    generated ? 'emulator start-up (generating the world; not the client)' : 'emulator start-up (kept world)',
    `${emulator.startupSeconds.toFixed(1)} s`,
    dataDir,
  );
  const baselineRss = process.memoryUsage().rss / MB;
  const baselineHeap = settledHeapMb();
  line('client process before the client: RSS', mb(baselineRss));
  line('  heap after GC', mb(baselineHeap));

  // What a user does: the folder KICS gave them and its password.
  const connectStarted = performance.now();
  client = await KicsClient.create({
    credentials: {
      package: path.join(dataDir, 'connectors', 'kconnect'),
      password: KICS_BENCH_CONNECTOR_PASSWORD,
    },
  });
  const about = await client.about();
  line(
    `package read, TLS, token, GET /about (${about.version})`,
    `${((performance.now() - connectStarted) / 1000).toFixed(2)} s`,
  );

  const options = { pageSize: PAGE_SIZE };
  const read = (resource: 'devices' | 'events'): AsyncIterable<{ readonly id: number }> =>
    all(client!, resource, {}, options);

  const devices = await phase(read('devices'), emulator.pid);
  const heapAfterDevices = settledHeapMb();
  if (devices.count !== DEVICES) failures.push(`devices: ${devices.count} read, the world has ${DEVICES}`);
  if (devices.complete !== devices.count)
    failures.push(`${devices.count - devices.complete} devices had no id`);
  if (!devices.ordered) failures.push('device ids did not ascend: offset paging repeated or skipped a page');

  // The 10 % and 50 % marks are reached while the iterator holds its current page, as it would in real use.
  const marks = new Map([
    [Math.max(1, Math.round(EVENTS * 0.1)), '10 %'],
    [Math.max(1, Math.round(EVENTS * 0.5)), '50 %'],
  ]);
  const heapAtMark = new Map<string, number>();
  const events = await phase(read('events'), emulator.pid, (count) => {
    const mark = marks.get(count);
    if (mark !== undefined) heapAtMark.set(mark, settledHeapMb());
  });
  heapAtMark.set('100 %', settledHeapMb());
  if (events.count !== EVENTS) failures.push(`events: ${events.count} read, the world has ${EVENTS}`);
  if (events.complete !== events.count) failures.push(`${events.count - events.complete} events had no id`);
  if (!events.ordered) failures.push('event ids did not ascend: keyset paging repeated or skipped a page');

  const report = (name: string, what: string, result: PhaseResult): void => {
    line(
      `${name}: ${result.count} ${what}`,
      `${result.seconds.toFixed(2)} s`,
      rate(result.count, result.seconds),
    );
    line(
      '  CPU: client / emulator',
      `${result.clientCpu.toFixed(1)} / ${result.emulatorCpu.toFixed(1)} s`,
      `${os.cpus().length} cores shared`,
    );
    line('  peak RSS (sampled every 50 ms)', mb(result.peakRssMb));
    line('  peak heapUsed (sampled)', mb(result.peakHeapMb));
    line('  peak external (sampled)', mb(result.peakExternalMb));
  };
  report(`devices, offset pages of ${PAGE_SIZE}`, 'devices', devices);
  line('  heap after GC, all devices read', mb(heapAfterDevices));
  report(`events, keyset pages of ${PAGE_SIZE}`, 'events', events);
  for (const [mark, heap] of heapAtMark) line(`  heap after GC at ${mark} of the events`, mb(heap));
  const maxRss = process.resourceUsage().maxRSS / 1024;
  line('client process peak RSS (resourceUsage().maxRSS)', mb(maxRss), `requirement: < ${RSS_LIMIT_MB} MB`);
  line('  above the RSS before the client', mb(maxRss - baselineRss));

  // maxRSS covers the whole process, including moments between two samples, so it is the figure held to the limit.
  const peak = Math.max(maxRss, devices.peakRssMb, events.peakRssMb);
  if (peak >= RSS_LIMIT_MB) failures.push(`peak RSS ${peak.toFixed(1)} MB ≥ ${RSS_LIMIT_MB} MB`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  try {
    await client?.close();
  } finally {
    await emulator.stop();
  }
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
} else {
  console.log(`OK: counts match, ids ascend, peak RSS below ${RSS_LIMIT_MB} MB`);
}
