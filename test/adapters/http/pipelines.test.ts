/**
 * The HTTP service running intake pipelines against the KSC emulator: their status and history over HTTP, what a
 * token limited to one connection sees, the `/metrics` lines, and a graceful shutdown that stops them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../src/adapters/http/service.ts';
import { CheckpointStore } from '../../../src/intake/checkpoints/index.ts';
import { createMapping } from '../../../src/intake/mappings/index.ts';
import type { PipelineDefinition } from '../../../src/intake/pipeline.ts';
import { FileSink } from '../../../src/intake/sinks/file/index.ts';
import { createSource, sourceConfig } from '../../../src/intake/sources/index.ts';
import { KscClient } from '../../../src/ksc/client/client.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';
import { request, TestContexts } from './support.ts';

const EVENTS = 250;
/** The events the pipelines read by the time they follow the head. */
let total = 0;

interface PipelineBody {
  name: string;
  source: { type: string; connection: string | null };
  state: string;
  generation: number;
  lagSeconds: number | null;
  totals: { records: number; documents: number; gaps: number };
  lastBatch: { records: number; at: string } | null;
  errors: unknown[];
  gaps: unknown[];
  history?: Array<{ at: string; records: number; documents: number; lagSeconds: number | null }>;
}

describe('pipelines in the HTTP service', () => {
  let emu: TestEmulator;
  let dir: string;
  let contexts: TestContexts;
  let service: RunningService;
  const clients: KscClient[] = [];
  const tokens: Record<string, string> = {};

  const pipeline = (name: string, connection: string): PipelineDefinition => {
    const file = path.join(dir, `${name}.ndjson`);
    return {
      name,
      sourceType: 'ksc.events',
      connection,
      mappingName: 'ecs',
      sinkType: 'file',
      sinkTarget: file,
      batchSize: 100,
      pollIntervalMs: 100,
      createParts() {
        const client = new KscClient({
          url: emu.url,
          credentials: { user: 'admin', password: TEST_PASSWORD },
        });
        clients.push(client);
        return {
          source: createSource(sourceConfig.parse({ type: 'ksc.events', connection, start: 'start' }), {
            client,
            pipeline: name,
          }),
          mapping: createMapping('ecs'),
          sink: new FileSink({ path: file }),
        };
      },
    };
  };
  /** A GET with the read token, another one, or none (null). */
  const get = (route: string, token: string | null = tokens['read']!) =>
    request(service.url, route, token === null ? {} : { token });
  const body = <T>(answer: { text: string }) => JSON.parse(answer.text) as T;

  beforeAll(async () => {
    emu = await startTestEmulator('sqlite', { hosts: 40, events: EVENTS, virtualServers: [] });
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-service-pipelines-'));
    contexts = new TestContexts(emu);
    service = await startService({
      contexts: contexts.context,
      connections: ['default', 'branch'],
      database: { file: path.join(dir, 'service.db') },
      port: 0,
      pipelines: [pipeline('main-events', 'default'), pipeline('branch-events', 'branch')],
      shutdownGraceMs: 5000,
    });
    tokens['read'] = (await service.tokens.create('reader', 'read')).token;
    tokens['branch'] = (await service.tokens.create('branch-reader', 'read', 'branch')).token;
    tokens['admin'] = (await service.tokens.create('admin', 'admin')).token;
  });
  afterAll(async () => {
    await service?.close();
    await contexts?.close();
    for (const client of clients) await client.close().catch(() => undefined);
    await emu?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every pipeline with its status once they follow the head', async () => {
    await expect
      .poll(
        async () =>
          body<{ pipelines: PipelineBody[] }>(await get('/v1/pipelines')).pipelines.map((p) => p.state),
        { timeout: 20_000 },
      )
      .toEqual(['following', 'following']);
    const answer = await get('/v1/pipelines');
    expect(answer.status).toBe(200);
    const [main] = body<{ pipelines: PipelineBody[] }>(answer).pipelines;
    const lines = readFileSync(path.join(dir, 'main-events.ndjson'), 'utf8').trim().split('\n');
    total = lines.length;
    expect(total).toBeGreaterThan(EVENTS / 4);
    expect(main).toMatchObject({
      name: 'main-events',
      source: { type: 'ksc.events', connection: 'default' },
      mapping: 'ecs',
      sink: { type: 'file' },
      state: 'following',
      lagSeconds: 0,
      totals: { records: total, documents: total, gaps: 0 },
      restarts: 0,
      errors: [],
      gaps: [],
    });
    expect(main!.generation).toBeGreaterThan(1);
    expect(main!.lastBatch?.records).toBeGreaterThan(0);
  });

  it('answers one pipeline with its history, and 404 for an unknown one', async () => {
    const answer = await get('/v1/pipelines/main-events');
    expect(answer.status).toBe(200);
    const detail = body<PipelineBody>(answer);
    expect(detail.name).toBe('main-events');
    expect(detail.history!.length).toBeGreaterThan(0);
    expect(detail.history!.at(-1)).toMatchObject({ records: total, documents: total, lagSeconds: 0 });
    expect(Date.parse(detail.history!.at(-1)!.at)).not.toBeNaN();

    const unknown = await get('/v1/pipelines/nope');
    expect(unknown.status).toBe(404);
    expect(body<{ error: { code: string } }>(unknown).error.code).toBe('NOT_FOUND');
  });

  it('needs the read scope, and shows a token limited to one connection only its pipelines', async () => {
    expect((await get('/v1/pipelines', null)).status).toBe(401);
    expect((await get('/v1/pipelines', tokens['admin'])).status).toBe(403);
    const limited = body<{ pipelines: PipelineBody[] }>(await get('/v1/pipelines', tokens['branch']));
    expect(limited.pipelines.map((p) => p.name)).toEqual(['branch-events']);
    expect((await get('/v1/pipelines/branch-events', tokens['branch'])).status).toBe(200);
    expect((await get('/v1/pipelines/main-events', tokens['branch'])).status).toBe(404);
  });

  it('documents both routes in OpenAPI', async () => {
    const doc = body<{
      paths: Record<string, { get?: unknown }>;
      components: { schemas: Record<string, unknown> };
    }>(await get('/openapi.json'));
    expect(doc.paths['/v1/pipelines']?.get).toBeDefined();
    expect(doc.paths['/v1/pipelines/{name}']?.get).toBeDefined();
    expect(doc.components.schemas['PipelineStatus']).toBeDefined();
    expect(doc.components.schemas['PipelineDetail']).toBeDefined();
  });

  it('exposes each pipeline in /metrics', async () => {
    const text = (await get('/metrics', null)).text;
    expect(text).toContain(`kconnect_intake_records_total{pipeline="main-events"} ${total}`);
    expect(text).toContain(`kconnect_intake_documents_total{pipeline="branch-events"} ${total}`);
    expect(text).toContain('kconnect_intake_gaps_total{pipeline="main-events"} 0');
    expect(text).toContain('kconnect_intake_lag_seconds{pipeline="main-events"} 0');
    expect(text).toContain('kconnect_intake_state{pipeline="main-events",state="following"} 1');
    expect(text).toContain('kconnect_intake_state{pipeline="main-events",state="failed"} 0');
    expect(text).toContain('kconnect_intake_errors{pipeline="main-events"} 0');
    expect(text).toMatch(
      /^kconnect_intake_last_commit_timestamp_seconds\{pipeline="main-events"\} \d+(\.\d+)?$/m,
    );
    expect(text).toContain('# TYPE kconnect_intake_records_total counter');
  });

  it('stops the pipelines on a graceful shutdown, with their position committed', async () => {
    await emu.control('POST', '/__emulator/events', { count: 4 });
    await expect
      .poll(() => service.pipelines!.status().map((s) => s.totals.records), { timeout: 10_000 })
      .toEqual([total + 4, total + 4]);
    await service.close();
    expect(service.pipelines!.status().map((s) => s.state)).toEqual(['stopped', 'stopped']);
    const store = await CheckpointStore.open({ file: path.join(dir, 'service.db') });
    try {
      expect((await store.read('main-events')).checkpoint?.totals.records).toBe(total + 4);
    } finally {
      await store.close();
    }
  });
});
