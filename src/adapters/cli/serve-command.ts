import { Command, Option } from 'commander';
import { integer } from './option-parsers.ts';
import type { ServiceLogger } from '../http/app.ts';
import type { RunningService, ServiceOptions } from '../http/service.ts';
import type { ServiceDatabaseLocation } from '../http/store.ts';
import type { CommandContext, CommandDefinition } from '../../commands/index.ts';
import { ERROR_CODES, KconnectError } from '../../errors.ts';
import { DEFAULT_SERVICE_DATABASE, SERVICE_DATABASE_ENV } from './token-command.ts';
import type { ServiceSection } from '../../config/index.ts';
import { onProcessSignals } from './signals.ts';
import { limitHeapGrowth } from './heap-trim.ts';
import { recordLogger, serviceLogger } from '../../logging.ts';
import type { ClientLogger } from '../../vendor-client.ts';
import { addLogOptions, commandLogger, lineDestination, type LogFlags } from './log-options.ts';

/** What the configuration gives the service. */
export interface LoadedServeContexts {
  /** The command context of a connection; the default connection for `undefined`. */
  readonly contexts: (connection?: string) => CommandContext;
  /** The configured connections: `/readyz` checks each. Default: the default connection only. */
  readonly connections?: ServiceOptions['connections'];
  /** The client of a connection, whose health check readiness runs. Default: the context's KSC client. */
  readonly clients?: ServiceOptions['clients'];
  /** The default connection's name, for audit rows and metrics. */
  readonly defaultConnection?: string;
  readonly service?: ServiceSection;
  /** The configuration's `pipelines:`, run by the service. */
  readonly pipelines?: ServiceOptions['pipelines'];
  /** Where their checkpoints are (`intake.state`, shared with `kconnect intake run`). */
  readonly checkpoints?: ServiceOptions['checkpoints'];
  /** The configuration's `directory.state`; the service database when absent. */
  readonly directory?: ServiceDatabaseLocation;
  /** The configuration's `directory.nats`: the stream the service consumes directory events from too. */
  readonly directoryNats?: ServiceOptions['directoryNats'];
  /** Ends the KSC sessions. */
  close(): Promise<void>;
}

/** Loads the configured connections; their clients report (warnings, calls at debug) to `logger`. */
export type ServeContextLoader = (logger: ClientLogger) => Promise<LoadedServeContexts>;

/** The process around the command, injected so tests run it in-process. */
export interface ServeCommandIo {
  /** The "listening" line. Default `process.stdout`. */
  readonly stdout?: (line: string) => void;
  /**
   * Log records (one JSON object a line, or readable lines with `--log-format pretty`) and startup errors.
   * Default `process.stderr`, whose lines are readable when it is a terminal.
   */
  readonly stderr?: (line: string) => void;
  /** Where `KCONNECT_LOG_LEVEL` and `KCONNECT_LOG_FORMAT` are read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Calls `stop` when the process is asked to stop; returns how to stop listening. Default: SIGINT, SIGTERM. */
  readonly onStopSignal?: (stop: () => void) => () => void;
  /** Sets the exit code. Default `process.exitCode`. */
  readonly exit?: (code: number) => void;
  /** Told once the service listens (tests read its URL from here). */
  readonly onListening?: (service: RunningService) => void;
  readonly commands?: readonly CommandDefinition[];
  readonly now?: () => number;
}

interface ServeFlags extends LogFlags {
  host?: string;
  port?: number;
  database?: string;
  maxConcurrentPerServer?: number;
  maxQueue?: number;
  shutdownGrace?: number;
  auditRetentionDays?: number;
  headersTimeout?: number;
  requestTimeout?: number;
  keepAliveTimeout?: number;
  maxConnections?: number;
}

const seconds = (value: number) => value * 1000;

/**
 * `kconnect serve`: the HTTP service. Settings come from flags, then `KCONNECT_SERVICE_*` variables, then the
 * configuration's `service` section, then defaults. Stops gracefully on SIGINT/SIGTERM: calls in flight finish.
 *
 * @param loadContexts loads the configured connections; `main.ts` passes the configuration's loader.
 */
export function serveCommand(loadContexts: ServeContextLoader, io: ServeCommandIo = {}): Command {
  const stdout = io.stdout ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const stderr = io.stderr ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const env = io.env ?? process.env;
  const onStopSignal = io.onStopSignal ?? onProcessSignals;
  const exit =
    io.exit ??
    ((code: number) => {
      process.exitCode = code;
    });

  const command = new Command('serve')
    .description('serve every command over HTTP with OpenAPI, API tokens, an audit log and metrics')
    .addOption(
      new Option('--host <address>', 'address to listen on (default 127.0.0.1)').env('KCONNECT_SERVICE_HOST'),
    )
    .addOption(
      new Option('--port <port>', 'port; 0 picks a free one (default 8080)')
        .argParser(integer('--port', 0, 65535))
        .env('KCONNECT_SERVICE_PORT'),
    )
    .addOption(
      new Option(
        '--database <file-or-url>',
        `SQLite file, or a postgres:// URL shared by replicas (default ${DEFAULT_SERVICE_DATABASE})`,
      ).env(SERVICE_DATABASE_ENV),
    )
    .addOption(
      new Option('--max-concurrent-per-server <n>', 'command calls at once per KSC server (default 8)')
        .argParser(integer('--max-concurrent-per-server', 1))
        .env('KCONNECT_SERVICE_MAX_CONCURRENT_PER_SERVER'),
    )
    .addOption(
      new Option('--max-queue <n>', 'calls waiting per KSC server before 429 (default 32)')
        .argParser(integer('--max-queue', 0))
        .env('KCONNECT_SERVICE_MAX_QUEUE'),
    )
    .addOption(
      new Option(
        '--shutdown-grace <seconds>',
        'how long a stop waits for calls in flight (default 30)',
      ).argParser(integer('--shutdown-grace', 0, 3600)),
    )
    .addOption(
      new Option(
        '--audit-retention-days <days>',
        'remove audit rows older than this; 0 keeps them forever (default 365)',
      )
        .argParser(integer('--audit-retention-days', 0))
        .env('KCONNECT_SERVICE_AUDIT_RETENTION_DAYS'),
    )
    .addOption(
      new Option('--headers-timeout <seconds>', 'time a client has to send its request head (default 10)')
        .argParser(integer('--headers-timeout', 1, 3600))
        .env('KCONNECT_SERVICE_HEADERS_TIMEOUT'),
    )
    .addOption(
      new Option('--request-timeout <seconds>', 'time a client has to send its request body (default 30)')
        .argParser(integer('--request-timeout', 1, 3600))
        .env('KCONNECT_SERVICE_REQUEST_TIMEOUT'),
    )
    .addOption(
      new Option(
        '--keep-alive-timeout <seconds>',
        'idle time before a keep-alive connection closes (default 5)',
      )
        .argParser(integer('--keep-alive-timeout', 1, 3600))
        .env('KCONNECT_SERVICE_KEEP_ALIVE_TIMEOUT'),
    )
    .addOption(
      new Option('--max-connections <n>', 'open connections at once; more are refused (default 1024)')
        .argParser(integer('--max-connections', 1))
        .env('KCONNECT_SERVICE_MAX_CONNECTIONS'),
    );
  addLogOptions(command);

  command.action(async (flags: ServeFlags) => {
    let logger: ServiceLogger;
    let clientLogger: ClientLogger;
    try {
      // An injected stderr is a test's or an embedder's, never a terminal: it gets JSON unless asked otherwise.
      const log = commandLogger(
        'serve',
        flags,
        env,
        io.stderr === undefined ? undefined : lineDestination(io.stderr),
      );
      logger = serviceLogger(log);
      clientLogger = recordLogger(log);
    } catch (error) {
      if (!(error instanceof KconnectError)) throw error;
      stderr(`error: ${error.message}`);
      exit(ERROR_CODES[error.code].exitCode);
      return;
    }
    let loaded: LoadedServeContexts | undefined;
    let service: RunningService;
    try {
      // Loaded when serving only: the other kconnect commands start faster and smaller without it.
      const [{ startService }, { serviceDatabaseLocation }] = await Promise.all([
        import('../http/service.ts'),
        import('../http/store.ts'),
      ]);
      loaded = await loadContexts(clientLogger);
      const section = loaded.service ?? {};
      const options: ServiceOptions = {
        contexts: loaded.contexts,
        database: serviceDatabaseLocation(flags.database ?? section.database ?? DEFAULT_SERVICE_DATABASE),
        host: flags.host ?? section.host ?? '127.0.0.1',
        port: flags.port ?? section.port ?? 8080,
        limits: {
          maxConcurrentPerServer: flags.maxConcurrentPerServer ?? section.maxConcurrentPerServer ?? 8,
          maxQueue: flags.maxQueue ?? section.maxQueue ?? 32,
        },
        auditRetentionDays: flags.auditRetentionDays ?? section.auditRetentionDays ?? 365,
        timeouts: {
          headersMs: seconds(flags.headersTimeout ?? section.headersTimeoutSeconds ?? 10),
          requestMs: seconds(flags.requestTimeout ?? section.requestTimeoutSeconds ?? 30),
          keepAliveMs: seconds(flags.keepAliveTimeout ?? section.keepAliveTimeoutSeconds ?? 5),
        },
        maxConnections: flags.maxConnections ?? section.maxConnections ?? 1024,
        logger,
        ...(flags.shutdownGrace === undefined ? {} : { shutdownGraceMs: flags.shutdownGrace * 1000 }),
        ...(loaded.connections === undefined ? {} : { connections: loaded.connections }),
        ...(loaded.clients === undefined ? {} : { clients: loaded.clients }),
        ...(loaded.defaultConnection === undefined ? {} : { defaultConnection: loaded.defaultConnection }),
        ...(loaded.pipelines === undefined ? {} : { pipelines: loaded.pipelines }),
        ...(loaded.checkpoints === undefined ? {} : { checkpoints: loaded.checkpoints }),
        // The directory of seed 003 is always on: its receiver and commands work without a setting.
        directoryStore: loaded.directory ?? 'service',
        ...(loaded.directoryNats === undefined ? {} : { directoryNats: loaded.directoryNats }),
        ...(io.commands === undefined ? {} : { commands: io.commands }),
        ...(io.now === undefined ? {} : { now: io.now }),
      };
      service = await startService(options);
    } catch (error) {
      await loaded?.close();
      if (!(error instanceof KconnectError)) throw error;
      stderr(`error: ${error.message}`);
      exit(ERROR_CODES[error.code].exitCode);
      return;
    }
    const running = service;
    const contexts = loaded;
    // `serve` owns its process: keep the heap near its live set under bursts of open requests (B5/R10).
    limitHeapGrowth();
    stdout(`kconnect service listening on ${running.url} (reference: ${running.url}/docs)`);
    io.onListening?.(running);
    await new Promise<void>((resolve) => {
      const stopListening = onStopSignal(() => {
        stopListening();
        logger({ level: 'info', message: 'stopping: finishing the calls in flight' });
        running
          .close()
          .then(() => contexts.close())
          .then(resolve, (error: unknown) => {
            logger({
              level: 'error',
              message: 'stop failed',
              error: error instanceof Error ? error.message : String(error),
            });
            exit(1);
            resolve();
          });
      });
    });
  });
  return command;
}
