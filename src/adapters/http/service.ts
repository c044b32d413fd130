import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { KconnectError } from '../../errors.ts';
import {
  COMMANDS,
  VENDOR_NAMES,
  type CommandContext,
  type CommandDefinition,
  type Vendor,
} from '../../commands/index.ts';
import { createServiceApp, type ServiceLogger } from './app.ts';
import { AuditLog } from './audit.ts';
import { AuthFailures, type AuthFailureOptions } from './auth-failures.ts';
import { ApiTokens } from './auth.ts';
import type { VendorClient } from '../../vendor-client.ts';
import { Health, type ConnectionKey } from './health.ts';
import { DatabaseIdempotencyStore } from './idempotency.ts';
import { ServerLimits, type LimitOptions } from './limits.ts';
import { ServiceMetrics } from './metrics.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { openServiceDatabase, type ServiceDatabase, type ServiceDatabaseLocation } from './store.ts';
import { CheckpointStore } from '../../intake/checkpoints/index.ts';
import type { PipelineDefinition } from '../../intake/pipeline.ts';
import type { PipelineLogger } from '../../intake/runner.ts';
import { createSupervisor, type Supervisor } from '../../intake/supervisor.ts';
import type { DirectoryApplier } from '../../directory/types.ts';
import { DirectoryNatsConsumer, type DirectoryNatsSettings } from '../../directory/nats/index.ts';
import { DirectoryStore } from '../../directory/model/store.ts';
import type { DirectoryTables } from '../../directory/model/schema.ts';
import { isDirectoryQueries } from '../../directory/queries.ts';
import type { Kysely } from 'kysely';

export interface ServiceOptions {
  /** The commands to serve. Default: the whole catalog. */
  readonly commands?: readonly CommandDefinition[];
  /** The command context of a connection (the default one for `undefined`); throw a KconnectError NOT_FOUND for an unknown name. */
  readonly contexts: (connection?: string) => CommandContext;
  /**
   * Connections `/readyz` checks and the console lists, by name and type; a bare name is a KSC connection.
   * Default: the default connection only.
   */
  readonly connections?: ReadonlyArray<string | ConnectionKey>;
  /**
   * The client of a connection (the default one for `undefined`), whose health check readiness runs; throw a
   * KconnectError for an unknown name. Default: the client of the connection's type (`ksc`, `kics`) in its command
   * context.
   */
  readonly clients?: (connection?: string) => VendorClient;
  /** The name of the default connection in audit rows, metrics and limits. Default `default`. */
  readonly defaultConnection?: string;
  /** The service database: a SQLite file for one process, PostgreSQL for replicas that share it. */
  readonly database: ServiceDatabaseLocation;
  /** Default 127.0.0.1: put a TLS-terminating proxy in front before listening elsewhere. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  readonly limits?: LimitOptions;
  readonly idempotency?: { readonly windowMs?: number; readonly leaseMs?: number; readonly pollMs?: number };
  /** Each connection proves it answers with its client's `checkHealth` (a login and a cheap read). */
  readonly readiness?: {
    readonly timeoutMs?: number;
    readonly cacheMs?: number;
  };
  /**
   * Socket limits against slow clients: the request head must arrive within `headersMs` (default 10 s), a
   * command call's body within `requestMs` (default 30 s; a late body is answered 400 and the connection
   * closed), an idle keep-alive connection is closed after `keepAliveMs` (default 5 s), and at most
   * `maxConnections` sockets are open at once (default 1024; more are refused).
   */
  readonly timeouts?: {
    readonly headersMs?: number;
    readonly requestMs?: number;
    readonly keepAliveMs?: number;
  };
  readonly maxConnections?: number;
  /** Failed authentications per client address: the burst before 429 and the window. */
  readonly authFailures?: AuthFailureOptions;
  /** Audit rows older than this many days are removed (hourly, and at start). 0 keeps them forever. Default 365. */
  readonly auditRetentionDays?: number;
  /** How long a shutdown waits for calls in flight before aborting them. Default 30 s. */
  readonly shutdownGraceMs?: number;
  readonly logger?: ServiceLogger;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** This replica's name in audit rows and claims. Default: host name, process id and a random suffix. */
  readonly replica?: string;
  /**
   * Intake pipelines to run while the service runs (restarted after a failure, stopped within the shutdown
   * grace); their status is in `/v1/pipelines`, `/metrics` and the console. Run them in one replica only: two
   * replicas running the same pipeline take turns failing on the checkpoint.
   */
  readonly pipelines?: readonly PipelineDefinition[];
  /** Where the pipelines' checkpoints live. Default: the service database. */
  readonly checkpoints?: ServiceDatabaseLocation;
  /**
   * The directory's store: `POST /v1/directory/events` checks seed 003's events and applies them here. Without
   * it the route answers 503 "no directory store configured".
   */
  readonly directory?: DirectoryApplier;
  /**
   * Also consume directory events from a NATS JetStream stream into `directory` (required with it) while the
   * service runs: started once it listens, stopped on close.
   */
  readonly directoryNats?: DirectoryNatsSettings;
  /**
   * Opens a directory store for the service (unless `directory` is given): on the service database (`'service'`)
   * or at its own location. It receives `POST /v1/directory/events` and is every command context's `directory`.
   */
  readonly directoryStore?: 'service' | ServiceDatabaseLocation;
  /** `info` of the OpenAPI document. */
  readonly title?: string;
  readonly version?: string;
}

export interface RunningService {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly replica: string;
  /** The token store (the CLI's `token` commands use the same on the same database). */
  readonly tokens: ApiTokens;
  readonly audit: AuditLog;
  /** The pipelines the service runs; undefined when it runs none. */
  readonly pipelines: Supervisor | undefined;
  /** The consumer of directory events from NATS; undefined without `directoryNats`. */
  readonly directoryNats: DirectoryNatsConsumer | undefined;
  /**
   * Graceful shutdown: readiness turns false, new connections are refused, calls in flight finish (each
   * connection closes after its answer), then the database closes. After `shutdownGraceMs` calls still running
   * are aborted. Idempotent.
   */
  close(): Promise<void>;
}

/** Extra time after the abort for aborted calls to answer before connections are cut. */
const ABORT_GRACE_MS = 2000;

function defaultReplica(): string {
  return `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** How often audit retention runs. */
const RETENTION_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

function setting(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new KconnectError('INVALID_INPUT', `${name}: expected an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

function isVendor(type: string): type is Vendor {
  return (VENDOR_NAMES as readonly string[]).includes(type);
}

/** The runner's structured lines as the service's log records: the pipeline in the message, the error as text. */
function pipelineLogger(log: ServiceLogger): PipelineLogger {
  const line =
    (level: 'info' | 'warn' | 'error') =>
    (fields: Record<string, unknown>, message: string): void => {
      const pipeline = typeof fields['pipeline'] === 'string' ? ` (pipeline ${fields['pipeline']})` : '';
      const err = fields['err'];
      log({
        level,
        message: `${message}${pipeline}`,
        ...(err === undefined ? {} : { error: err instanceof Error ? err.message : String(err) }),
      });
    };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

/** Services started before connections had types name KSC connections only. */
const DEFAULT_CONNECTION_TYPE = 'ksc';

/**
 * Starts the HTTP service: opens (and migrates) its database, serves the routes of {@link createServiceApp},
 * and resolves once it listens.
 *
 * @example
 * const service = await startService({ contexts: factory.context, database: { url: process.env.DB_URL! }, port: 8080 });
 * // … on SIGTERM:
 * await service.close();
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const now = options.now ?? Date.now;
  const log: ServiceLogger = options.logger ?? (() => undefined);
  const replica = options.replica ?? defaultReplica();
  const commands = options.commands ?? COMMANDS;
  const titles = new Map(commands.map((c) => [c.name, c.title]));
  const limits = new ServerLimits(options.limits, now);
  const headersMs = setting('timeouts.headersMs', options.timeouts?.headersMs ?? 10_000, 1);
  const requestMs = setting('timeouts.requestMs', options.timeouts?.requestMs ?? 30_000, 1);
  const keepAliveMs = setting('timeouts.keepAliveMs', options.timeouts?.keepAliveMs ?? 5000, 1);
  const maxConnections = setting('maxConnections', options.maxConnections ?? 1024, 1);
  const retentionDays = setting('auditRetentionDays', options.auditRetentionDays ?? 365, 0);
  const grace = options.shutdownGraceMs ?? 30_000;
  if (
    options.directoryNats !== undefined &&
    options.directory === undefined &&
    options.directoryStore === undefined
  ) {
    throw new KconnectError('INVALID_INPUT', 'directoryNats: needs a directory store to apply the events to');
  }
  const database: ServiceDatabase = await openServiceDatabase(options.database);
  let directory: DirectoryApplier | undefined = options.directory;
  let ownDirectory: DirectoryStore | undefined;
  if (directory === undefined && options.directoryStore !== undefined) {
    try {
      ownDirectory =
        options.directoryStore === 'service'
          ? await DirectoryStore.on(database.db as unknown as Kysely<DirectoryTables>, database.kind, { now })
          : await DirectoryStore.open(options.directoryStore, { now });
    } catch (error) {
      await database.close();
      throw error;
    }
    directory = ownDirectory;
  }
  // The directory the receiver applies to answers the directory commands too, in every command context.
  const queries = isDirectoryQueries(directory) ? directory : undefined;
  const contexts =
    queries === undefined
      ? options.contexts
      : (connection?: string): CommandContext => ({ ...options.contexts(connection), directory: queries });
  let checkpoints: CheckpointStore | undefined;
  let pipelines: Supervisor | undefined;
  if (options.pipelines !== undefined && options.pipelines.length > 0) {
    try {
      checkpoints = await CheckpointStore.open(options.checkpoints ?? options.database);
      pipelines = createSupervisor(options.pipelines, {
        checkpoints,
        logger: pipelineLogger(log),
        now,
        // A stop finishes each batch in hand within the grace the service has for calls in flight.
        shutdownDeadlineMs: grace,
      });
    } catch (error) {
      await checkpoints?.close();
      await ownDirectory?.close();
      await database.close();
      throw error;
    }
  }
  const shutdown = new AbortController();
  const tokens = new ApiTokens(database.db, now, database.pluck);
  const audit = new AuditLog(database.db);
  const authFailures = new AuthFailures(audit, options.authFailures, now, log);
  const prune = async (): Promise<void> => {
    if (retentionDays === 0) return;
    try {
      const removed = await audit.prune(now() - retentionDays * DAY_MS);
      if (removed > 0) log({ level: 'info', message: `audit retention removed ${removed} rows` });
    } catch (error) {
      log({ level: 'error', message: 'audit retention failed', error: String(error) });
    }
  };
  await prune();
  const retention = setInterval(() => void prune(), RETENTION_INTERVAL_MS);
  retention.unref();
  const idempotency = new DatabaseIdempotencyStore(database.db, {
    now,
    replica,
    signal: shutdown.signal,
    titleOf: (name) => titles.get(name) ?? name,
    ...options.idempotency,
  });
  // A connection's client is the one of its type in its command context: a KICS connection's context holds `kics`.
  const clientOf =
    options.clients ??
    ((connection: string | undefined, type: string): VendorClient => {
      const context = options.contexts(connection);
      const client = isVendor(type) ? context[type] : undefined;
      if (client === undefined) {
        throw new KconnectError(
          'INTERNAL',
          `connection ${connection ?? 'default'}: no ${type} client to check`,
        );
      }
      return client;
    });
  // `undefined` is the default connection: clients are asked for it so, and it is named for people.
  const connections = (options.connections ?? [undefined]).map((given) => {
    const connection = typeof given === 'string' ? given : given?.name;
    const key: ConnectionKey = {
      name: connection ?? options.defaultConnection ?? 'default',
      type: typeof given === 'object' ? given.type : DEFAULT_CONNECTION_TYPE,
    };
    return { connection, key };
  });
  const health = new Health({
    now,
    ...(options.readiness?.timeoutMs === undefined ? {} : { timeoutMs: options.readiness.timeoutMs }),
    ...(options.readiness?.cacheMs === undefined ? {} : { cacheMs: options.readiness.cacheMs }),
    checks: [
      {
        name: 'database',
        run: async () => {
          await sql`select 1`.execute(database.db);
        },
      },
      ...connections.map(({ connection, key }) => ({
        name: `${key.type}:${key.name}`,
        connection: key,
        run: (signal: AbortSignal) => clientOf(connection, key.type).checkHealth(signal),
      })),
    ],
  });
  const app = createServiceApp({
    commands,
    contexts,
    ...(options.defaultConnection === undefined ? {} : { defaultConnection: options.defaultConnection }),
    connections: connections.map((c) => c.key.name),
    tokens,
    audit,
    authFailures,
    requestTimeoutMs: requestMs,
    idempotency,
    limits,
    metrics: new ServiceMetrics(now),
    health,
    openapi: JSON.stringify(
      buildOpenApiDocument(commands, {
        ...(options.title === undefined ? {} : { title: options.title }),
        ...(options.version === undefined ? {} : { version: options.version }),
      }),
    ),
    replica,
    now,
    log,
    signal: shutdown.signal,
    ...(pipelines === undefined ? {} : { pipelines }),
    ...(directory === undefined ? {} : { directory }),
  });

  const host = options.host ?? '127.0.0.1';
  let server: ServerType;
  try {
    server = serve({
      fetch: app.fetch,
      port: options.port ?? 8080,
      hostname: host,
      serverOptions: {
        headersTimeout: headersMs,
        // A backstop behind the route's own body deadline (which answers 400): Node answers 408 and closes.
        requestTimeout: requestMs + 1000,
        keepAliveTimeout: keepAliveMs,
        // Node looks for expired requests this often: the timeouts hold to within it.
        connectionsCheckingInterval: Math.min(1000, headersMs),
      },
    });
    (server as { maxConnections: number }).maxConnections = maxConnections;
    await new Promise<void>((resolve, reject) => {
      if (server.listening) resolve();
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
  } catch (error) {
    clearInterval(retention);
    await authFailures.close();
    await checkpoints?.close();
    await ownDirectory?.close();
    await database.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log({
    level: 'info',
    message: `listening on ${url} (database ${database.description}, replica ${replica})`,
  });
  pipelines?.start();
  const directoryNats =
    options.directoryNats === undefined || directory === undefined
      ? undefined
      : new DirectoryNatsConsumer(options.directoryNats, directory, log);
  directoryNats?.start();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    health.drain();
    // The pipelines stop beside the calls in flight: each commits its batch in hand within the grace.
    const pipelinesStopped = pipelines?.stop(grace);
    const directoryNatsStopped = directoryNats?.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (!(await settlesWithin(closed, grace))) {
      log({ level: 'warn', message: `calls still running after ${grace} ms: aborting them` });
      // The caller did nothing wrong and another replica can take the call: 503, not the 499 of a cancel.
      shutdown.abort(
        new KconnectError(
          'UPSTREAM_UNAVAILABLE',
          'The service is shutting down; retry the call (another replica takes it)',
        ),
      );
      if (!(await settlesWithin(closed, ABORT_GRACE_MS))) {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        await closed;
      }
    }
    await pipelinesStopped;
    await directoryNatsStopped;
    clearInterval(retention);
    await authFailures.close();
    // Rows of calls cut off by the abort are still in their batch: they commit before the database closes.
    await audit.flush();
    await checkpoints?.close();
    await ownDirectory?.close();
    await database.close();
    log({ level: 'info', message: 'stopped' });
  };
  return {
    url,
    port,
    replica,
    tokens,
    audit,
    pipelines,
    directoryNats,
    close: () => (closing ??= close()),
  };
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
