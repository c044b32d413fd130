/**
 * The supervisor with real parts: the KSC emulator over HTTP, the `ksc.events` source, the ECS mapping, the file
 * sink and SQLite checkpoints. The file grows and the status advances; a sink that cannot open its file fails the
 * run, the error stays in the status and the pipeline is restarted until the file can be written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/intake/checkpoints/index.ts';
import { createMapping } from '../../src/intake/mappings/index.ts';
import type { PipelineDefinition } from '../../src/intake/pipeline.ts';
import { FileSink } from '../../src/intake/sinks/file/index.ts';
import { createSource, sourceConfig } from '../../src/intake/sources/index.ts';
import { createSupervisor, type Supervisor } from '../../src/intake/supervisor.ts';
import { KscClient } from '../../src/ksc/client/client.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';

const EVENTS = 400;

describe('createSupervisor', () => {
  let emulator: TestEmulator;
  let dir: string;
  let store: CheckpointStore;
  let supervisor: Supervisor | undefined;
  const clients: KscClient[] = [];

  const definition = (name: string, file: string): PipelineDefinition => ({
    name,
    sourceType: 'ksc.events',
    connection: 'lab',
    mappingName: 'ecs',
    sinkType: 'file',
    sinkTarget: file,
    batchSize: 100,
    pollIntervalMs: 100,
    createParts() {
      const client = new KscClient({
        url: emulator.url,
        credentials: { user: 'admin', password: TEST_PASSWORD },
      });
      clients.push(client);
      return {
        source: createSource(sourceConfig.parse({ type: 'ksc.events', connection: 'lab', start: 'start' }), {
          client,
          pipeline: name,
        }),
        mapping: createMapping('ecs'),
        sink: new FileSink({ path: file }),
      };
    },
  });
  const lines = (file: string) =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', { events: EVENTS, hosts: 40, virtualServers: [] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-supervisor-'));
    store = await CheckpointStore.open({ file: path.join(dir, 'checkpoints.sqlite') });
  });
  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
    for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  });
  afterAll(async () => {
    await store.close();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a pipeline in the background: the file grows, the status and the history advance, stop commits', async () => {
    const file = path.join(dir, 'ksc-events.ndjson');
    supervisor = createSupervisor([definition('ksc-events', file)], { checkpoints: store });
    expect(supervisor.status()[0]).toMatchObject({
      pipeline: 'ksc-events',
      state: 'starting',
      connection: 'lab',
    });
    supervisor.start();
    await expect.poll(() => supervisor!.status()[0]!.state, { timeout: 20_000 }).toBe('following');
    const status = supervisor.status()[0]!;
    expect(status.totals.records).toBe(EVENTS);
    expect(lines(file)).toBe(EVENTS);
    expect(status.generation).toBeGreaterThan(1);
    expect(status.lagSeconds).toBe(0);
    expect(status.restarts).toBe(0);
    const history = supervisor.history('ksc-events')!;
    expect(history.length).toBeGreaterThan(0);
    expect(history.at(-1)).toMatchObject({ records: EVENTS, lagSeconds: 0 });
    expect(supervisor.history('nope')).toBeUndefined();

    // New events arrive while it follows.
    await emulator.control('POST', '/__emulator/events', { count: 5 });
    await expect.poll(() => lines(file), { timeout: 10_000 }).toBe(EVENTS + 5);
    await expect.poll(() => supervisor!.status()[0]!.totals.records).toBe(EVENTS + 5);

    await supervisor.stop();
    expect(supervisor.status()[0]!.state).toBe('stopped');
    const read = await store.read('ksc-events');
    expect(read.checkpoint?.totals.records).toBe(EVENTS + 5);
  });

  it('restarts a pipeline whose sink fails, keeping the error, until the sink can write', async () => {
    // A regular file where the sink's folder should be: opening the sink fails for real (ENOTDIR).
    const blocker = path.join(dir, 'blocked');
    writeFileSync(blocker, '');
    const file = path.join(blocker, 'out.ndjson');
    supervisor = createSupervisor([definition('blocked', file)], {
      checkpoints: store,
      restart: { baseMs: 50, capMs: 200 },
    });
    supervisor.start();
    await expect.poll(() => supervisor!.status()[0]!.restarts, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const failed = supervisor.status()[0]!;
    expect(failed.lastFailure).toMatchObject({ stage: 'sink-open', retryable: false });
    expect(failed.lastFailure?.message).toMatch(/EEXIST|ENOTDIR/);
    expect(failed.errors.some((e) => e.stage === 'sink-open')).toBe(true);

    // The folder appears: the next restart writes everything, and the failure stays on record.
    rmSync(blocker);
    await expect.poll(() => supervisor!.status()[0]!.state, { timeout: 20_000 }).toBe('following');
    const recovered = supervisor.status()[0]!;
    expect(lines(file)).toBe(recovered.totals.records);
    expect(recovered.totals.records).toBeGreaterThanOrEqual(EVENTS);
    expect(recovered.lastFailure?.stage).toBe('sink-open');
    expect(recovered.errors.some((e) => e.stage === 'sink-open')).toBe(true);
  });
});
