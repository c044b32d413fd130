/**
 * What answering gzip costs the emulators per page (issue 22, decision 0070): a real page of the KSC emulator
 * (1,000 hosts, findHosts' 5 attributes) answered through the emulators' middleware (`compressWhenAccepted`,
 * node:zlib) and through hono's `compress` (a web CompressionStream, what the emulators used before), and zlib's
 * levels on the same bytes. CPU is the process's (user + system).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { compressWhenAccepted } from '../src/emulator/core/compression.ts';
import { startKscEmulator } from '../src/emulator/ksc/emulator.ts';
import { encodeArguments, type KlArguments } from '../src/ksc/index.ts';

const PASSWORD = 'bench-only-password';
const ROUNDS = 100;

async function realHostsPage(): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-gzip-'));
  const ksc = await startKscEmulator({
    http: true,
    port: 0,
    dataDir,
    hosts: 2000,
    events: 1000,
    adminPassword: PASSWORD,
  });
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  const call = async (method: string, args: KlArguments): Promise<string> => {
    const response = await fetch(new URL(`/api/v1.0/${method}`, ksc.url), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `KSCBasic user="${b64('admin')}", pass="${b64(PASSWORD)}"`,
      },
      body: encodeArguments(args),
    });
    return response.text();
  };
  const found = JSON.parse(
    await call('HostGroup.FindHosts', {
      wstrFilter: '',
      vecFieldsToReturn: [
        'KLHST_WKS_HOSTNAME',
        'KLHST_WKS_DN',
        'KLHST_WKS_STATUS',
        'KLHST_WKS_IP_LONG',
        'KLHST_WKS_LAST_VISIBLE',
      ],
      lMaxLifeTime: 600,
    }),
  ) as { strAccessor: string };
  const page = await call('ChunkAccessor.GetItemsChunk', {
    strAccessor: found.strAccessor,
    nStart: 0,
    nCount: 1000,
  });
  await ksc.close();
  rmSync(dataDir, { recursive: true, force: true });
  return page;
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function report(name: string, msPerPage: number, bytes: number, of: number): void {
  console.log(
    `${name.padEnd(52)} ${msPerPage.toFixed(2).padStart(6)} ms CPU/page   ${((bytes / of) * 100).toFixed(1).padStart(5)} % of the bytes`,
  );
}

const page = await realHostsPage();
const plainBytes = Buffer.byteLength(page);
console.log(
  `a page of 1,000 hosts, 5 attributes: ${plainBytes.toLocaleString('en-US')} bytes; ${ROUNDS} answers each`,
);

async function throughMiddleware(name: string, middleware: MiddlewareHandler): Promise<void> {
  const app = new Hono();
  app.use('*', middleware);
  app.post('/page', (c) => c.body(page, 200, { 'Content-Type': 'application/json; charset=utf-8' }));
  const answer = async (): Promise<number> =>
    (
      await (
        await app.request('/page', { method: 'POST', headers: { 'Accept-Encoding': 'gzip' } })
      ).arrayBuffer()
    ).byteLength;
  for (let i = 0; i < 10; i++) await answer();
  const start = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < ROUNDS; i++) bytes = await answer();
  report(name, cpuMs(start) / ROUNDS, bytes, plainBytes);
}

await throughMiddleware("hono's compress (web CompressionStream)", compress({ threshold: 1024 }));
await throughMiddleware(
  'compressWhenAccepted (node:zlib, level 1)',
  compressWhenAccepted({ threshold: 1024 }),
);
for (const level of [1, 4, 6]) {
  const start = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < ROUNDS; i++) bytes = zlib.gzipSync(page, { level }).length;
  report(`zlib.gzipSync, level ${level}`, cpuMs(start) / ROUNDS, bytes, plainBytes);
}
