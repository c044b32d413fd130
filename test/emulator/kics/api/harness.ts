/**
 * The real KICS for Networks emulator for contract tests: started over HTTPS with mutual TLS on SQLite or on a
 * PostgreSQL database of the test server, a small world, the control API on, and a client that presents the first
 * connector's package (its PFX) over undici and gets its bearer token through the real token endpoint.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { CONTROL_PREFIX } from '../../../../src/emulator/core/control.ts';
import {
  startKicsEmulator,
  type KicsEmulatorOptions,
  type RunningKicsEmulator,
} from '../../../../src/emulator/kics/emulator.ts';
import { createTestDatabase, type TestDatabase } from '../../../support/postgres.ts';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

/** Placeholder secrets of the tests; obviously not real ones. */
export const TEST_CONNECTOR_PASSWORD = 'test-only-connector-password-0002';
export const TEST_CONTROL_TOKEN = 'test-only-control-token-0002';

export const API = '/kics/api/v3';
export const CERTIFICATE_GRANT = '/kics/api/auth/v3/token?grant_type=certificate';

/** Small enough that a file runs in seconds, large enough for every asset type and paging across chunks. */
export const SMALL_WORLD = { devices: 120, events: 1_500, kscHosts: 40, seed: 7 } as const;

export interface Answer {
  readonly status: number;
  /** The body as received (still compressed when the answer is). */
  readonly received: Buffer;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly bytes: Buffer;
  readonly text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  readonly json: unknown;
}

export interface CallOptions {
  /** A JSON body (sent as `application/json` unless `contentType` says otherwise). */
  readonly body?: unknown;
  /** A body sent as is; an async iterable goes out chunked, without Content-Length. */
  readonly raw?: string | Buffer | AsyncIterable<Buffer>;
  readonly contentType?: string;
  /** The bearer token; the harness's connector token by default, `null` for none. */
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

export interface Credentials {
  readonly pfx: Buffer;
  readonly passphrase: string;
}

export interface KicsApiHarness {
  readonly backend: Backend;
  readonly emulator: RunningKicsEmulator;
  readonly dataDir: string;
  /** The first connector's access token, got through the certificate grant. */
  readonly token: string;
  /** A call to any path of the emulator (`/kics/api/v3/about`, `/__emulator/world`). */
  call(method: string, target: string, options?: CallOptions): Promise<Answer>;
  /** A call under `/kics/api/v3` with the connector's token. */
  api(method: string, target: string, body?: unknown): Promise<Answer>;
  /** A call to the control API with its token. */
  control(method: string, target: string, body?: unknown): Promise<Answer>;
  /** The certificate grant presenting `credentials` (the first connector's by default). */
  grant(credentials?: Credentials): Promise<Answer>;
  /** Stops the emulator and starts it again on the same data directory or database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The credentials of a written package, read from disk as a recipient system would. */
export function credentialsOf(written: { certificatesFile: string; password: string }): Credentials {
  return { pfx: readFileSync(written.certificatesFile), passphrase: written.password };
}

function parseJson(text: string, type: string | string[] | undefined): unknown {
  if (text === '' || typeof type !== 'string' || !type.includes('json')) return undefined;
  return JSON.parse(text) as unknown;
}

/**
 * Starts the emulator on `backend` (`pgUrl` is `inject('pgUrl')` for PostgreSQL) with a small world and gets the
 * first connector's token through mutual TLS. `options` override the world and the emulator's settings.
 */
export async function startKicsApiHarness(
  backend: Backend,
  pgUrl: string | undefined,
  options: Partial<KicsEmulatorOptions> = {},
): Promise<KicsApiHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-kics-api-'));
  let database: TestDatabase | undefined;
  if (backend === 'postgres') database = await createTestDatabase(pgUrl ?? '', 'kics_api');
  const settings: KicsEmulatorOptions = {
    port: 0,
    dataDir,
    connectorPassword: TEST_CONNECTOR_PASSWORD,
    controlToken: TEST_CONTROL_TOKEN,
    ...SMALL_WORLD,
    ...(database === undefined ? {} : { db: database.url }),
    ...options,
  };
  let emulator = await startKicsEmulator(settings);
  const agents: Agent[] = [];
  const agentFor = (credentials: Credentials | undefined): Agent => {
    const agent = new Agent({
      connect: {
        ca: emulator.caCertificatePem,
        ...(credentials === undefined ? {} : { pfx: credentials.pfx, passphrase: credentials.passphrase }),
      },
    });
    agents.push(agent);
    return agent;
  };
  const packageCredentials = (): Credentials => ({
    pfx: readFileSync(path.join(emulator.packageDir, 'certificates.pfx')),
    passphrase: TEST_CONNECTOR_PASSWORD,
  });
  let agent = agentFor(packageCredentials());

  const send = async (
    dispatcher: Agent,
    method: string,
    target: string,
    options: CallOptions,
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== null && options.token !== undefined)
      headers['Authorization'] = `Bearer ${options.token}`;
    let body: string | Buffer | Readable | undefined;
    if (typeof options.raw === 'string' || Buffer.isBuffer(options.raw)) body = options.raw;
    else if (options.raw !== undefined) body = Readable.from(options.raw);
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    const answer = await request(`${emulator.url}${target}`, {
      method: method as 'GET',
      dispatcher,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const received = Buffer.from(await answer.body.arrayBuffer());
    // undici's request() leaves the content coding alone; a test that asks for gzip reads the body decoded.
    const bytes = answer.headers['content-encoding'] === 'gzip' ? gunzipSync(received) : received;
    const text = bytes.toString('utf8');
    return {
      status: answer.statusCode,
      headers: answer.headers,
      received,
      bytes,
      text,
      json: parseJson(text, answer.headers['content-type']),
    };
  };

  const grant = async (credentials?: Credentials): Promise<Answer> => {
    const dispatcher = credentials === undefined ? agent : agentFor(credentials);
    return send(dispatcher, 'POST', CERTIFICATE_GRANT, { token: null });
  };
  const tokenOf = async (): Promise<string> => {
    const answer = await grant();
    if (answer.status !== 200) throw new Error(`certificate grant: HTTP ${answer.status} ${answer.text}`);
    return (answer.json as { access_token: string }).access_token;
  };

  const harness = {
    backend,
    dataDir,
    token: await tokenOf(),
    get emulator() {
      return emulator;
    },
    call: (method: string, target: string, options: CallOptions = {}) =>
      send(agent, method, target, {
        ...options,
        token: options.token === undefined ? harness.token : options.token,
      }),
    api: (method: string, target: string, body?: unknown) =>
      send(agent, method, `${API}${target}`, {
        token: harness.token,
        ...(body === undefined ? {} : { body }),
      }),
    control: (method: string, target: string, body?: unknown) =>
      send(agent, method, `${CONTROL_PREFIX}${target}`, {
        token: TEST_CONTROL_TOKEN,
        ...(body === undefined ? {} : { body }),
      }),
    grant,
    async restart() {
      await emulator.close();
      emulator = await startKicsEmulator({ ...settings, port: emulator.port });
      // The server certificate is the same PKI's; new connections present the package again.
      agent = agentFor(packageCredentials());
      harness.token = await tokenOf();
    },
    async close() {
      await emulator.close();
      await Promise.all(agents.map((one) => one.close()));
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The values of a page answer, typed loosely: contract tests look at keys and kinds. */
export function valuesOf<T = Record<string, unknown>>(answer: Answer): T[] {
  const page = answer.json as { values?: T[] } | undefined;
  if (answer.status !== 200 || page?.values === undefined)
    throw new Error(`expected a page, got HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
  return page.values;
}
