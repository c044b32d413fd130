/**
 * The webhook sink's throughput (issue 19): records → the raw mapping → `WebhookSink` (JSON arrays of 500
 * documents, bearer token, HMAC of each body) → a plain HTTP receiver on loopback in its own process, through
 * `runPipeline` with a SQLite checkpoint commit every 1,000 records. Reported per CPU-second of this process (the
 * receiver's CPU is its own). The source is synthetic (KSC-event-shaped records), so the figure is the sink's and
 * the runner's, not the KSC source's (bench/intake.ts measures that). KCONNECT_BENCH_EVENTS (default 200,000).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret } from '../src/config/secrets.ts';
import { CheckpointStore } from '../src/intake/checkpoints/index.ts';
import { createMapping } from '../src/intake/mappings/index.ts';
import { runPipeline } from '../src/intake/runner.ts';
import { WebhookSink } from '../src/intake/sinks/webhook/index.ts';
import type { IntakeRecord, Source } from '../src/intake/types.ts';

const total = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 200_000);

const RECEIVER = `
const http = require('node:http');
let documents = 0;
const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (c) => { bytes += c.length; });
  req.on('end', () => { documents++; res.end('ok'); });
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('message', () => { process.send({ requests: documents, cpu: process.cpuUsage() }); });
`;

function source(): Source {
  return {
    type: 'ksc.events',
    next(cursor, limit) {
      const from = (cursor as { next: number } | undefined)?.next ?? 0;
      const to = Math.min(total, from + limit);
      const records: IntakeRecord[] = [];
      for (let n = from; n < to; n++) {
        records.push({
          kind: 'record',
          source: 'ksc.events',
          key: String(n),
          time: new Date(1_735_689_600_000 + n * 1000).toISOString(),
          data: {
            event_db_id: String(n),
            event_type: 'GNRL_EV_VIRUS_FOUND',
            event_type_display_name: 'Malicious object detected',
            GNRL_EA_SEVERITY: 4,
            hostdn: `WKS-${n % 500}`,
            rise_time: new Date(1_735_689_600_000 + n * 1000).toISOString(),
            GNRL_EA_DESCRIPTION: `Detected: HEUR:Trojan.Win32.Generic in C:\\\\Users\\\\u${n % 97}\\\\file${n}.exe`,
          },
        });
      }
      return Promise.resolve({ records, cursor: { next: to }, atHead: to >= total });
    },
    close: () => Promise.resolve(),
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-webhook-'));
const child = fork('-e', [RECEIVER], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
const store = await CheckpointStore.open({ file: path.join(dir, 'state.sqlite') });
const env = { TOKEN: 'bench-token', KEY: 'bench-hmac-key' };
const sink = new WebhookSink({
  url: `http://127.0.0.1:${port}/ingest`,
  pipeline: 'bench',
  policy: { allowLoopback: true },
  auth: {
    token: Secret.env('TOKEN', 'tokenEnv', env),
    hmac: {
      secret: Secret.env('KEY', 'hmac.secretEnv', env),
      header: 'X-Kconnect-Signature',
      algorithm: 'sha256',
    },
  },
});
const cpu0 = process.cpuUsage();
const started = performance.now();
const status = await runPipeline({
  name: 'bench',
  source: source(),
  mapping: createMapping('raw'),
  sink,
  checkpoints: store,
  batchSize: 1000,
  once: true,
});
const wall = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
child.send('report');
const report = await new Promise<{ requests: number; cpu: NodeJS.CpuUsage }>((resolve) =>
  child.once('message', (m) => resolve(m as { requests: number; cpu: NodeJS.CpuUsage })),
);
child.kill();
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `webhook sink: ${status.totals.documents} documents in ${report.requests} requests, ${wall.toFixed(2)} s wall, ` +
    `${cpuSeconds.toFixed(2)} CPU-s → ${Math.round(status.totals.documents / cpuSeconds)} events/s per core ` +
    `(receiver ${((report.cpu.user + report.cpu.system) / 1e6).toFixed(2)} CPU-s)`,
);
