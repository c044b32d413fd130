/**
 * Issue 19's figure for the syslog sink: KSC events end to end — the emulator (own process) → `ksc.events` → the
 * OCSF mapping → the syslog sink as CEF over TCP (octet counting) → a real rsyslog on loopback writing every message
 * to a file — per CPU-second of the intake process, with a checkpoint every 1,000 events; then the formatting alone
 * (OCSF document → CEF / LEEF line → RFC 5424 message) to show what the sink's own work costs. rsyslog's count is
 * checked: every event arrived once. KCONNECT_BENCH_EVENTS (default 100,000) sizes the history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointStore } from '../src/intake/checkpoints/index.ts';
import { createMapping } from '../src/intake/mappings/index.ts';
import { runPipeline } from '../src/intake/runner.ts';
import { createSink, resolveSinkConfig } from '../src/intake/sinks/index.ts';
import { SyslogSink } from '../src/intake/sinks/syslog/sink.ts';
import { createSource, sourceConfig } from '../src/intake/sources/index.ts';
import { KscClient } from '../src/ksc/index.ts';
import { startRsyslog } from '../test/support/rsyslog.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { line } from './_client-phase.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { cpuSeconds, startEmulator } from './_emulator-process.ts';

runCompiledUnlessBundled(import.meta.url);

const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 100_000);
const PASSWORD = 'bench-only-password';
const failures: string[] = [];

const emulator = await startEmulator({ hosts: 1000, events: EVENTS, password: PASSWORD });
const rsyslog = await startRsyslog();
const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-syslog-'));
const client = new KscClient({ url: emulator.url, credentials: { user: 'admin', password: PASSWORD } });
const checkpoints = await CheckpointStore.open({ file: path.join(dir, 'state.db') });
try {
  console.log(
    `Intake → syslog: KSC emulator (own process) → ksc.events → ocsf → CEF over TCP → rsyslog (own process); ` +
      `${EVENTS} events, checkpoint every 1,000, ${howItRuns(import.meta.url)}, Node ${process.version}, ` +
      `${os.cpus().length} cores`,
  );
  const source = createSource(
    sourceConfig.parse({ type: 'ksc.events', connection: 'bench', start: 'start' }),
    {
      client,
      pipeline: 'bench-syslog',
    },
  );
  const sink = createSink(
    resolveSinkConfig(
      { type: 'syslog', url: `tcp://127.0.0.1:${rsyslog.tcpPort}`, format: 'cef' },
      { base: dir, env: {}, field: 'pipelines.bench-syslog.sink' },
    ),
    { pipeline: 'bench-syslog' },
  );
  const rsyslogCpuBefore = cpuSeconds(rsyslog.pid!);
  const emulatorCpuBefore = cpuSeconds(emulator.pid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const status = await runPipeline({
    name: 'bench-syslog',
    source,
    mapping: createMapping('ocsf'),
    sink,
    checkpoints,
    batchSize: 1000,
    once: true,
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpuBefore);
  const cpu = (used.user + used.system) / 1e6;
  await source.close();
  await sink.close();
  const events = status.totals.documents;
  const received = await waitFor(
    () => {
      const count = rsyslog.messages().length;
      return count >= events ? count : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'every message at rsyslog' },
  );
  line(`end to end: ${events} events`, `${seconds.toFixed(2)} s`, `${Math.round(events / seconds)} /s wall`);
  line('  per CPU-second of the intake process', `${Math.round(events / cpu).toLocaleString('en-US')} /s`);
  line(
    '  CPU: intake / emulator / rsyslogd',
    `${cpu.toFixed(1)} / ${(cpuSeconds(emulator.pid) - emulatorCpuBefore).toFixed(1)} / ` +
      `${(cpuSeconds(rsyslog.pid!) - rsyslogCpuBefore).toFixed(1)} s`,
  );
  line('  messages at rsyslog', String(received));
  if (received !== events || events !== EVENTS) {
    failures.push(`${events} events read, ${received} messages at rsyslog, the world has ${EVENTS}`);
  }

  // The sink's own work, without I/O: the OCSF documents of a sample, formatted again and again.
  const ocsf = createMapping('ocsf');
  const sample = (
    await createSource(sourceConfig.parse({ type: 'ksc.events', connection: 'b', start: 'start' }), {
      client,
      pipeline: 'bench-format',
    }).next(undefined, 1000, new AbortController().signal)
  ).records.flatMap((r) => ocsf.map(r));
  for (const format of ['cef', 'leef', 'json'] as const) {
    const formatter = new SyslogSink({
      transport: { protocol: 'tcp', host: '127.0.0.1', port: 1, timeoutMs: 1 },
      format,
      maxMessageBytes: 8192,
      pipeline: 'bench',
    });
    const rounds = Math.max(1, Math.round(EVENTS / sample.length));
    const before = process.cpuUsage();
    let bytes = 0;
    for (let round = 0; round < rounds; round++) {
      for (const [index, document] of sample.entries()) {
        bytes += formatter.message(document, String(index), Date.now()).length;
      }
    }
    const formatCpu = process.cpuUsage(before);
    const count = rounds * sample.length;
    line(
      `  formatting only, ${format}: ${count} messages, ${Math.round(bytes / count)} B each`,
      `${Math.round(count / ((formatCpu.user + formatCpu.system) / 1e6)).toLocaleString('en-US')} /CPU-s`,
    );
  }
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await checkpoints.close();
  await client.close();
  await rsyslog.dispose();
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
} else {
  console.log('OK: every event at rsyslog once');
}
