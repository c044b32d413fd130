/**
 * The KSC emulator's targets (issue "KSC emulator, part 1"):
 * - a world of 100,000 hosts and 1,000,000 events is generated and stored well under a minute;
 * - enumerating 100,000 hosts (5 attributes) through FindHosts + GetItemsChunk with a plain HTTP client: ≤ 2 s;
 * - serving events through GetRecordRange: ≥ 200,000 events per second per core of the emulator;
 * - small methods (`HostGroup.GroupIdGroups`, one call at a time): ≥ 5,000 calls/s (spec B8).
 *
 * The emulator runs in its own process (as a user would run it); its CPU time is read from /proc.
 * Sizes: KCONNECT_BENCH_HOSTS, KCONNECT_BENCH_EVENTS. PostgreSQL instead of SQLite: KCONNECT_BENCH_PG_URL.
 */
import os from 'node:os';
import pg from 'pg';
import { Agent, request } from 'undici';
import { cpuSeconds, peakRssMb, startEmulator, type EmulatorProcess } from './_emulator-process.ts';
import { recordFigure } from '../test/support/proof-figure.ts';

const HOSTS = Number(process.env['KCONNECT_BENCH_HOSTS'] ?? 100_000);
const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 1_000_000);
const PASSWORD = 'bench-only-password';

const extraArgs: string[] = [];
// On PostgreSQL, a database of its own for this run, so the world is generated (not loaded) and dropped after.
const pgAdminUrl = process.env['KCONNECT_BENCH_PG_URL'];
const pgDatabase = `kconnect_bench_${process.pid}`;
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

let emulator: EmulatorProcess;
try {
  emulator = await startEmulator({ hosts: HOSTS, events: EVENTS, password: PASSWORD, extraArgs });
} catch (error) {
  if (pgAdminUrl !== undefined) await adminQuery(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
  throw error;
}
const { url, pid, startupSeconds } = emulator;

const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
let session = '';
async function call(method: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await request(`${url}/api/v1.0/${method}`, {
    method: 'POST',
    dispatcher: agent,
    headers: {
      'Content-Type': 'application/json',
      ...(session === ''
        ? {
            Authorization: `KSCBasic user="${Buffer.from('admin').toString('base64')}", pass="${Buffer.from(PASSWORD).toString('base64')}"`,
          }
        : { 'X-KSC-Session': session }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  // Plain JSON.parse, as a third-party client would: the benchmark measures the server, not our codec.
  return JSON.parse(text) as Record<string, unknown>;
}

try {
  session = (await call('Session.StartSession', {}))['PxgRetVal'] as string;

  // Hosts.
  const hostsStart = performance.now();
  const found = await call('HostGroup.FindHosts', {
    wstrFilter: '',
    vecFieldsToReturn: [
      'KLHST_WKS_HOSTNAME',
      'KLHST_WKS_DN',
      'KLHST_WKS_STATUS',
      'KLHST_WKS_IP_LONG',
      'KLHST_WKS_LAST_VISIBLE',
    ],
    lMaxLifeTime: 600,
  });
  let hosts = 0;
  for (let start = 0; ;) {
    const page = await call('ChunkAccessor.GetItemsChunk', {
      strAccessor: found['strAccessor'],
      nStart: start,
      nCount: 10_000,
    });
    const n = page['PxgRetVal'] as number;
    if (n === 0) break;
    hosts += n;
    start += n;
  }
  await call('ChunkAccessor.Release', { strAccessor: found['strAccessor'] });
  const hostsSeconds = (performance.now() - hostsStart) / 1000;

  // Events. The target is about GetRecordRange, so the clock starts once the result set exists. Two passes: the
  // first reads a store SQLite has not cached yet, the second is the steady state of a server that keeps serving.
  const createStart = performance.now();
  const iterator = (
    await call('EventProcessingFactory.CreateEventProcessing', {
      vecFieldsToReturn: [],
      vecFieldsToOrder: [],
      lifetimeSec: 600,
    })
  )['strIteratorId'];
  const createSeconds = (performance.now() - createStart) / 1000;
  const passes: Array<{ events: number; wall: number; cpu: number }> = [];
  for (let pass = 0; pass < 2; pass++) {
    const cpuBefore = cpuSeconds(pid);
    const wallStart = performance.now();
    let events = 0;
    for (let start = 0; ;) {
      const page = await call('EventProcessing.GetRecordRange', {
        strIteratorId: iterator,
        nStart: start,
        nEnd: start + 10_000,
      });
      const n = (page['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: unknown[] }).KLEVP_EVENT_RANGE_ARRAY
        .length;
      if (n === 0) break;
      events += n;
      start += n;
    }
    passes.push({ events, wall: (performance.now() - wallStart) / 1000, cpu: cpuSeconds(pid) - cpuBefore });
  }
  await call('EventProcessing.ReleaseIterator', { strIteratorId: iterator });

  // Small methods: one keep-alive connection, one call after the other, as a busy SOAR would send them.
  const SMALL_CALLS = Number(process.env['KCONNECT_BENCH_SMALL_CALLS'] ?? 20_000);
  const smallCpuBefore = cpuSeconds(pid);
  const smallStart = performance.now();
  for (let i = 0; i < SMALL_CALLS; i++) await call('HostGroup.GroupIdGroups', {});
  const small = {
    calls: SMALL_CALLS,
    wall: (performance.now() - smallStart) / 1000,
    cpu: cpuSeconds(pid) - smallCpuBefore,
  };

  const line = (name: string, value: string, target: string): void =>
    console.log(`${name.padEnd(58)} ${value.padStart(16)}   ${target}`);
  const backend = process.env['KCONNECT_BENCH_PG_URL'] === undefined ? 'SQLite' : 'PostgreSQL';
  console.log(
    `KSC emulator on ${backend}, ${HOSTS} hosts, ${EVENTS} events, Node ${process.version}, ${os.cpus().length} cores`,
  );
  line(
    'start-up incl. generating and storing the world',
    `${startupSeconds.toFixed(1)} s`,
    'target: well under 60 s',
  );
  line(
    `enumerate ${hosts} hosts, 5 attributes, pages of 10,000`,
    `${hostsSeconds.toFixed(2)} s`,
    'target: ≤ 2 s',
  );
  line('CreateEventProcessing over every event', `${createSeconds.toFixed(2)} s`, '');
  passes.forEach((p, i) => {
    const label = i === 0 ? 'first pass, cold cache' : 'second pass, steady state';
    line(
      `serve ${p.events} events (${label}), wall`,
      `${Math.round(p.events / p.wall).toLocaleString('en-US')} /s`,
      '',
    );
    line(
      '  per second of emulator CPU',
      `${Math.round(p.events / p.cpu).toLocaleString('en-US')} /s`,
      'target: ≥ 200,000 per core',
    );
  });
  line(
    `${small.calls} small calls (HostGroup.GroupIdGroups), wall`,
    `${Math.round(small.calls / small.wall).toLocaleString('en-US')} /s`,
    'target: ≥ 5,000 /s',
  );
  line(
    '  per second of emulator CPU',
    `${Math.round(small.calls / small.cpu).toLocaleString('en-US')} /s`,
    '',
  );
  line('emulator peak RSS', `${peakRssMb(pid).toFixed(0)} MB`, '');
  const steady = passes[passes.length - 1]!;
  const perCpu = steady.events / steady.cpu;
  const smallPerSecond = small.calls / small.wall;
  recordFigure('B8', {
    figure:
      `${Math.round(perCpu).toLocaleString('en-US')} events per emulator CPU-second, steady state (≥ 200,000); ` +
      `${Math.round(smallPerSecond).toLocaleString('en-US')} small calls/s (≥ 5,000)`,
    pass: perCpu >= 200_000 && smallPerSecond >= 5_000,
    measured: {
      events: steady.events,
      perCpuSecond: Math.round(perCpu),
      wallSeconds: steady.wall,
      smallCallsPerSecond: Math.round(smallPerSecond),
      smallCallsPerCpuSecond: Math.round(small.calls / small.cpu),
    },
  });
} finally {
  await emulator.stop();
  await agent.close();
  if (pgAdminUrl !== undefined) await adminQuery(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
}
