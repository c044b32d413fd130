/**
 * Starts the HTTP service on a loopback port in front of a real KSC emulator, with real databases, and calls it
 * over HTTP the way a playbook would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { CommandContext } from '../../../src/commands/index.ts';
import { KconnectError } from '../../../src/errors.ts';
import { KscClient, parseWireJson, type WireJson } from '../../../src/ksc/index.ts';
import type { ServiceLogRecord } from '../../../src/adapters/http/app.ts';
import {
  startService,
  type RunningService,
  type ServiceOptions,
} from '../../../src/adapters/http/service.ts';
import type { KscEmulatorOptions } from '../../../src/emulator/ksc/emulator.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

/** A wrong KSC password, as carefully kept out of every output as the right one. */
export const WRONG_PASSWORD = 'wrong-test-password-0002';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body, parsed losslessly (integers beyond 2^53 are bigints). */
  readonly json: WireJson;
}

/** The result body of a command call, typed for assertions. */
export interface ResultBody {
  status: string;
  raw: WireJson;
  context: WireJson;
  keyFields: Record<string, WireJson>;
  result: { title: string; columns: string[]; rows: WireJson[][] };
  errors: Array<{
    failureIndicator: string;
    statusCode: number;
    code: string;
    message: string;
    item?: string;
  }>;
}

export async function request(
  url: string,
  route: string,
  init: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers['Authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] ??= 'application/json';
  const response = await fetch(new URL(route, url), {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await response.text();
  let json: WireJson;
  try {
    json = text === '' ? null : parseWireJson(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function resultOf(answer: HttpAnswer): ResultBody {
  return answer.json as unknown as ResultBody;
}

/**
 * Command contexts on one emulator: `default` (admin on the main server), `branch` (admin on the virtual server
 * `vs-branch`), `reader` (a user with read rights only) and `wrong` (a wrong password). Other names are refused
 * as a configuration would.
 */
export class TestContexts {
  private readonly clients = new Map<string, KscClient>();

  constructor(private readonly emu: TestEmulator) {}

  readonly context = (connection?: string): CommandContext => {
    const name = connection ?? 'default';
    const setup: Record<string, { user: string; password?: string; virtualServer?: string }> = {
      default: { user: 'admin' },
      branch: { user: 'admin', virtualServer: 'vs-branch' },
      reader: { user: 'reader' },
      wrong: { user: 'analyst', password: WRONG_PASSWORD },
    };
    const chosen = setup[name];
    if (chosen === undefined) {
      throw new KconnectError(
        'NOT_FOUND',
        `connection: no connection named "${name}" (configured: default, branch, reader)`,
      );
    }
    let ksc = this.clients.get(name);
    if (ksc === undefined) {
      ksc = new KscClient(
        {
          url: this.emu.url,
          credentials: { user: chosen.user, password: chosen.password ?? TEST_PASSWORD },
          backoffMs: 1,
          ...(chosen.virtualServer === undefined ? {} : { virtualServer: chosen.virtualServer }),
        },
        { sleep: () => Promise.resolve() },
      );
      this.clients.set(name, ksc);
    }
    return {
      ksc,
      now: () => this.emu.ksc.clock.now(),
      // Waiting commands move the emulator's clock: that is what makes its agents act.
      sleep: async (ms) => {
        await this.emu.control('POST', '/__emulator/clock/advance', { ms });
      },
    };
  };

  async close(): Promise<void> {
    for (const client of this.clients.values()) await client.close();
    this.clients.clear();
  }
}

export interface ServiceHarness {
  readonly emu: TestEmulator;
  readonly service: RunningService;
  readonly contexts: TestContexts;
  /** Where the service database is. */
  readonly database: ServiceOptions['database'];
  /** Every log record the service wrote. */
  readonly logs: ServiceLogRecord[];
  readonly tokens: { readonly read: string; readonly respond: string; readonly admin: string };
  /** `POST /v1/commands/<name>` with a JSON body (an object, or raw text). */
  call(
    name: string,
    input?: unknown,
    options?: { token?: string | null; connection?: string; headers?: Record<string, string> },
  ): Promise<HttpAnswer>;
  get(route: string, token?: string): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

export type HarnessDatabase = 'sqlite' | 'postgres';

/** A fresh service database: a SQLite file in a temporary directory, or a PostgreSQL database of its own. */
export async function testServiceDatabase(
  kind: HarnessDatabase,
): Promise<{ location: ServiceOptions['database']; drop(): Promise<void> }> {
  if (kind === 'postgres') {
    const database: TestDatabase = await createTestDatabase(inject('pgUrl'), 'kconnect_service');
    return { location: { url: database.url }, drop: () => database.drop() };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-service-'));
  return {
    location: { file: path.join(dir, 'service.db') },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function startServiceHarness(
  options: {
    database?: HarnessDatabase;
    emulator?: Partial<KscEmulatorOptions>;
    service?: Partial<ServiceOptions>;
  } = {},
): Promise<ServiceHarness> {
  const emu = await startTestEmulator('sqlite', { hosts: 60, events: 300, ...options.emulator });
  const contexts = new TestContexts(emu);
  const database = await testServiceDatabase(options.database ?? 'sqlite');
  const logs: ServiceLogRecord[] = [];
  const service = await startService({
    contexts: contexts.context,
    database: database.location,
    port: 0,
    logger: (record) => logs.push(record),
    replica: 'replica-a',
    ...options.service,
  });
  const [read, respond, admin] = await Promise.all([
    service.tokens.create('soar-reader', 'read'),
    service.tokens.create('soar-responder', 'read,respond'),
    service.tokens.create('auditor', 'admin'),
  ]);
  const tokens = { read: read.token, respond: respond.token, admin: admin.token };
  return {
    emu,
    service,
    contexts,
    database: database.location,
    logs,
    tokens,
    call(name, input = {}, callOptions = {}) {
      const token = callOptions.token === undefined ? tokens.read : callOptions.token;
      const query =
        callOptions.connection === undefined
          ? ''
          : `?connection=${encodeURIComponent(callOptions.connection)}`;
      return request(service.url, `/v1/commands/${name}${query}`, {
        method: 'POST',
        ...(token === null ? {} : { token }),
        body: typeof input === 'string' ? input : JSON.stringify(input),
        ...(callOptions.headers === undefined ? {} : { headers: callOptions.headers }),
      });
    },
    get(route, token) {
      return request(service.url, route, token === undefined ? {} : { token });
    },
    async stop() {
      await service.close();
      await contexts.close();
      await emu.stop();
      await database.drop();
    },
  };
}
