/**
 * R21, the soak: `kconnect intake run` (compiled, its own process, debug log) follows the KSC emulator (its own
 * process) through the fault proxy for KCONNECT_PROOF_SOAK_MINUTES (default 10; the spec's soak is 24 h) while
 * this process adds 1,000 events/s and injects 1 % mixed faults: resets, latency, sliced and cut answers per
 * exchange at the proxy, plus a session expiry (R6) and an iterator expiry (R7) at the emulator every minute.
 * Measures, after warm-up, the slope of the intake's heap after each full GC (what a leak grows; RSS is a
 * garbage collector's saw-tooth, see proof/memory-trend.ts), its RSS envelope and its open file descriptors,
 * then stops adding, waits for the intake to catch up, stops it, and checks the ledger (every event id once) and
 * that the emulator holds no iterator any more.
 */
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../bench/_emulator-process.ts';
import { compiledKconnect, intakeConfig, startKconnect } from '../bench/_kconnect-process.ts';
import { startFaultProxy } from '../test/support/fault-proxy.ts';
import { recordFigure } from '../test/support/proof-figure.ts';
import { seeded } from '../test/reliability/support.ts';
import { growsAtLeast, parseFullGc, trend, type FullGc } from './memory-trend.ts';

const MINUTES = Number(process.env['KCONNECT_PROOF_SOAK_MINUTES'] ?? 10);
const RATE = Number(process.env['KCONNECT_PROOF_SOAK_RATE'] ?? 1000);
const PASSWORD = 'proof-soak-password-5531';
const CONTROL_TOKEN = 'proof-soak-control-token-5531';
const SAMPLE_MS = 5_000;
/** Samples before this share of the run are warm-up (JIT, caches, the first pages) and not in the slope. */
const WARM_UP_SHARE = 0.25;
/**
 * After the adding stops, the intake has this long to deliver the rest while it makes progress: on the shared
 * machine (load 10–25 on 2 cores) it falls minutes behind 1,000 events/s, and undelivered is not lost.
 */
const CATCH_UP_MS = Math.max(120_000, MINUTES * 60_000);
/** …but it is lost when nothing more arrives for this long. */
const STALLED_MS = 60_000;
/** The RSS envelope may move this much between the halves after warm-up (V8 sizes its heap by what it keeps). */
const RSS_ENVELOPE_SHARE = 0.1;
const SLOPE_LIMIT_MB_PER_HOUR = 1;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? NaN : Number(match[1]) / 1024;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * The delivery ledger of the file sink, read incrementally (the file grows to hundreds of MB over a soak): how
 * many lines, and how many distinct event keys among them.
 */
class Ledger {
  private offset = 0;
  private partial = '';
  private readonly keys = new Set<string>();
  lines = 0;

  constructor(private readonly file: string) {}

  get unique(): number {
    return this.keys.size;
  }

  /** Reads what was appended since the last call. */
  update(): this {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return this; // nothing written yet
    }
    try {
      const buffer = Buffer.alloc(8 * 1024 * 1024);
      for (;;) {
        const read = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (read === 0) break;
        this.offset += read;
        const lines = (this.partial + buffer.toString('utf8', 0, read)).split('\n');
        this.partial = lines.pop()!;
        for (const line of lines) {
          if (line === '') continue;
          this.lines++;
          const key = /^\{"source":"[^"]*","key":"([^"]+)"/.exec(line)?.[1];
          if (key !== undefined) this.keys.add(key);
        }
      }
    } finally {
      closeSync(fd);
    }
    return this;
  }
}

const emulator = await startEmulator({
  hosts: 100,
  events: 1000,
  password: PASSWORD,
  // The world must keep every event of the run: eviction would be a gap (R15), not what the soak measures.
  extraArgs: ['--control-token', CONTROL_TOKEN, '--max-events', String(RATE * MINUTES * 60 * 2 + 100_000)],
});
const control = async (
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<Record<string, unknown>> => {
  const response = await fetch(`${emulator.url}/__emulator${route}`, {
    method,
    headers: { Authorization: `Bearer ${CONTROL_TOKEN}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
};
const { hostname, port } = new URL(emulator.url);
const proxy = await startFaultProxy({
  upstreamHost: hostname,
  upstreamPort: Number(port),
  rollPer: 'exchange',
  random: seeded(21),
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-proof-soak-'));
const failures: string[] = [];
let stopped = false;
try {
  const cli = compiledKconnect();
  const file = path.join(dir, 'out', 'events.ndjson');
  writeFileSync(
    path.join(dir, 'kconnect.yaml'),
    intakeConfig({
      url: proxy.url(),
      pipeline: 'soak',
      start: 'start',
      mapping: 'raw',
      file: 'out/events.ndjson',
      pollIntervalSeconds: 1,
    }),
  );
  const intake = startKconnect(cli, ['intake', 'run', '--config', 'kconnect.yaml', '--log-level', 'debug'], {
    cwd: dir,
    env: { KSC_PASSWORD: PASSWORD },
    // V8 reports each full GC and the heap it left on stdout; extra flags for diagnosis (e.g.
    // --heapsnapshot-signal=SIGUSR2) come from KCONNECT_PROOF_SOAK_NODE_ARGS.
    nodeArgs: [
      '--trace-gc',
      ...(process.env['KCONNECT_PROOF_SOAK_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== ''),
    ],
  });
  // The debug log goes to a file in the run's directory, where R17 searches it.
  const log = path.join(dir, 'intake.log');
  intake.child.stdout?.on('data', (chunk: Buffer) => appendFileSync(log, chunk));
  intake.child.stderr?.on('data', (chunk: Buffer) => appendFileSync(log, chunk));
  const pid = intake.child.pid!;
  const intakeStarted = Date.now();
  const fullGcs: FullGc[] = [];
  let gcLine = '';
  intake.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (gcLine + chunk.toString('utf8')).split('\n');
    gcLine = lines.pop()!;
    for (const line of lines) {
      const gc = parseFullGc(line);
      // The uptime V8 prints counts from the intake's start, a few ms before `started` below.
      if (gc !== undefined) fullGcs.push({ atHours: gc.uptimeMs / 3_600_000, liveMb: gc.liveMb });
    }
  });
  console.log(`soak: ${MINUTES} min at ${RATE} events/s, 1 % mixed faults; intake pid ${pid}, dir ${dir}`);

  // 1 % of exchanges meet a fault, spread over the kinds R3–R5 inject.
  proxy.set({
    resetPeer: { toxicity: 0.004 },
    latency: { ms: 300, jitterMs: 200, toxicity: 0.003 },
    slicer: { averageSize: 256, sizeVariation: 128, delayMs: 1, toxicity: 0.002 },
    limitData: { bytes: 2048, toxicity: 0.001 },
  });
  const durationMs = MINUTES * 60_000;
  const started = Date.now();
  let added = 0;
  const adding = (async () => {
    const tick = 100;
    while (!stopped && Date.now() - started < durationMs) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE) - added;
      if (due > 0) {
        await control('POST', '/events', { count: due });
        added += due;
      }
      await sleep(tick);
    }
  })();
  const samples: Array<{ at: number; rss: number; fds: number }> = [];
  let lastExpiry = Date.now();
  while (Date.now() - started < durationMs) {
    await sleep(SAMPLE_MS);
    if (intake.child.exitCode !== null) {
      failures.push(`the intake exited early (${intake.child.exitCode}): ${intake.output().slice(-2000)}`);
      break;
    }
    samples.push({ at: (Date.now() - started) / 3_600_000, rss: rssMb(pid), fds: openFds(pid) });
    if (Date.now() - lastExpiry >= 60_000) {
      lastExpiry = Date.now();
      await control('POST', '/sessions/expire');
      await control('POST', '/iterators/expire');
    }
  }
  stopped = true;
  await adding;
  proxy.clear();
  const world = Number((await control('GET', '/state'))['events']);
  const catchUpStarted = Date.now();
  const book = new Ledger(file);
  let progressAt = Date.now();
  let delivered = -1;
  while (
    book.update().unique < world &&
    Date.now() - catchUpStarted < CATCH_UP_MS &&
    Date.now() - progressAt < STALLED_MS
  ) {
    if (book.unique !== delivered) [delivered, progressAt] = [book.unique, Date.now()];
    await sleep(1000);
  }
  const catchUpSeconds = (Date.now() - catchUpStarted) / 1000;
  intake.child.kill('SIGTERM');
  await intake.exited;
  const state = await control('GET', '/state');
  book.update();
  const lost = world - book.unique;
  const duplicated = book.lines - book.unique;
  const warmUpHours = (MINUTES * WARM_UP_SHARE) / 60 + (started - intakeStarted) / 3_600_000;
  const warm = samples.filter((s) => s.at * 60 >= MINUTES * WARM_UP_SHARE);
  const heap = trend(fullGcs.filter((g) => g.atHours >= warmUpHours).map((g) => [g.atHours, g.liveMb]));
  const live = fullGcs.filter((g) => g.atHours >= warmUpHours).map((g) => g.liveMb);
  const halves = [warm.slice(0, Math.floor(warm.length / 2)), warm.slice(Math.floor(warm.length / 2))];
  const [firstPeak, secondPeak] = halves.map((h) => Math.max(...h.map((s) => s.rss)));
  const rssBounded = secondPeak! <= firstPeak! * (1 + RSS_ENVELOPE_SHARE);
  const fds = warm.map((s) => s.fds);
  const fdSpread = fds.length === 0 ? 0 : Math.max(...fds) - Math.min(...fds);
  const iterators = Number(state['iterators']);
  const faults = Object.values(proxy.counters.faults).reduce((a, b) => a + b, 0);
  const figure =
    `${MINUTES} min, ${world.toLocaleString('en-US')} events, ${faults} faults: heap after full GC ` +
    `${Math.min(...live).toFixed(1)}–${Math.max(...live).toFixed(1)} MB over ${heap.points} GCs after warm-up, ` +
    `slope ${heap.slope.toFixed(1)} ± ${heap.halfWidth95.toFixed(1)} MB/h (95 %); RSS peak ` +
    `${firstPeak!.toFixed(0)} → ${secondPeak!.toFixed(0)} MB (first → second half after warm-up), ` +
    `fds ${Math.min(...fds)}–${Math.max(...fds)}, emulator iterators ${iterators}, ${lost} lost, ` +
    `${duplicated} duplicated (caught up in ${catchUpSeconds.toFixed(0)} s)`;
  console.log(figure);
  recordFigure('R21', {
    figure,
    // "Flat" fds: a pooled client opens and closes sockets as faults cut them, so allow a few either way.
    pass:
      failures.length === 0 &&
      heap.points >= 3 &&
      !growsAtLeast(heap, SLOPE_LIMIT_MB_PER_HOUR) &&
      rssBounded &&
      fdSpread <= 8 &&
      iterators === 0 &&
      lost === 0 &&
      duplicated === 0,
    measured: {
      minutes: MINUTES,
      events: world,
      faults,
      heapSlopeMbPerHour: heap.slope,
      heapSlopeHalfWidth95: heap.halfWidth95,
      fullGcs: heap.points,
      rssPeakFirstHalfMb: firstPeak!,
      rssPeakSecondHalfMb: secondPeak!,
      catchUpSeconds,
      fdSpread,
      iterators,
      lost,
      duplicated,
    },
  });
  if (lost !== 0 || duplicated !== 0) failures.push(`${lost} lost, ${duplicated} duplicated`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  stopped = true;
  await proxy.close();
  await emulator.stop();
  // Under the proof the directory stays for R17's search (the proof removes its temp root afterwards).
  if (process.env['KCONNECT_PROOF_OUT'] === undefined) rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
}
