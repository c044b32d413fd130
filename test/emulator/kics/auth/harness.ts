/**
 * A small HTTPS server with the KICS emulator's token routes and two protected dummy routes (a read and a write),
 * served by `listen()` with the emulator's PKI and client certificates requested; and a client that presents a
 * PFX over undici. The auth tables live in SQLite or in a PostgreSQL database of the test server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { Agent, request } from 'undici';
import { EmulatorClock } from '../../../../src/emulator/core/clock.ts';
import { listen, type ListeningServer } from '../../../../src/emulator/core/server.ts';
import { principalOf, requireBearer, type KicsAuthEnv } from '../../../../src/emulator/kics/auth/bearer.ts';
import { KicsAuth } from '../../../../src/emulator/kics/auth/kics-auth.ts';
import type { WrittenPackage } from '../../../../src/emulator/kics/auth/package.ts';
import { createTokenRoutes } from '../../../../src/emulator/kics/auth/routes.ts';
import { authTables, type AuthTables } from '../../../../src/emulator/kics/auth/tables.ts';
import type { AuthAuditEntry } from '../../../../src/emulator/kics/auth/tokens.ts';
import { openDatabase, type OpenDatabase } from '../../../../src/store/database.ts';
import { migrate } from '../../../../src/store/migrations.ts';
import { createTestDatabase, type TestDatabase } from '../../../support/postgres.ts';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

/** Placeholder password of the test packages; obviously not a real secret. */
export const TEST_CONNECTOR_PASSWORD = 'test-only-connector-password-0001';

export interface AuthHarness {
  readonly dataDir: string;
  readonly store: OpenDatabase<AuthTables>;
  readonly clock: EmulatorClock;
  readonly auth: KicsAuth;
  readonly server: ListeningServer;
  readonly firstPackage: WrittenPackage;
  readonly audit: AuthAuditEntry[];
  /** The SQLite file (sqlite backend) or the PostgreSQL URL (postgres backend). */
  readonly location: { readonly file?: string; readonly url?: string };
  close(): Promise<void>;
}

export const ACCESS_TOKEN_LIFETIME_SECONDS = 60;

export async function startAuthHarness(backend: Backend, pgUrl: string | undefined): Promise<AuthHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-kics-auth-'));
  let database: TestDatabase | undefined;
  let location: { file?: string; url?: string };
  if (backend === 'postgres') {
    database = await createTestDatabase(pgUrl ?? '', 'kics_auth');
    location = { url: database.url };
  } else {
    location = { file: path.join(dataDir, 'kics.sqlite') };
  }
  const store = openDatabase<AuthTables>(location);
  // The KICS store runs `0002-auth` after its own `0001-world`; here it runs alone.
  await migrate(store.db as unknown as Kysely<unknown>, store.kind, {
    name: 'kics_auth_test',
    migrations: (kind) => ({ [authTables.migration]: { up: (db) => authTables.up(db, kind) } }),
  });
  const clock = new EmulatorClock();
  clock.freeze();
  const audit: AuthAuditEntry[] = [];
  const auth = await KicsAuth.open({
    db: store.db,
    clock,
    dataDir,
    host: '127.0.0.1',
    accessTokenLifetimeSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
    audit: (entry) => void audit.push(entry),
  });
  const app = new Hono<KicsAuthEnv>();
  app.route('/', createTokenRoutes(auth.tokens));
  app.get('/kics/api/v3/about', requireBearer(auth.tokens, 'read'), (c) =>
    c.json({ version: 'test', principal: principalOf(c) }),
  );
  app.post('/kics/api/v3/devices/remove', requireBearer(auth.tokens, 'write'), (c) =>
    c.json({ removed: true, principal: principalOf(c) }),
  );
  const server = await listen({
    fetch: app.fetch,
    host: '127.0.0.1',
    port: 0,
    certificates: auth.pki.serverCertificates,
    clientCertificates: { ca: auth.pki.caCertificate },
  });
  const firstPackage = await auth.ensureFirstConnector({
    serverUrl: server.url,
    password: TEST_CONNECTOR_PASSWORD,
  });
  if (firstPackage === undefined) throw new Error('the first start wrote no package');
  return {
    dataDir,
    store,
    clock,
    auth,
    server,
    firstPackage,
    audit,
    location,
    async close() {
      await server.close();
      await store.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: unknown;
}

/** A client of the harness's server: its own connections, presenting `pfx` (or no certificate). */
export function client(
  harness: AuthHarness,
  credentials?: { readonly pfx: Buffer; readonly passphrase: string },
): { call(method: string, path: string, token?: string): Promise<HttpAnswer>; close(): Promise<void> } {
  const agent = new Agent({
    connect: {
      ca: harness.auth.pki.caCertificate,
      ...(credentials === undefined ? {} : { pfx: credentials.pfx, passphrase: credentials.passphrase }),
    },
  });
  return {
    async call(method, target, token) {
      const answer = await request(`${harness.server.url}${target}`, {
        method: method as 'GET',
        dispatcher: agent,
        headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
      });
      const text = await answer.body.text();
      return {
        status: answer.statusCode,
        headers: answer.headers,
        json: text === '' ? undefined : JSON.parse(text),
      };
    },
    close: () => agent.close(),
  };
}

/** The credentials of a written package, read back from disk as a recipient system would. */
export function packageCredentials(written: WrittenPackage): { pfx: Buffer; passphrase: string } {
  return { pfx: readFileSync(written.certificatesFile), passphrase: written.password };
}

export const CERTIFICATE_GRANT = '/kics/api/auth/v3/token?grant_type=certificate';

export function refreshGrant(refreshToken: string): string {
  return `/kics/api/auth/v3/token?grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`;
}

export interface Tokens {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_token: string;
}
