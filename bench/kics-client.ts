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
 * The target is a user's program, so by default this file runs compiled (bench/_compiled.ts); `--tsx` runs the
 * sources through tsx instead.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { all, KicsClient } from '../src/kics/client/index.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { heapMarks, line, mb, MB, measurePhase, reportPhase, settledHeapMb } from './_client-phase.ts';
import {
  KICS_BENCH_CONNECTOR_PASSWORD,
  startKicsEmulatorProcess,
  type KicsEmulatorProcess,
} from './_kics-emulator-process.ts';

runCompiledUnlessBundled(import.meta.url);

const DEVICES = Number(process.env['KCONNECT_BENCH_DEVICES'] ?? 100_000);
const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 1_000_000);
const PAGE_SIZE = Number(process.env['KCONNECT_BENCH_PAGE_SIZE'] ?? 1000);
const RSS_LIMIT_MB = 150;

const dataDir =
  process.env['KCONNECT_BENCH_DATA_DIR'] ??
  path.join(os.tmpdir(), `kconnect-kics-client-bench-${DEVICES}-${EVENTS}`);
/** Written once a start has generated the whole world: a directory without it is a broken first start. */
const completeMarker = path.join(dataDir, 'bench-world-complete');

/**
 * Reads every record, checking each id is a number (the pages were decoded, not skipped) and ids ascend without a
 * repeat (the paging neither went back nor read a page twice).
 */
async function readAll(
  records: AsyncIterable<{ readonly id: number }>,
  pid: number,
  onRecord?: (count: number) => void,
) {
  let complete = 0;
  let ordered = true;
  let last = -Infinity;
  const result = await measurePhase(records, pid, (record, count) => {
    if (typeof record.id === 'number') complete++;
    if (!(record.id > last)) ordered = false;
    last = record.id;
    onRecord?.(count);
  });
  return { ...result, complete, ordered };
}

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
      `pages of ${PAGE_SIZE}, ${howItRuns(import.meta.url)}, ` +
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

  const devices = await readAll(read('devices'), emulator.pid);
  const heapAfterDevices = settledHeapMb();
  if (devices.count !== DEVICES) failures.push(`devices: ${devices.count} read, the world has ${DEVICES}`);
  if (devices.complete !== devices.count)
    failures.push(`${devices.count - devices.complete} devices had no id`);
  if (!devices.ordered) failures.push('device ids did not ascend: offset paging repeated or skipped a page');

  const marks = heapMarks(EVENTS);
  const events = await readAll(read('events'), emulator.pid, marks.onRecord);
  const heapAtMark = marks.done();
  if (events.count !== EVENTS) failures.push(`events: ${events.count} read, the world has ${EVENTS}`);
  if (events.complete !== events.count) failures.push(`${events.count - events.complete} events had no id`);
  if (!events.ordered) failures.push('event ids did not ascend: keyset paging repeated or skipped a page');

  reportPhase(`devices, offset pages of ${PAGE_SIZE}`, 'devices', devices);
  line('  heap after GC, all devices read', mb(heapAfterDevices));
  reportPhase(`events, keyset pages of ${PAGE_SIZE}`, 'events', events);
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
