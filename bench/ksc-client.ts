/**
 * The KSC client's target (issue "KSC client"): enumerate 100,000 hosts and stream 1,000,000 events from the
 * emulator, reporting time and peak memory; the client's memory must stay flat, below 150 MB, whatever the count.
 *
 * The emulator runs in its own process, so every figure of memory here is the client's alone. Flatness shows in
 * the heap after a full GC at 10 %, 50 % and 100 % of the events: it must not grow with the count.
 * Sizes: KCONNECT_BENCH_HOSTS, KCONNECT_BENCH_EVENTS; records per request: KCONNECT_BENCH_PAGE_SIZE.
 * The network: KCONNECT_BENCH_LINK (`loopback`, or `wan`: 100 Mbit/s, 20 ms RTT) and KCONNECT_BENCH_COMPRESSION
 * (`auto`, `gzip`, `none`), see _link.ts.
 * Like a user's program it runs compiled (bench/_compiled.ts; `--tsx` runs the sources, whose loader adds 30–40 MB).
 */
import os from 'node:os';
import { events, findHosts, KscClient, type KlParams } from '../src/ksc/index.ts';
import { heapMarks, line, mb, MB, measurePhase, reportPhase, settledHeapMb } from './_client-phase.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { startEmulator } from './_emulator-process.ts';
import { openLink, type BenchLink } from './_link.ts';
import { recordFigure } from '../test/support/proof-figure.ts';

runCompiledUnlessBundled(import.meta.url);

const HOSTS = Number(process.env['KCONNECT_BENCH_HOSTS'] ?? 100_000);
const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 1_000_000);
const PAGE_SIZE = Number(process.env['KCONNECT_BENCH_PAGE_SIZE'] ?? 1000);
const PASSWORD = 'bench-only-password';
const RSS_LIMIT_MB = 150;

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

/** Reads every record, counting those that carry `required`: proves the pages were decoded, not skipped. */
async function readAll(
  records: AsyncIterable<KlParams>,
  required: string,
  pid: number,
  onRecord?: (count: number) => void,
) {
  let complete = 0;
  const result = await measurePhase(records, pid, (record, count) => {
    if (record[required] !== undefined) complete++;
    onRecord?.(count);
  });
  return { ...result, complete };
}

const failures: string[] = [];
const emulator = await startEmulator({ hosts: HOSTS, events: EVENTS, password: PASSWORD });
let client: KscClient | undefined;
let link: BenchLink | undefined;
try {
  link = await openLink(emulator.url);
  client = new KscClient({
    url: link.url,
    credentials: { user: 'admin', password: PASSWORD },
    compression: link.compression,
  });
  console.log(
    `KSC client against the emulator (SQLite), ${HOSTS} hosts, ${EVENTS} events, pages of ${PAGE_SIZE}, ` +
      `${howItRuns(import.meta.url)}, Node ${process.version}, ${os.cpus().length} cores; link: ${link.description}, ` +
      `compression: ${client.config.compression}`,
  );
  line('emulator start-up (generating the world; not the client)', `${emulator.startupSeconds.toFixed(1)} s`);
  const baselineRss = process.memoryUsage().rss / MB;
  const baselineHeap = settledHeapMb();
  line('client process before the first call: RSS', mb(baselineRss));
  line('  heap after GC', mb(baselineHeap));

  const hosts = await readAll(
    findHosts(client, { fields: HOST_FIELDS, pageSize: PAGE_SIZE }),
    'KLHST_WKS_HOSTNAME',
    emulator.pid,
  );
  // B3 is the enumeration: its memory is the process's peak up to the end of it (start-up included), before events.
  const maxRssAfterHosts = process.resourceUsage().maxRSS / 1024;
  const heapAfterHosts = settledHeapMb();
  const hostBytes = link.bytesDownstream();
  if (hosts.count !== HOSTS) failures.push(`findHosts returned ${hosts.count} hosts, the world has ${HOSTS}`);
  if (hosts.complete !== hosts.count) failures.push(`${hosts.count - hosts.complete} hosts had no hostname`);

  const marks = heapMarks(EVENTS);
  const evented = await readAll(
    events(client, { fields: EVENT_FIELDS, pageSize: PAGE_SIZE }),
    'event_db_id',
    emulator.pid,
    marks.onRecord,
  );
  const heapAtMark = marks.done();
  if (evented.count !== EVENTS)
    failures.push(`events returned ${evented.count} events, the world has ${EVENTS}`);
  if (evented.complete !== evented.count)
    failures.push(`${evented.count - evented.complete} events had no event_db_id`);

  reportPhase(`findHosts, ${HOST_FIELDS.length} attributes`, 'hosts', hosts);
  line('  heap after GC, all hosts read', mb(heapAfterHosts));
  if (link.name !== 'loopback') line('  bytes received over the link', mb(hostBytes / MB));
  reportPhase(`events, ${EVENT_FIELDS.length} attributes`, 'events', evented);
  for (const [mark, heap] of heapAtMark) line(`  heap after GC at ${mark} of the events`, mb(heap));
  const maxRss = process.resourceUsage().maxRSS / 1024;
  line('client process peak RSS (resourceUsage().maxRSS)', mb(maxRss), `requirement: < ${RSS_LIMIT_MB} MB`);

  // maxRSS covers the whole process, including moments between two samples, so it is the figure held to the limit.
  const peak = Math.max(maxRssAfterHosts, hosts.peakRssMb);
  // The spec's targets: ≤ 2 s on loopback, ≤ 5 s over a link with 20 ms round trips.
  const limitSeconds = link.name === 'loopback' ? 2 : 5;
  recordFigure('B3', {
    figure:
      `${hosts.count.toLocaleString('en-US')} hosts in ${hosts.seconds.toFixed(2)} s (≤ ${limitSeconds} s, ` +
      `${link.description}, compression ${client.config.compression}), peak RSS up to the last host ${peak.toFixed(0)} MB (≤ 120 MB)`,
    pass: hosts.count === HOSTS && hosts.seconds <= limitSeconds && peak <= 120,
    measured: {
      hosts: hosts.count,
      seconds: hosts.seconds,
      peakRssMb: Math.round(peak),
      link: link.name,
      compression: client.config.compression,
    },
  });
  if (peak >= RSS_LIMIT_MB) failures.push(`peak RSS ${peak.toFixed(1)} MB ≥ ${RSS_LIMIT_MB} MB`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  try {
    await client?.close();
    await link?.close();
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
