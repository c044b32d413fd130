/**
 * The KICS for Networks emulator's figures (issue 16, "Tests and figures"):
 * - devices enumerated per second: 100,000 devices in pages of 1,000, by `offset` and by `id > last`;
 * - events per emulator CPU-second through `events/query` (target ≥ 100,000): every event by `id > last`, `limit`
 *   1000, sorted by id; and the same with a filter the store cannot push down (`severity = Critical`);
 * - start-up with 100,000 devices and 1,000,000 events: the first start (generate and store) and a restart on the
 *   existing database, with the emulator's peak RSS;
 * - single-event captures (`GET /events/{id}/traffic`) per second and per emulator CPU-second.
 *
 * The emulator runs in its own process (`kconnect emulator kics --http`); its CPU time and memory come from /proc.
 * The client is plain undici with `JSON.parse`, one connection, as a third-party client would be.
 * Sizes: KCONNECT_BENCH_DEVICES, KCONNECT_BENCH_EVENTS, KCONNECT_BENCH_CAPTURE_PROBES. PostgreSQL instead of
 * SQLite: `--pg` (a throwaway server from test/support/postgres.ts) or KCONNECT_BENCH_PG_URL (a server of yours).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Agent, request } from 'undici';
import { startPostgres, type PostgresServer } from '../test/support/postgres.ts';
import { cpuSeconds, peakRssMb } from './_emulator-process.ts';
import { startKicsEmulatorProcess, type KicsEmulatorProcess } from './_kics-emulator-process.ts';

const DEVICES = Number(process.env['KCONNECT_BENCH_DEVICES'] ?? 100_000);
const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 1_000_000);
/** Event ids 1…n are asked for their capture once (warm-up, and to learn which have one), then timed. */
const CAPTURE_PROBES = Number(process.env['KCONNECT_BENCH_CAPTURE_PROBES'] ?? 5_000);
const PAGE = 1000;
const CONTROL_TOKEN = 'bench-only-control-token';

const line = (name: string, value: string, target = ''): void =>
  console.log(`${name.padEnd(62)} ${value.padStart(18)}   ${target}`);
const perSecond = (n: number, seconds: number): string =>
  `${Math.round(n / seconds).toLocaleString('en-US')} /s`;

// PostgreSQL: a database of its own for this run, on a throwaway server (`--pg`) or the one given.
let postgres: PostgresServer | undefined;
let pgAdminUrl = process.env['KCONNECT_BENCH_PG_URL'];
if (pgAdminUrl === undefined && process.argv.includes('--pg')) {
  postgres = await startPostgres();
  pgAdminUrl = postgres.url;
}
const pgDatabase = `kconnect_kics_bench_${process.pid}`;
const extraArgs: string[] = [];
if (pgAdminUrl !== undefined) {
  await adminQuery(`CREATE DATABASE ${pgDatabase}`);
  const url = new URL(pgAdminUrl);
  url.pathname = `/${pgDatabase}`;
  extraArgs.push('--db', url.toString());
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-kics-bench-'));
const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
let emulator: KicsEmulatorProcess | undefined;

interface Reply {
  readonly status: number;
  readonly bytes: number;
  readonly text: string;
}

async function call(method: 'GET' | 'POST', target: string, token: string, body?: unknown): Promise<Reply> {
  const response = await request(target, {
    method,
    dispatcher: agent,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (target.endsWith('/traffic')) {
    // A capture is binary: count its bytes, keep nothing.
    const data = await response.body.arrayBuffer();
    return { status: response.statusCode, bytes: data.byteLength, text: '' };
  }
  const text = await response.body.text();
  return { status: response.statusCode, bytes: text.length, text };
}

interface PageOf {
  readonly values: Array<{ id: number }>;
}

/** Pages a collection to its end; `keyset` asks for `id > last` instead of an offset. Returns the count. */
async function pageAll(
  apiUrl: string,
  token: string,
  collection: 'devices' | 'events',
  mode: 'offset' | 'keyset',
  extraFilter: readonly unknown[] = [],
): Promise<number> {
  let count = 0;
  let last = 0;
  for (let offset = 0; ; offset += PAGE) {
    const filter =
      mode === 'keyset' ? [...extraFilter, { field: 'id', condition: '>', value: last }] : [...extraFilter];
    const body = {
      ...(filter.length === 0 ? {} : { filter }),
      sort: [{ column: 'id', order: 'asc' }],
      ...(mode === 'offset' ? { offset } : {}),
      limit: PAGE,
    };
    const reply = await call('POST', `${apiUrl}/${collection}/query`, token, body);
    if (reply.status !== 200)
      throw new Error(`${collection}/query: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
    const page = JSON.parse(reply.text) as PageOf;
    count += page.values.length;
    if (page.values.length < PAGE) return count;
    last = page.values[page.values.length - 1]!.id;
  }
}

/**
 * CPU seconds of the throwaway PostgreSQL server (`--pg`): the postmaster and its backends, which the emulator's
 * own figure leaves out. NaN when the server is not ours.
 */
function postgresCpuSeconds(): number {
  if (postgres === undefined) return Number.NaN;
  let total = cpuSeconds(postgres.pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) === postgres.pid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The process ended while the list was read.
    }
  }
  return total;
}

interface Measured<T> {
  readonly value: T;
  readonly wall: number;
  /** Emulator CPU seconds. */
  readonly cpu: number;
  /** PostgreSQL CPU seconds (`--pg` only; NaN otherwise). */
  readonly dbCpu: number;
}

/** Wall seconds and emulator (and PostgreSQL) CPU seconds of `work`. */
async function measured<T>(pid: number, work: () => Promise<T>): Promise<Measured<T>> {
  const cpuBefore = cpuSeconds(pid);
  const dbBefore = postgresCpuSeconds();
  const start = performance.now();
  const value = await work();
  const wall = (performance.now() - start) / 1000;
  return { value, wall, cpu: cpuSeconds(pid) - cpuBefore, dbCpu: postgresCpuSeconds() - dbBefore };
}

/** The PostgreSQL server's share, when it is ours to measure. */
function databaseLine(count: number, run: Measured<unknown>): void {
  if (Number.isNaN(run.dbCpu)) return;
  line('  per CPU-second of emulator and PostgreSQL together', perSecond(count, run.cpu + run.dbCpu));
}

try {
  const backend = pgAdminUrl === undefined ? 'SQLite' : 'PostgreSQL';
  console.log(
    `KICS emulator on ${backend}, ${DEVICES} devices, ${EVENTS} events, Node ${process.version}, ${os.cpus().length} cores`,
  );

  // Start-up: the first start generates and stores the world; the restart only opens it.
  const options = { dataDir, devices: DEVICES, events: EVENTS, controlToken: CONTROL_TOKEN, extraArgs };
  const first = await startKicsEmulatorProcess(options);
  const firstPeak = peakRssMb(first.pid);
  await first.stop();
  line('first start: generate and store the world', `${first.startupSeconds.toFixed(1)} s`);
  line('  emulator peak RSS', `${firstPeak.toFixed(0)} MB`);

  emulator = await startKicsEmulatorProcess(options);
  const { url, pid } = emulator;
  line('restart on the existing database', `${emulator.startupSeconds.toFixed(1)} s`);
  line('  emulator peak RSS', `${peakRssMb(pid).toFixed(0)} MB`);

  const minted = await request(`${url}/__emulator/tokens`, {
    method: 'POST',
    dispatcher: agent,
    headers: { Authorization: `Bearer ${CONTROL_TOKEN}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  const token = ((await minted.body.json()) as { access_token: string }).access_token;
  const apiUrl = `${url}/kics/api/v3`;

  // Devices.
  for (const mode of ['offset', 'keyset'] as const) {
    const run = await measured(pid, () => pageAll(apiUrl, token, 'devices', mode));
    if (run.value !== DEVICES) throw new Error(`devices by ${mode}: ${run.value} of ${DEVICES}`);
    const how = mode === 'offset' ? '`offset`' : '`id > last`';
    line(`enumerate ${run.value} devices, pages of ${PAGE} by ${how}, wall`, perSecond(run.value, run.wall));
    line('  per emulator CPU-second', perSecond(run.value, run.cpu));
    databaseLine(run.value, run);
  }

  // Events by keyset: the first pass reads a database the process has not touched yet, the second is the steady
  // state of a server that keeps serving.
  for (const label of ['first pass', 'second pass']) {
    const run = await measured(pid, () => pageAll(apiUrl, token, 'events', 'keyset'));
    if (run.value !== EVENTS) throw new Error(`events: ${run.value} of ${EVENTS}`);
    line(
      `events/query, ${run.value} events by \`id > last\` (${label}), wall`,
      perSecond(run.value, run.wall),
    );
    line('  per emulator CPU-second', perSecond(run.value, run.cpu), 'target: ≥ 100,000');
    databaseLine(run.value, run);
  }

  // A filter on a field the store cannot push down: every document of the range is parsed and tested.
  const critical = [{ field: 'severity', condition: '=', value: 'Critical' }];
  const filtered = await measured(pid, () => pageAll(apiUrl, token, 'events', 'keyset', critical));
  line(
    `events/query, severity = Critical by \`id > last\`: ${filtered.value} events`,
    `${filtered.wall.toFixed(1)} s`,
  );
  line('  events scanned per emulator CPU-second', perSecond(EVENTS, filtered.cpu));
  line('  events returned per emulator CPU-second', perSecond(filtered.value, filtered.cpu));
  databaseLine(EVENTS, filtered);

  // Captures: learn which of the first ids have one (and warm up), then time those.
  const withTraffic: number[] = [];
  const probes = Math.min(CAPTURE_PROBES, EVENTS);
  for (let id = 1; id <= probes; id++) {
    const reply = await call('GET', `${apiUrl}/events/${id}/traffic`, token);
    if (reply.status === 200) withTraffic.push(id);
    else if (reply.status !== 404) throw new Error(`events/${id}/traffic: HTTP ${reply.status}`);
  }
  const captures = await measured(pid, async () => {
    let bytes = 0;
    for (const id of withTraffic) {
      const reply = await call('GET', `${apiUrl}/events/${id}/traffic`, token);
      if (reply.status !== 200) throw new Error(`events/${id}/traffic: HTTP ${reply.status}`);
      bytes += reply.bytes;
    }
    return bytes;
  });
  const n = withTraffic.length;
  line(`GET /events/{id}/traffic, ${n} captures of ${probes} events, wall`, perSecond(n, captures.wall));
  line('  per emulator CPU-second', perSecond(n, captures.cpu));
  line('  emulator CPU per capture', `${((captures.cpu / n) * 1e6).toFixed(0)} µs`);
  databaseLine(n, captures);
  line('  average capture size', `${(captures.value / n / 1024).toFixed(1)} KB`);
  line('serving emulator peak RSS (after all of the above)', `${peakRssMb(pid).toFixed(0)} MB`);
} finally {
  await emulator?.stop();
  await agent.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (pgAdminUrl !== undefined) await adminQuery(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
  await postgres?.stop();
}
