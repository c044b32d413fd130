/**
 * The PostgreSQL sink against the test suite's real PostgreSQL: rows upserted by key (a replayed batch changes
 * nothing), reopened after a restart, NUL refused for the dead-letter; and end to end from the KSC emulator through
 * a pipeline with two sinks (file and PostgreSQL, each with its own checkpoint), with a ledger by event key.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../../../src/config/index.ts';
import { Secret } from '../../../../src/config/secrets.ts';
import { CheckpointStore } from '../../../../src/intake/checkpoints/index.ts';
import { pipelineDefinitions } from '../../../../src/intake/configured.ts';
import { runPipelineParts } from '../../../../src/intake/run-sinks.ts';
import { PostgresSink, parseTableName } from '../../../../src/intake/sinks/postgres/sink.ts';
import { KscClient } from '../../../../src/ksc/client/client.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../../support/ksc-emulator.ts';
import { createTestDatabase, type TestDatabase } from '../../../support/postgres.ts';

const EVENTS = 600;

describe('PostgreSQL sink', () => {
  let database: TestDatabase;
  let client: pg.Client;
  let dir: string;
  const signal = new AbortController().signal;
  const sink = (table: string) =>
    new PostgresSink({
      url: Secret.value(database.url, 'url'),
      table: parseTableName(table)!,
      pipeline: 'p',
    });
  const keys = async (table: string) =>
    (await client.query<{ event_key: string }>(`select event_key from ${table} order by event_key`)).rows.map(
      (r) => r.event_key,
    );

  beforeAll(async () => {
    database = await createTestDatabase(inject('pgUrl'), 'pgsink');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-pgsink-'));
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the table, upserts by key: a replayed batch changes nothing; reopens after a restart', async () => {
    const first = sink('siem.events_a');
    await first.open(undefined, signal);
    const batch = {
      documents: [
        {
          '@timestamp': '2025-01-02T03:04:05Z',
          event: { code: 'GNRLEV_VIRUS_FOUND', severity: 3 },
          host: { name: 'h1' },
        },
        { '@timestamp': '2025-01-02T03:04:06Z', event: { code: 'x' } },
        { second: 'document of the same record' },
      ],
      keys: ['1', '2', '2'],
    };
    const written = await first.write(batch, signal);
    expect(written).toEqual({ position: { rows: 3 } });
    await first.close();
    // A crash between write and commit: the next run opens at the old position and writes the batch again.
    const again = sink('siem.events_a');
    await again.open(undefined, signal);
    await again.write(batch, signal);
    await again.write({ documents: [{ time: 1735787045000, severity: 'High' }], keys: ['3'] }, signal);
    await again.close();
    expect(await keys('siem.events_a')).toEqual(['1', '2', '2#2', '3']);
    const row = (
      await client.query<{
        time: Date;
        event_type: string;
        severity: string;
        host: string;
        pipeline: string;
        document: unknown;
      }>(
        `select time, event_type, severity, host, pipeline, document from siem.events_a where event_key = '1'`,
      )
    ).rows[0]!;
    expect(row).toMatchObject({ event_type: 'GNRLEV_VIRUS_FOUND', severity: '3', host: 'h1', pipeline: 'p' });
    expect(row.time.toISOString()).toBe('2025-01-02T03:04:05.000Z');
    expect(row.document).toEqual(batch.documents[0]);
    const ocsf = (await client.query<{ time: Date }>(`select time from siem.events_a where event_key = '3'`))
      .rows[0]!;
    expect(ocsf.time.toISOString()).toBe('2025-01-02T03:04:05.000Z');
  });

  it('refuses a document jsonb cannot hold (NUL) for the dead-letter, writing the rest', async () => {
    const s = sink('events_nul');
    await s.open(undefined, signal);
    const result = await s.write(
      { documents: [{ a: 'ok' }, { a: 'bad\u0000' }, { a: 'ok too' }], keys: ['a', 'b', 'c'] },
      signal,
    );
    await s.close();
    expect(result.rejected).toEqual([
      { index: 1, reason: 'PostgreSQL jsonb cannot store the character U+0000' },
    ]);
    expect(await keys('events_nul')).toEqual(['a', 'c']);
  });

  it('a database that refuses connections is a retryable error without the password', async () => {
    const s = new PostgresSink({
      url: Secret.value('postgres://kconnect:hunter2@127.0.0.1:1/siem', 'url'),
      table: parseTableName('t')!,
      pipeline: 'p',
    });
    const error = await s.open(undefined, signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    await s.close();
    expect(error).toMatchObject({ name: 'PostgresSinkError', retryable: true, operation: 'create-table' });
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  describe('end to end: KSC emulator → ecs → sinks: [file, postgres]', () => {
    let emulator: TestEmulator;
    beforeAll(async () => {
      emulator = await startTestEmulator('sqlite', { events: EVENTS, hosts: 20, virtualServers: [] });
    });
    afterAll(async () => {
      await emulator?.stop();
    });

    it('every event once in the table and once in the file, each sink with its own checkpoint', async () => {
      writeFileSync(
        path.join(dir, 'kconnect.yaml'),
        `connections:
  lab: { type: ksc, url: "${emulator.url}", user: admin, passwordEnv: KSC_PASSWORD }
pipelines:
  ksc-to-siem:
    source: { type: ksc.events, connection: lab, start: start }
    mapping: ecs
    batchSize: 100
    sinks:
      - { type: file, path: out/events.ndjson }
      - { type: postgres, urlEnv: SIEM_DB, table: siem.ksc_events }
`,
      );
      const config = loadConfig({
        env: { KSC_PASSWORD: TEST_PASSWORD, SIEM_DB: database.url },
        cwd: dir,
        file: path.join(dir, 'kconnect.yaml'),
      });
      const clients: KscClient[] = [];
      const [definition] = pipelineDefinitions(config, {
        vendorClient: () => {
          const c = new KscClient({
            url: emulator.url,
            credentials: { user: 'admin', password: TEST_PASSWORD },
          });
          clients.push(c);
          return c;
        },
      });
      expect(definition!.sinks!.map((s) => [s.name, s.checkpointKey])).toEqual([
        ['file', 'ksc-to-siem/file'],
        ['postgres', 'ksc-to-siem/postgres'],
      ]);
      const checkpoints = await CheckpointStore.open({ file: path.join(dir, 'state.sqlite') });
      try {
        for (let run = 0; run < 2; run++) {
          const statuses = await runPipelineParts({
            name: definition!.name,
            parts: definition!.createParts(),
            checkpoints,
            batchSize: 100,
            once: true,
          });
          expect(statuses.map((s) => s.sink)).toEqual(['file', 'postgres']);
        }
        const fileKeys = readFileSync(path.join(dir, 'out', 'events.ndjson'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => String((JSON.parse(l) as { event: { id: string } }).event.id));
        const tableKeys = await keys('siem.ksc_events');
        expect(tableKeys.length).toBe(EVENTS);
        expect(new Set(tableKeys).size).toBe(EVENTS);
        expect([...fileKeys].sort()).toEqual([...tableKeys].sort());
        for (const key of ['ksc-to-siem/file', 'ksc-to-siem/postgres'])
          expect((await checkpoints.read(key)).checkpoint!.totals.records).toBe(EVENTS);
      } finally {
        await checkpoints.close();
        for (const c of clients) await c.close().catch(() => undefined);
      }
    });
  });
});
