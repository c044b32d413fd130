/**
 * Starts the KSC emulator for a test file on a real port, on SQLite or on PostgreSQL, and gives tests a raw
 * KLOAPI caller (plain HTTP, no kconnect client), so the emulator is tested the way any third-party client sees it.
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Agent as UndiciAgent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  decodeArguments,
  encodeArguments,
  parseWireJson,
  type KlArguments,
  type KlParams,
  type WireJson,
} from '../../src/ksc/index.ts';
import {
  startKscEmulator,
  type KscEmulatorOptions,
  type RunningKscEmulator,
} from '../../src/emulator/ksc/emulator.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

/** Placeholder credentials of the test worlds; obviously not a real secret. */
export const TEST_PASSWORD = 'test-only-password-0001';
export const CONTROL_TOKEN = 'test-control-token-0001';

export interface TestEmulator {
  readonly ksc: RunningKscEmulator;
  readonly url: string;
  /** A KLOAPI caller authenticated as `user` with a session (`Session.StartSession` + `X-KSC-Session`). */
  session(user?: string, vserver?: string): Promise<KscCaller>;
  /**
   * `Session.StartSession` as `user` with the test password, into `vserver` when given: the raw response, for
   * tests of who may sign in where.
   */
  login(user: string, vserver?: string): Promise<RawResponse>;
  /** Calls the control API. */
  control(
    method: 'GET' | 'POST' | 'DELETE',
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  /**
   * How many KLOAPI calls the emulator has received, counted as each arrives (before any injected latency):
   * a test waits for it to grow to know that a call is in flight, instead of sleeping "long enough".
   */
  callsReceived(): Promise<number>;
  stop(): Promise<void>;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly json: WireJson;
}

export function basicAuth(user: string, password: string, extra = ''): string {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return `KSCBasic user="${b64(user)}", pass="${b64(password)}"${extra}`;
}

/** One HTTP request over the given agent (a single keep-alive socket keeps connection-bound logins). */
export function rawPost(
  url: string,
  route: string,
  body: string,
  headers: Record<string, string> = {},
  agent?: http.Agent,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(route, url),
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let raw = Buffer.concat(chunks);
          if (response.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
          const text = raw.toString('utf8');
          let json: WireJson;
          try {
            json = text === '' ? null : parseWireJson(text);
          } catch {
            json = null;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Calls KLOAPI methods with fixed headers; `call` returns decoded values, `raw` the HTTP response. */
export class KscCaller {
  constructor(
    readonly url: string,
    readonly headers: Record<string, string>,
    readonly agent?: http.Agent,
  ) {}

  raw(method: string, args: KlArguments = {}, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawPost(
      this.url,
      `/api/v1.0/${method}`,
      encodeArguments(args),
      { ...this.headers, ...headers },
      this.agent,
    );
  }

  /** Returns the decoded reply; throws with the PxgError text when the server reports one. */
  async call(method: string, args: KlArguments = {}): Promise<Record<string, unknown>> {
    const response = await this.raw(method, args);
    const decoded = decodeArguments(response.text);
    if (response.status !== 200 || 'PxgError' in decoded) {
      throw new KscCallError(method, response.status, response.json);
    }
    return decoded;
  }

  /**
   * Opens a server view (`SrvView.ResetIterator`), pages through it by the number of records each page returns
   * (never assuming how `nEnd` counts), checks the total against `GetRecordCount`, and releases it.
   */
  async viewAll(
    view: string,
    options: {
      filter?: string;
      fields?: string[];
      order?: Array<{ Name: string; Asc: boolean }>;
      params?: KlParams;
      page?: number;
    } = {},
  ): Promise<Array<Record<string, unknown>>> {
    const reset = await this.call('SrvView.ResetIterator', {
      wstrViewName: view,
      wstrFilter: options.filter ?? '',
      vecFieldsToReturn: options.fields ?? [],
      vecFieldsToOrder: options.order ?? [],
      pParams: options.params ?? {},
      lifetimeSec: 100,
    });
    const wstrIteratorId = reset['wstrIteratorId'] as string;
    const count = (await this.call('SrvView.GetRecordCount', { wstrIteratorId }))['PxgRetVal'] as number;
    const records: Array<Record<string, unknown>> = [];
    while (records.length < count) {
      const reply = await this.call('SrvView.GetRecordRange', {
        wstrIteratorId,
        nStart: records.length,
        nEnd: records.length + (options.page ?? 50),
      });
      const page = (reply['pRecords'] as { KLCSP_ITERATOR_ARRAY: Array<Record<string, unknown>> })
        .KLCSP_ITERATOR_ARRAY;
      if (page.length === 0)
        throw new Error(`${view}: GetRecordRange returned nothing at ${records.length} of ${count}`);
      records.push(...page);
    }
    await this.call('SrvView.ReleaseIterator', { wstrIteratorId });
    return records;
  }

  /** Pages through a ChunkAccessor and releases it. */
  async chunkAll(accessor: string, page = 100): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    for (let start = 0; ;) {
      const reply = await this.call('ChunkAccessor.GetItemsChunk', {
        strAccessor: accessor,
        nStart: start,
        nCount: page,
      });
      const chunk = (reply['pChunk'] as { KLCSP_ITERATOR_ARRAY: Array<Record<string, unknown>> })
        .KLCSP_ITERATOR_ARRAY;
      items.push(...chunk);
      if (chunk.length === 0) break;
      start += chunk.length;
    }
    await this.call('ChunkAccessor.Release', { strAccessor: accessor });
    return items;
  }

  /**
   * Reads a ChunkAccessor the way a client that trusts `GetItemsCount` does (the count, then one chunk of that
   * many), and releases it.
   */
  async chunkAllAtOnce(strAccessor: string): Promise<KlParams[]> {
    const count = (await this.call('ChunkAccessor.GetItemsCount', { strAccessor }))['PxgRetVal'] as number;
    const chunk = await this.call('ChunkAccessor.GetItemsChunk', { strAccessor, nStart: 0, nCount: count });
    await this.call('ChunkAccessor.Release', { strAccessor });
    return (chunk['pChunk'] as { KLCSP_ITERATOR_ARRAY: KlParams[] }).KLCSP_ITERATOR_ARRAY;
  }

  /** Requests one block of general statistics (`ReportManager.RequestStatisticsData`, e.g. `KLSTS_Events`) and reads it. */
  async statistics(block: string): Promise<Record<string, unknown>> {
    const request = await this.call('ReportManager.RequestStatisticsData', {
      pRequestParams: { [block]: {} },
    });
    const data = await this.call('ReportManager.GetStatisticsData', {
      strRequestId: request['strRequestId'] as string,
    });
    return (data['pResultData'] as Record<string, unknown>)[block] as Record<string, unknown>;
  }
}

/** The KSC error a call failed with; fails the test when the call succeeds or fails otherwise. */
export async function failure(promise: Promise<unknown>): Promise<KscCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KscCallError) return error;
    throw error;
  }
  throw new Error('expected a PxgError, but the call succeeded');
}

export class KscCallError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly body: WireJson,
  ) {
    const error = (body as { PxgError?: { code?: number; message?: string } } | null)?.PxgError;
    super(`${method}: HTTP ${status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim());
  }

  get pxgCode(): number | undefined {
    return (this.body as { PxgError?: { code?: number } } | null)?.PxgError?.code;
  }

  get pxgMessage(): string | undefined {
    return (this.body as { PxgError?: { message?: string } } | null)?.PxgError?.message;
  }
}

/** Starts an emulator for one test file, with its own data directory and (on PostgreSQL) its own database. */
export async function startTestEmulator(
  backend: Backend = 'sqlite',
  options: Partial<KscEmulatorOptions> = {},
): Promise<TestEmulator> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-ksc-'));
  let database: TestDatabase | undefined;
  if (backend === 'postgres') database = await createTestDatabase(inject('pgUrl'));
  const ksc = await startKscEmulator({
    http: true,
    port: 0,
    dataDir,
    hosts: 300,
    events: 3000,
    virtualServers: ['vs-branch'],
    adminPassword: TEST_PASSWORD,
    controlToken: CONTROL_TOKEN,
    ...(database === undefined ? {} : { db: database.url }),
    ...options,
  });
  const agents: http.Agent[] = [];
  const control: TestEmulator['control'] = async (method, route, body) => {
    // Over HTTPS the control API trusts the emulator's current certificate, as an operator's tooling would.
    const dispatcher =
      ksc.certificatePem === undefined ? undefined : new UndiciAgent({ connect: { ca: ksc.certificatePem } });
    const response = await undiciFetch(new URL(route, ksc.url), {
      ...(dispatcher === undefined ? {} : { dispatcher }),
      method,
      headers: { Authorization: `Bearer ${CONTROL_TOKEN}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as unknown;
    await dispatcher?.close();
    return { status: response.status, body: json };
  };
  const login: TestEmulator['login'] = (user, vserver) => {
    const headers: Record<string, string> = { Authorization: basicAuth(user, TEST_PASSWORD) };
    if (vserver !== undefined) headers['X-KSC-VServer'] = Buffer.from(vserver).toString('base64');
    return rawPost(ksc.url, '/api/v1.0/Session.StartSession', '{}', headers);
  };
  return {
    ksc,
    url: ksc.url,
    login,
    async session(user = 'admin', vserver?: string) {
      const reply = await login(user, vserver);
      const id = (reply.json as { PxgRetVal?: string } | null)?.PxgRetVal;
      if (reply.status !== 200 || typeof id !== 'string')
        throw new Error(`login as ${user} failed: ${reply.text}`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
      agents.push(agent);
      return new KscCaller(ksc.url, { 'X-KSC-Session': id }, agent);
    },
    control,
    async callsReceived() {
      const state = await control('GET', '/__emulator/state');
      return (state.body as { counters: { calls: number } }).counters.calls;
    },
    async stop() {
      for (const agent of agents) agent.destroy();
      await ksc.close();
      if (database !== undefined) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The emulator of one `describe` block, as most emulator tests want it: started in `beforeAll` on the backend,
 * stopped in `afterAll`, with an administrator's session open. What it returns is usable from tests and hooks
 * only, since the emulator does not run yet while vitest collects the block.
 */
export interface KscEmulatorFixture extends Omit<TestEmulator, 'stop'> {
  /**
   * A session of `admin`, opened at start. A test that ends it (the clock advanced past its lifetime, the data
   * reset) assigns a new one, and the tests after it use that.
   */
  admin: KscCaller;
}

export function useKscEmulator(
  backend: Backend,
  options: Partial<KscEmulatorOptions> = {},
): KscEmulatorFixture {
  let started: TestEmulator | undefined;
  let admin: KscCaller | undefined;
  beforeAll(async () => {
    started = await startTestEmulator(backend, options);
    admin = await started.session();
  });
  afterAll(async () => {
    await started?.stop();
  });
  const running = (): TestEmulator => {
    if (started === undefined) throw new NotStartedError();
    return started;
  };
  return {
    get ksc() {
      return running().ksc;
    },
    get url() {
      return running().url;
    },
    session: (user, vserver) => running().session(user, vserver),
    login: (user, vserver) => running().login(user, vserver),
    control: (method, route, body) => running().control(method, route, body),
    callsReceived: () => running().callsReceived(),
    get admin() {
      if (admin === undefined) throw new NotStartedError();
      return admin;
    },
    set admin(caller: KscCaller) {
      admin = caller;
    },
  };
}

/** The fixture was used before its `beforeAll` ran: at collection time, or after a failed start. */
export class NotStartedError extends Error {
  constructor() {
    super('the KSC emulator of this describe block has not started: use it inside a test or a hook');
  }
}
