/**
 * The intake into NATS JetStream (issue 19's figure "JetStream with acks"): KSC events end to end — the emulator →
 * `ksc.events` → ecs → the `nats` sink, every publish acknowledged before the checkpoint commits every 1,000 events
 * — per CPU-second of the intake process. The emulator and `nats-server -js` run in their own processes; their CPU
 * is printed beside. The stream is checked afterwards: one message per event.
 * Sizes: KCONNECT_BENCH_EVENTS (default 50,000), KCONNECT_BENCH_IN_FLIGHT (publishes awaiting acks; default 256).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { CheckpointStore } from '../src/intake/checkpoints/index.ts';
import { createMapping } from '../src/intake/mappings/index.ts';
import { runPipeline } from '../src/intake/runner.ts';
import { NatsSink } from '../src/intake/sinks/nats/index.ts';
import { createSource, sourceConfig } from '../src/intake/sources/index.ts';
import { KscClient } from '../src/ksc/index.ts';
import { startNatsServer } from '../test/support/nats-server.ts';
import { line, mb } from './_client-phase.ts';
import { howItRuns, runCompiledUnlessBundled } from './_compiled.ts';
import { cpuSeconds, startEmulator } from './_emulator-process.ts';

runCompiledUnlessBundled(import.meta.url);

const EVENTS = Number(process.env['KCONNECT_BENCH_EVENTS'] ?? 50_000);
const IN_FLIGHT = Number(process.env['KCONNECT_BENCH_IN_FLIGHT'] ?? 256);
const PASSWORD = 'bench-only-password';

const failures: string[] = [];
const [emulator, nats] = await Promise.all([
  startEmulator({ hosts: 1000, events: EVENTS, password: PASSWORD }),
  startNatsServer(),
]);
const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-nats-'));
try {
  console.log(
    `Intake into NATS: KSC emulator (own process) → ksc.events → ecs → JetStream (nats-server ${nats.url}, own ` +
      `process), every ack awaited, checkpoint every 1,000 events; ${EVENTS} events, ${IN_FLIGHT} in flight, ` +
      `${howItRuns(import.meta.url)}, Node ${process.version}, ${os.cpus().length} cores`,
  );
  const client = new KscClient({ url: emulator.url, credentials: { user: 'admin', password: PASSWORD } });
  const checkpoints = await CheckpointStore.open({ file: path.join(dir, 'state.db') });
  const source = createSource(
    sourceConfig.parse({ type: 'ksc.events', connection: 'bench', start: 'start' }),
    {
      client,
      pipeline: 'bench-nats',
    },
  );
  const sink = new NatsSink({
    connection: { url: nats.url },
    stream: 'BENCH',
    subject: 'kconnect.bench',
    pipeline: 'bench-nats',
    maxInFlight: IN_FLIGHT,
  });
  const cpuBefore = process.cpuUsage();
  const emulatorCpuBefore = cpuSeconds(emulator.pid);
  const natsCpuBefore = cpuSeconds(nats.pid);
  const started = performance.now();
  let written = 0;
  try {
    const status = await runPipeline({
      name: 'bench-nats',
      source,
      mapping: createMapping('ecs'),
      sink,
      checkpoints,
      batchSize: 1000,
      once: true,
    });
    written = status.totals.documents;
  } finally {
    await source.close();
    await sink.close();
    await checkpoints.close();
    await client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpuBefore);
  const cpu = (used.user + used.system) / 1e6;
  line(
    `ecs → nats: ${written} events`,
    `${seconds.toFixed(2)} s`,
    `${Math.round(written / seconds).toLocaleString('en-US')} /s wall`,
  );
  line('  per CPU-second of the intake process', `${Math.round(written / cpu).toLocaleString('en-US')} /s`);
  line(
    '  CPU: intake / emulator / nats-server',
    `${cpu.toFixed(1)} / ${(cpuSeconds(emulator.pid) - emulatorCpuBefore).toFixed(1)} / ${(cpuSeconds(nats.pid) - natsCpuBefore).toFixed(1)} s`,
  );
  line('intake process peak RSS (resourceUsage().maxRSS)', mb(process.resourceUsage().maxRSS / 1024));
  const nc = await connect({ servers: nats.url });
  const messages = (await (await jetstreamManager(nc)).streams.info('BENCH')).state.messages;
  await nc.close();
  if (messages !== EVENTS || written !== EVENTS)
    failures.push(`${written} events written, the stream holds ${messages}, the world has ${EVENTS}`);
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await Promise.all([emulator.stop(), nats.stop()]);
  rmSync(dir, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
} else {
  console.log('OK: every event in the stream once');
}
