import { createServer } from 'node:net';
import { join } from 'node:path';
import { ApiTokens } from '../http/auth.ts';
import { startService, type RunningService } from '../http/service.ts';
import { openServiceDatabase } from '../http/store.ts';
import { DirectoryStore } from '../../directory/model/index.ts';
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
/** The KSC emulator's token as the directory's publisher (`ingest` only), made anew on every start too. */
const DEMO_DIRECTORY_TOKEN_NAME = 'demo-directory';
/** Live directory changes a second: a user added or removed, a membership changed, every few seconds. */
const DEMO_DIRECTORY_RATE = 0.2;
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
  /** The directory the KSC emulator publishes to the service (seed 003), kept in the service database. */
  readonly directory: DirectoryStore;
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
  const serviceHost = options.service.host ?? '127.0.0.1';
  const database = { file: join(options.emulator.dataDir, 'service.db') };
  // The emulator publishes its directory from its first second, so the service's address and the publisher's
  // token must exist before either starts: the publisher retries until the service answers.
  const servicePort = await portFor(serviceHost, options.service.port ?? 8080);
  const publisherToken = await directoryPublisherToken(database);
  const emulator = await startKscEmulator({
    ...options.emulator,
    directory: {
      url: `http://${urlHost(serviceHost)}:${servicePort}/v1/directory/events`,
      token: publisherToken,
      rate: DEMO_DIRECTORY_RATE,
    },
  }).catch((error: unknown) => {
    throw portInUse(error, '--port') ?? error;
  });
  let kics: RunningKicsEmulator;
  try {
    kics = await startKicsEmulator(options.kics);
  } catch (error) {
    await emulator.close();
    throw portInUse(error, '--kics-port') ?? error;
  }
  let directory: DirectoryStore;
  try {
    directory = await DirectoryStore.open(database);
  } catch (error) {
    await kics.close();
    await emulator.close();
    throw error;
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
  // The directory's commands read the store from their context (`directory`): the same store the receiver fills.
  const directoryContext: object = { directory };
  const both = { ksc: client, kics: kicsClient, now: Date.now, ...directoryContext };
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
      database,
      host: serviceHost,
      port: servicePort,
      shutdownGraceMs: 5000,
      // POST /v1/directory/events applies the emulator's publication here.
      directory,
      // The intake runs in the background: the service starts it once it listens, so the demo's start stays fast.
      ...(pipelines.length === 0
        ? {}
        : { pipelines, checkpoints: { file: join(options.emulator.dataDir, 'intake.db') } }),
    });
  } catch (error) {
    await closeClients();
    await kics.close();
    await emulator.close();
    await directory.close();
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
    directory,
    async close() {
      await service.close();
      await closeClients();
      await kics.close();
      // The publisher stops with the emulator; the store after it, so no delivery meets a closed store.
      await emulator.close();
      await directory.close();
    },
  };
}

/**
 * A user worth looking up first: one at the bottom of the publisher's deepest nesting (so the console shows
 * transitive groups with their depth), else any user with a UPN and a group. Undefined without a publisher.
 */
export function exampleDirectoryUpn(emulator: RunningKscEmulator): string | undefined {
  const truth = emulator.directory?.truth();
  if (truth === undefined) return undefined;
  const groupsOf = new Map<string, string[]>();
  for (const [group, member] of truth.memberships)
    groupsOf.set(member, [...(groupsOf.get(member) ?? []), group]);
  const withGroups = truth.users.filter((u) => u.upn !== undefined && groupsOf.has(u.key));
  const deepest = (u: (typeof withGroups)[number]) =>
    Math.max(...(groupsOf.get(u.key) ?? []).map((g) => Number(/Nesting Level (\d+)$/.exec(g)?.[1] ?? 0)));
  const best = [...withGroups].sort((a, b) => deepest(b) - deepest(a))[0];
  return best?.upn;
}

/** A host as it goes in a URL: an IPv6 address in brackets. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The port the service will listen on: the one asked for, or for 0 a free one found now (the publisher needs the
 * address before the service starts; another program taking it in between makes the start fail with EADDRINUSE).
 */
async function portFor(host: string, port: number): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const free = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(free));
    });
  });
}

/**
 * A fresh `ingest`-only token for the emulator's directory publisher, made in the service database before the
 * service starts; the previous run's is revoked first, as the demo's own token is.
 */
async function directoryPublisherToken(database: { readonly file: string }): Promise<string> {
  const opened = await openServiceDatabase(database);
  try {
    const tokens = new ApiTokens(opened.db);
    const stale = (await tokens.list()).filter((t) => t.name === DEMO_DIRECTORY_TOKEN_NAME);
    for (const token of stale) await tokens.revoke(token.id);
    return (await tokens.create(DEMO_DIRECTORY_TOKEN_NAME, ['ingest'])).token;
  } finally {
    await opened.close();
  }
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
