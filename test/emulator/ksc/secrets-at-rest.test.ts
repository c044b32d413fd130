/**
 * What the KSC emulator keeps at rest holds no usable secret: session ids and passwords appear nowhere in its
 * database (SQLite file or PostgreSQL tables), only hashes; its data and TLS folders and the private keys are
 * private (700 / 600).
 */
import { Buffer } from 'node:buffer';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startKscEmulator, type KscEmulatorOptions } from '../../../src/emulator/ksc/emulator.ts';
import { basicAuth, BACKENDS, rawPost, TEST_PASSWORD, type Backend } from '../../support/ksc-emulator.ts';
import { createTestDatabase, withClient, type TestDatabase } from '../../support/postgres.ts';

const dirs: string[] = [];
const databases: TestDatabase[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-secrets-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const database of databases) await database.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Everything the emulator stored, as text: the SQLite files' bytes, or every row of every PostgreSQL table. */
async function storedText(dataDir: string, db: string | undefined): Promise<string> {
  if (db === undefined) {
    const file = path.join(dataDir, 'ksc.sqlite');
    return ['', '-wal', '-journal']
      .map((suffix) => `${file}${suffix}`)
      .filter((name) => existsSync(name))
      .map((name) => readFileSync(name).toString('latin1'))
      .join('\n');
  }
  return withClient(db, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      for (const { row } of rows.rows) parts.push(row);
    }
    return parts.join('\n');
  });
}

describe.each(BACKENDS)('KSC emulator secrets at rest (%s)', (backend: Backend) => {
  it('stores no session id and no password, yet sessions work as before (and end with a restart)', async () => {
    const dataDir = tempDir();
    let db: string | undefined;
    if (backend === 'postgres') {
      const database = await createTestDatabase(inject('pgUrl'));
      databases.push(database);
      db = database.url;
    }
    const options: KscEmulatorOptions = {
      http: true,
      port: 0,
      dataDir,
      hosts: 60,
      events: 200,
      adminPassword: TEST_PASSWORD,
      ...(db === undefined ? {} : { db }),
    };
    const first = await startKscEmulator(options);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let session: string;
    try {
      const login = await rawPost(first.url, '/api/v1.0/Session.StartSession', '{}', {
        Authorization: basicAuth('admin', TEST_PASSWORD),
      });
      session = (login.json as { PxgRetVal: string }).PxgRetVal;
      expect(session).toMatch(/^ns/);
      // A stored statistics request belongs to its session: its owner column used to be the session id.
      const request = await rawPost(
        first.url,
        '/api/v1.0/ReportManager.RequestStatisticsData',
        '{"pRequestParams":{"KLSTS_Events":{"type":"params","value":{}}}}',
        { 'X-KSC-Session': session },
      );
      expect(request.status).toBe(200);
      const requestId = (request.json as { strRequestId: string }).strRequestId;
      const data = await rawPost(
        first.url,
        '/api/v1.0/ReportManager.GetStatisticsData',
        JSON.stringify({ strRequestId: requestId }),
        { 'X-KSC-Session': session },
      );
      expect(data.status).toBe(200);
      expect(data.json).toHaveProperty('pResultData');

      // A connection-bound login, whose requests are stored under its session too.
      const bound = await rawPost(
        first.url,
        '/api/v1.0/login',
        '{}',
        {
          Authorization: basicAuth('analyst', TEST_PASSWORD),
        },
        agent,
      );
      expect(bound.status).toBe(200);
      const boundRequest = await rawPost(
        first.url,
        '/api/v1.0/ReportManager.RequestStatisticsData',
        '{"pRequestParams":{"KLSTS_Events":{"type":"params","value":{}}}}',
        {},
        agent,
      );
      expect(boundRequest.status).toBe(200);
      const liveIds = first.state.sessions.ids();
      expect(liveIds).toContain(session);

      const stored = await storedText(dataDir, db);
      expect(stored).toContain(requestId);
      for (const id of liveIds) expect(stored).not.toContain(id);
      expect(stored).not.toContain(TEST_PASSWORD);
      expect(stored).not.toContain(Buffer.from(TEST_PASSWORD).toString('base64'));

      // The session still works after all that, by its id.
      const ping = await rawPost(first.url, '/api/v1.0/Session.Ping', '{}', { 'X-KSC-Session': session });
      expect(ping.status).toBe(200);
    } finally {
      agent.destroy();
      await first.close();
    }

    // As before: sessions live in memory and do not survive a restart.
    const second = await startKscEmulator(options);
    try {
      const stale = await rawPost(second.url, '/api/v1.0/Session.Ping', '{}', { 'X-KSC-Session': session });
      expect(stale.status).toBe(403);
    } finally {
      await second.close();
    }
  });
});

describe('KSC emulator files at rest', () => {
  it('keeps its data and TLS folders 700 and its private keys 600, also after a rotation', async () => {
    const dataDir = path.join(tempDir(), 'ksc');
    const ksc = await startKscEmulator({
      port: 0,
      dataDir,
      hosts: 20,
      events: 20,
      adminPassword: TEST_PASSWORD,
    });
    const mode = (file: string): number => statSync(file).mode & 0o777;
    try {
      const tls = path.join(dataDir, 'tls');
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(path.join(dataDir, 'ksc.sqlite'))).toBe(0o600);
      expect(mode(tls)).toBe(0o700);
      expect(mode(path.join(tls, 'key.pem'))).toBe(0o600);
      expect(mode(path.join(tls, 'reserve-key.pem'))).toBe(0o600);
      await ksc.rotateCertificate();
      expect(mode(path.join(tls, 'key.pem'))).toBe(0o600);
      expect(mode(path.join(tls, 'reserve-key.pem'))).toBe(0o600);
    } finally {
      await ksc.close();
    }
  });
});
