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
import { createMapping } from '../../intake/mappings/index.ts';
import type { PipelineDefinition } from '../../intake/pipeline.ts';
import { FileSink } from '../../intake/sinks/file/index.ts';
import { createSource, sourceConfig } from '../../intake/sources/index.ts';
import type { MappingName } from '../../intake/types.ts';

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
  /**
   * Where the demo's intake writes (`ksc-events.ndjson` from the KSC emulator, `kics-events.ndjson` from the KICS
   * one); its checkpoints stay in the emulator's `dataDir`. Undefined: no intake.
   */
  readonly intake?: { readonly dir: string };
}

/** One of the demo's intake pipelines, as the status lists it. */
export interface DemoPipeline {
  readonly name: string;
  readonly file: string;
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
  /** The intake pipelines running in the background, with the files they write (none without `intake`). */
  readonly pipelines: readonly DemoPipeline[];
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
  const pipelines =
    options.intake === undefined ? [] : demoPipelines(options.intake.dir, { ksc: client, kics: kicsClient });
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
      // The intake runs in the background: the service starts it once it listens, so the demo's start stays fast.
      ...(pipelines.length === 0
        ? {}
        : { pipelines, checkpoints: { file: join(options.emulator.dataDir, 'intake.db') } }),
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
    pipelines: pipelines.map((p) => ({ name: p.name, file: p.sinkTarget })),
    async close() {
      await service.close();
      await closeClients();
      await kics.close();
      await emulator.close();
    },
  };
}

/**
 * The demo's intake: the KSC emulator's event history from its start, mapped to ECS, and the KICS emulator's
 * events, mapped to OCSF, each into an NDJSON file of `dir`, on the demo's own clients.
 */
function demoPipelines(
  dir: string,
  clients: { readonly ksc: KscClient; readonly kics: KicsClient },
): PipelineDefinition[] {
  const pipeline = (
    name: string,
    source: { type: 'ksc.events' | 'kics.events'; connection: string; client: KscClient | KicsClient },
    mappingName: MappingName,
  ): PipelineDefinition => {
    const file = join(dir, `${name}.ndjson`);
    return {
      name,
      sourceType: source.type,
      connection: source.connection,
      mappingName,
      sinkType: 'file',
      sinkTarget: file,
      // A newcomer watches the files: new events show within a couple of seconds.
      pollIntervalMs: 2000,
      createParts: () => ({
        source: createSource(
          sourceConfig.parse({ type: source.type, connection: source.connection, start: 'start' }),
          { client: source.client, pipeline: name },
        ),
        mapping: createMapping(mappingName),
        sink: new FileSink({ path: file }),
      }),
    };
  };
  return [
    pipeline('ksc-events', { type: 'ksc.events', connection: DEMO_CONNECTION, client: clients.ksc }, 'ecs'),
    pipeline(
      'kics-events',
      { type: 'kics.events', connection: DEMO_KICS_CONNECTION, client: clients.kics },
      'ocsf',
    ),
  ];
}
