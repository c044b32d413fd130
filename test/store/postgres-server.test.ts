import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  findPostgresBin,
  isProcessAlive,
  startPostgres,
  type TestDatabase,
  withClient,
} from '../support/postgres.ts';

/** The suite started its own server (not KCONNECT_TEST_PG_URL), so its settings are known. */
const ownServer = !process.env.KCONNECT_TEST_PG_URL;

/** 'connected' or the error code of a plain TCP connection attempt. */
function tryTcp(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('the shared test server (inject pgUrl)', () => {
  const pgUrl = inject('pgUrl');
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(pgUrl, 'postgres_server_test');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('gives each caller its own database', async () => {
    expect(db.name).toMatch(/^postgres_server_test_\d+_[a-z0-9]+_[0-9a-f]{8}$/);
    expect(new URL(db.url).pathname).toBe(`/${db.name}`);
    const other = await createTestDatabase(pgUrl, 'postgres_server_test');
    try {
      expect(other.name).not.toBe(db.name);
    } finally {
      await other.drop();
    }
  });

  it('stores and reads rows', async () => {
    await withClient(db.url, async (client) => {
      expect((await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db).toBe(
        db.name,
      );
      await client.query('CREATE TABLE hosts (id serial PRIMARY KEY, name text NOT NULL, seen timestamptz)');
      await client.query('INSERT INTO hosts (name, seen) VALUES ($1, $2), ($3, NULL)', [
        'WKS-01',
        new Date('2024-05-01T10:00:00Z'),
        'сервер-02',
      ]);
      const { rows } = await client.query<{ id: number; name: string; seen: Date | null }>(
        'SELECT id, name, seen FROM hosts ORDER BY id',
      );
      expect(rows).toEqual([
        { id: 1, name: 'WKS-01', seen: new Date('2024-05-01T10:00:00Z') },
        { id: 2, name: 'сервер-02', seen: null },
      ]);
      // UTF8 database with Unicode-aware case mapping.
      const upper = await client.query<{ u: string }>(
        "SELECT upper(name) AS u FROM hosts WHERE name ILIKE 'СЕРВЕР%'",
      );
      expect(upper.rows).toEqual([{ u: 'СЕРВЕР-02' }]);
    });
  });

  it.runIf(ownServer)('is PostgreSQL 15 with the test settings', async () => {
    await withClient(db.url, async (client) => {
      const version = (await client.query<{ version: string }>('SELECT version()')).rows[0]?.version;
      expect(version).toMatch(/^PostgreSQL 15\./);
      const settings = await client.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings
          WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'max_connections', 'server_encoding')
          ORDER BY name`,
      );
      expect(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]))).toEqual({
        fsync: 'off',
        full_page_writes: 'off',
        max_connections: '200',
        server_encoding: 'UTF8',
        synchronous_commit: 'off',
      });
    });
  });

  it.runIf(ownServer)('listens on 127.0.0.1 only', async () => {
    const url = new URL(pgUrl);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.username).toBe('postgres');
    expect(Number(url.port)).toBeGreaterThan(1024);
    await withClient(db.url, async (client) => {
      const listen = await client.query<{ listen_addresses: string }>('SHOW listen_addresses');
      expect(listen.rows[0]?.listen_addresses).toBe('127.0.0.1');
    });
    const otherAddresses = Object.values(os.networkInterfaces())
      .flat()
      .flatMap((a) => (a !== undefined && !a.internal && a.family === 'IPv4' ? [a.address] : []));
    for (const host of [...otherAddresses, '::1']) {
      expect(await tryTcp(host, Number(url.port)), host).not.toBe('connected');
    }
  });

  it('drops a database even with connections open, and it is gone', async () => {
    const victim = await createTestDatabase(pgUrl, 'drop_me');
    const open = new pg.Client({ connectionString: victim.url });
    open.on('error', () => undefined);
    await open.connect();
    await open.query('CREATE TABLE t (x int)');
    await victim.drop();
    await victim.drop(); // idempotent
    await open.end().catch(() => undefined);
    const left = await withClient(pgUrl, (client) =>
      client.query('SELECT 1 FROM pg_database WHERE datname = $1', [victim.name]),
    );
    expect(left.rowCount).toBe(0);
    await expect(withClient(victim.url, (client) => client.query('SELECT 1'))).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('startPostgres / stop', () => {
  it('finds the server programs', () => {
    for (const name of ['initdb', 'pg_ctl', 'postgres']) expect(findPostgresBin(name), name).toBeDefined();
    expect(findPostgresBin('kconnect-no-such-program')).toBeUndefined();
  });

  it('starts a second server and stop() ends its process and removes its data dir', async () => {
    const server = await startPostgres();
    let stopped = false;
    try {
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      expect(server.port).not.toBe(Number(new URL(inject('pgUrl')).port));
      expect(isProcessAlive(server.pid)).toBe(true);
      expect(existsSync(server.dataDir)).toBe(true);
      const pid = await withClient(server.url, async (client) => {
        const dir = await client.query<{ data_directory: string }>('SHOW data_directory');
        expect(dir.rows[0]?.data_directory).toBe(server.dataDir);
        return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      });
      expect(pid).not.toBe(server.pid); // a backend, forked by the postmaster

      await server.stop();
      stopped = true;
      expect(() => process.kill(server.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
      expect(existsSync(server.dataDir)).toBe(false);
      await server.stop(); // idempotent
      await expect(withClient(server.url, (client) => client.query('SELECT 1'))).rejects.toThrow(
        /ECONNREFUSED/,
      );
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
