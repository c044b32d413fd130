/**
 * A KICS emulator over HTTPS with mutual TLS for the client's tests: its first connector's package on disk, the
 * control API on, a short token lifetime; a client of it that records its log; and calls of the control API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { startKicsEmulator, type RunningKicsEmulator } from '../../../src/emulator/kics/emulator.ts';
import {
  KicsClient,
  type KicsClientDependencies,
  type KicsClientOptions,
  type KicsLogRecord,
} from '../../../src/kics/client/index.ts';

/** Placeholder secrets of the tests; obviously not real ones. */
export const CONTROL_TOKEN = 'test-only-control-token-kics-client';
export const PACKAGE_PASSWORD = 'test-only-package-password-0042';
export const TOKEN_LIFETIME_SECONDS = 100;

export interface ClientHarness {
  readonly kics: RunningKicsEmulator;
  /** POST/GET/DELETE under `/__emulator`, answer as JSON. */
  control(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<unknown>;
  /** A new client of the emulator's first connector; its log records land in `records`. */
  client(
    records?: KicsLogRecord[],
    options?: Partial<KicsClientOptions>,
    dependencies?: KicsClientDependencies,
  ): Promise<KicsClient>;
  close(): Promise<void>;
}

export async function startClientHarness(
  world: { devices?: number; events?: number } = {},
): Promise<ClientHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-kics-client-'));
  const kics = await startKicsEmulator({
    port: 0,
    dataDir,
    devices: world.devices ?? 40,
    events: world.events ?? 300,
    controlToken: CONTROL_TOKEN,
    connectorPassword: PACKAGE_PASSWORD,
    tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
  });
  const agent = new Agent({ connect: { ca: kics.caCertificatePem } });
  return {
    kics,
    async control(method, route, body) {
      const answer = await request(`${kics.url}/__emulator${route}`, {
        method,
        dispatcher: agent,
        headers: { Authorization: `Bearer ${CONTROL_TOKEN}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await answer.body.text();
      if (answer.statusCode >= 300) throw new Error(`control ${route}: HTTP ${answer.statusCode} ${text}`);
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    },
    client(records, options = {}, dependencies = {}) {
      return KicsClient.create(
        { credentials: { package: kics.packageDir, password: PACKAGE_PASSWORD }, ...options },
        {
          sleep: async () => undefined,
          ...(records === undefined ? {} : { logger: (r) => void records.push(r) }),
          ...dependencies,
        },
      );
    },
    async close() {
      await agent.close();
      await kics.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
