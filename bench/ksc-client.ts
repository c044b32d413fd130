/**
 * The KSC client's target (issue "KSC client"): enumerate 100,000 hosts and stream 1,000,000 events from the
 * emulator, reporting time and peak memory; the client's memory must stay flat, below 150 MB, whatever the count.
 *
 * The emulator runs in its own process, so every figure of memory here is the client's alone. Flatness shows in
 * the heap after a full GC at 10 %, 50 % and 100 % of the events: it must not grow with the count.
 * Sizes: KCONNECT_BENCH_HOSTS, KCONNECT_BENCH_EVENTS; records per request: KCONNECT_BENCH_PAGE_SIZE.
 */
import os from 'node:os';
import { events, findHosts, KscClient, type KlParams } from '../src/ksc/index.ts';
import { cpuSeconds, startEmulator } from './_emulator-process.ts';

const HOSTS = Number(process.env['KCONNECT_BENCH_HOSTS'] ?? 100_000);
const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 1_000_000);
const PAGE_SIZE = Number(process.env['KCONNECT_BENCH_PAGE_SIZE'] ?? 1000);
const PASSWORD = 'bench-only-password';
const RSS_LIMIT_MB = 150;
const SAMPLE_MS = 50;
const MB = 1024 * 1024;

const HOST_FIELDS = [
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_STATUS',
  'KLHST_WKS_IP_LONG',
  'KLHST_WKS_LAST_VISIBLE',
];
const EVENT_FIELDS = [
  'event_db_id',
  'event_type',
  'event_type_display_name',
  'GNRL_EA_SEVERITY',
  'GNRL_EA_DESCRIPTION',
  'rise_time',
  'hostname',
  'hostdn',
  'group_name',
  'product_name',
];

function exposedGc(): NodeJS.GCFunction {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run with --expose-gc (npm run bench -- ksc-client does)');
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
  /** Records that carried the attribute every record must have: proves the pages were decoded, not skipped. */
  readonly complete: number;
  readonly seconds: number;
  readonly clientCpu: number;
  readonly emulatorCpu: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
  /** Memory outside the JS heap that V8 knows of (the HTTP layer's buffers): part of the RSS beyond the heap. */
  readonly peakExternalMb: number;
}

/**
 * Iterates `records` to the end, sampling memory on a timer. The iterators await the network between pages, so
 * the timer gets its turns; a sample at the end catches a peak that fell after the last tick.
 */
async function phase(
  records: AsyncIterable<KlParams>,
  required: string,
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
  try {
    for await (const record of records) {
      count++;
      if (record[required] !== undefined) complete++;
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

const failures: string[] = [];
const emulator = await startEmulator({ hosts: HOSTS, events: EVENTS, password: PASSWORD });
let client: KscClient | undefined;
try {
  client = new KscClient({ url: emulator.url, credentials: { user: 'admin', password: PASSWORD } });
  console.log(
    `KSC client against the emulator (SQLite), ${HOSTS} hosts, ${EVENTS} events, pages of ${PAGE_SIZE}, ` +
      `Node ${process.version}, ${os.cpus().length} cores`,
  );
  line('emulator start-up (generating the world; not the client)', `${emulator.startupSeconds.toFixed(1)} s`);
  const baselineRss = process.memoryUsage().rss / MB;
  const baselineHeap = settledHeapMb();
  line('client process before the first call: RSS', mb(baselineRss));
  line('  heap after GC', mb(baselineHeap));

  const hosts = await phase(
    findHosts(client, { fields: HOST_FIELDS, pageSize: PAGE_SIZE }),
    'KLHST_WKS_HOSTNAME',
    emulator.pid,
  );
  const heapAfterHosts = settledHeapMb();
  if (hosts.count !== HOSTS) failures.push(`findHosts returned ${hosts.count} hosts, the world has ${HOSTS}`);
  if (hosts.complete !== hosts.count) failures.push(`${hosts.count - hosts.complete} hosts had no hostname`);

  // The 10 % and 50 % marks are reached while the iterator holds its current page, as it would in real use.
  const marks = new Map([
    [Math.max(1, Math.round(EVENTS * 0.1)), '10 %'],
    [Math.max(1, Math.round(EVENTS * 0.5)), '50 %'],
  ]);
  const heapAtMark = new Map<string, number>();
  const evented = await phase(
    events(client, { fields: EVENT_FIELDS, pageSize: PAGE_SIZE }),
    'event_db_id',
    emulator.pid,
    (count) => {
      const mark = marks.get(count);
      if (mark !== undefined) heapAtMark.set(mark, settledHeapMb());
    },
  );
  heapAtMark.set('100 %', settledHeapMb());
  if (evented.count !== EVENTS)
    failures.push(`events returned ${evented.count} events, the world has ${EVENTS}`);
  if (evented.complete !== evented.count)
    failures.push(`${evented.count - evented.complete} events had no event_db_id`);

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
  report(`findHosts, ${HOST_FIELDS.length} attributes`, 'hosts', hosts);
  line('  heap after GC, all hosts read', mb(heapAfterHosts));
  report(`events, ${EVENT_FIELDS.length} attributes`, 'events', evented);
  for (const [mark, heap] of heapAtMark) line(`  heap after GC at ${mark} of the events`, mb(heap));
  const maxRss = process.resourceUsage().maxRSS / 1024;
  line('client process peak RSS (resourceUsage().maxRSS)', mb(maxRss), `requirement: < ${RSS_LIMIT_MB} MB`);

  // maxRSS covers the whole process, including moments between two samples, so it is the figure held to the limit.
  const peak = Math.max(maxRss, hosts.peakRssMb, evented.peakRssMb);
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
  console.log(`OK: counts match, peak RSS below ${RSS_LIMIT_MB} MB`);
}
