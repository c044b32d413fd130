import { join } from 'node:path';
import { startService, type RunningService } from '../http/service.ts';
import type { CommandContext } from '../../commands/index.ts';
import {
  startKscEmulator,
  type KscEmulatorOptions,
  type RunningKscEmulator,
} from '../../emulator/ksc/emulator.ts';
import {
  startKicsEmulator,
  type KicsEmulatorOptions,
  type RunningKicsEmulator,
} from '../../emulator/kics/emulator.ts';
import { KconnectError } from '../../errors.ts';
import { KicsClient } from '../../kics/client/client.ts';
import { KscClient } from '../../ksc/client/client.ts';

/** The token the demo makes on every start; the one of the previous run is revoked first. */
const DEMO_TOKEN_NAME = 'demo';
/** The service's connection to the KSC emulator: the default one. */
export const DEMO_CONNECTION = 'demo';
/** The service's connection to the KICS for Networks emulator. */
export const DEMO_KICS_CONNECTION = 'demo-kics';

export interface DemoOptions {
  /** The emulator: its `dataDir` also holds the service database. */
  readonly emulator: KscEmulatorOptions & { readonly dataDir: string; readonly adminPassword: string };
  /** The KICS for Networks emulator beside it; the same seed and `kscHosts` = the KSC world's hosts share machines. */
  readonly kics: KicsEmulatorOptions & { readonly dataDir: string; readonly connectorPassword: string };
  readonly service: { readonly host?: string; readonly port?: number };
}

export interface RunningDemo {
  readonly emulator: RunningKscEmulator;
  readonly kics: RunningKicsEmulator;
  readonly service: RunningService;
  /** The service's connection to the KICS emulator (`demo` stays the default, the KSC one). */
  readonly kicsConnection: string;
  /** The console, signed in by the token in the fragment (which never reaches a server). */
  readonly consoleUrl: string;
  /** An API token with every scope, made for this run. */
  readonly token: string;
  /** Stops the service (calls in flight finish), ends the clients' sessions, then stops the emulators. */
  close(): Promise<void>;
}

/** A port someone else listens on, said in the demo's words: which option chooses another. */
function portInUse(error: unknown, option: string): KconnectError | undefined {
  const { code, port } = error as { code?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE') return undefined;
  return new KconnectError(
    'CONFLICT',
    `port ${String(port)} is in use (another demo, or another program): choose another with ${option}, or ${option} 0 for a free one`,
    { cause: error },
  );
}

/**
 * The demo on embedded defaults: a seeded KSC emulator and the KICS for Networks emulator beside it in live mode,
 * the HTTP service connected to both over HTTPS (`demo` to KSC, trusting the emulator's own certificate; `demo-kics`
 * to KICS with mutual TLS from the connector's package; nothing turned off), and the console, with a fresh token.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const emulator = await startKscEmulator(options.emulator).catch((error: unknown) => {
    throw portInUse(error, '--port') ?? error;
  });
  let kics: RunningKicsEmulator;
  try {
    kics = await startKicsEmulator(options.kics);
  } catch (error) {
    await emulator.close();
    throw portInUse(error, '--kics-port') ?? error;
  }
  const client = new KscClient({
    url: emulator.url,
    credentials: { user: options.emulator.adminUser ?? 'admin', password: options.emulator.adminPassword },
    ...(emulator.certificatePem === undefined ? {} : { tls: { ca: emulator.certificatePem } }),
  });
  // The connector's package as KICS hands it out: its certificate for mutual TLS, and the CA that issued the
  // emulator's certificate, which the client trusts from the package (nothing turned off).
  const kicsClient = new KicsClient({
    credentials: { package: kics.packageDir, password: options.kics.connectorPassword },
  });
  // The two worlds share machines, so each connection is the other's companion (`correlateWith`): resolve_asset
  // and the enrichments run from either.
  const both = { ksc: client, kics: kicsClient, now: Date.now };
  const connectionNames = { ksc: DEMO_CONNECTION, kics: DEMO_KICS_CONNECTION };
  const contexts: Readonly<Record<string, () => CommandContext>> = {
    [DEMO_CONNECTION]: () => ({ ...both, connectionVendor: 'ksc', connectionNames }),
    [DEMO_KICS_CONNECTION]: () => ({ ...both, connectionVendor: 'kics', connectionNames }),
  };
  const closeClients = async () => {
    await client.close().catch(() => undefined);
    await kicsClient.close().catch(() => undefined);
  };
  let service: RunningService;
  try {
    service = await startService({
      contexts: (connection = DEMO_CONNECTION) => {
        const context = Object.hasOwn(contexts, connection) ? contexts[connection] : undefined;
        if (context === undefined) {
          throw new KconnectError(
            'NOT_FOUND',
            `no connection named "${connection}" (the demo has ${DEMO_CONNECTION} and ${DEMO_KICS_CONNECTION})`,
          );
        }
        return context();
      },
      // Readiness checks both, each with its own client; the console finds the KICS one by its type.
      connections: [
        { name: DEMO_CONNECTION, type: 'ksc' },
        { name: DEMO_KICS_CONNECTION, type: 'kics' },
      ],
      defaultConnection: DEMO_CONNECTION,
      database: { file: join(options.emulator.dataDir, 'service.db') },
      host: options.service.host ?? '127.0.0.1',
      port: options.service.port ?? 8080,
      shutdownGraceMs: 5000,
    });
  } catch (error) {
    await closeClients();
    await kics.close();
    await emulator.close();
    throw portInUse(error, '--service-port') ?? error;
  }
  const stale = (await service.tokens.list()).filter((t) => t.name === DEMO_TOKEN_NAME);
  for (const token of stale) await service.tokens.revoke(token.id);
  const { token } = await service.tokens.create(DEMO_TOKEN_NAME, ['read', 'respond', 'admin']);
  return {
    emulator,
    kics,
    service,
    kicsConnection: DEMO_KICS_CONNECTION,
    consoleUrl: `${service.url}/console#token=${token}`,
    token,
    async close() {
      await service.close();
      await closeClients();
      await kics.close();
      await emulator.close();
    },
  };
}
