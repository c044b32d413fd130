import { Command } from 'commander';
import { createContextFactory, loadConfig } from '../../config/index.ts';
import { cliIdempotencyStore, commandsFromRegistry } from './commands.ts';
import { completionCommand } from './completion-command.ts';
import { configCommand } from './config-command.ts';
import { demoCommand } from './demo-command.ts';
import { emulatorCommand } from './emulator-command.ts';
import { intakeCommand } from './intake-command.ts';
import { mcpCommand, type LoadedMcpContext } from './mcp-command.ts';
import { serveCommand, type LoadedServeContexts } from './serve-command.ts';
import { tokenCommand } from './token-command.ts';
import { enrichesFromDirectory, lazyCliDirectory, openProcessDirectory } from './directory-store.ts';
import { kconnectVersion } from '../../version.ts';
import type { ClientLogger } from '../../vendor-client.ts';
import type { PipelineLogger } from '../../intake/runner.ts';
import type { ServiceDatabaseLocation } from '../http/store.ts';

/** The MCP server's connection: the configuration (file, environment), one context factory for the process. */
async function loadMcpContext(
  connection: string | undefined,
  logger: ClientLogger,
): Promise<LoadedMcpContext> {
  const config = loadConfig({
    env: process.env,
    ...(connection === undefined ? {} : { flags: { connection } }),
  });
  // Destructive tools promise that a repeated idempotency key acts once, across restarts too: the same durable
  // store the CLI's commands use.
  const factory = createContextFactory(config, {
    idempotency: cliIdempotencyStore(process.env, Date.now),
    logger,
  });
  // The directory as the CLI has it (`openCliDirectory`): the directory tools read `directory:`, else the service
  // database; enrichment reads only a configured `directory:`, never creating the service database for a KSC call.
  const directory = lazyCliDirectory(config, process.env);
  const withDirectory = (vendor: string) => vendor === 'directory' || config.directory.state !== undefined;
  return {
    context: (command) => {
      const context = factory.contextFor(command.vendor, connection);
      return withDirectory(command.vendor) ? { ...context, directory: directory.queries } : context;
    },
    allowDestructive: config.mcp?.allowDestructive === true,
    close: async () => {
      await factory.close();
      await directory.close();
    },
  };
}

/** The service's connections: every configured one, each with its own client, made on first use. */
/** The client's logger as the intake's parts take one: each line keeps its fields. */
function levelledPipelineLogger(logger: ClientLogger): PipelineLogger {
  const at =
    (level: 'info' | 'warn' | 'error') =>
    (fields: Record<string, unknown>, message: string): void =>
      logger({ ...fields, level, message });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

async function loadServeContexts(logger: ClientLogger): Promise<LoadedServeContexts> {
  const config = loadConfig({ env: process.env });
  const factory = createContextFactory(config, { logger });
  // The service runs the configured pipelines on the same checkpoints as `kconnect intake run`.
  const pipelines = Object.values(config.pipelines);
  const { state } = config.intake;
  // The intake's parts (sinks, stores and their packages) load only for a service that runs pipelines.
  const [{ needsStateStore, pipelineDefinitions }, { StateStore }] = await Promise.all([
    import('../../intake/configured.ts'),
    import('../../store/state.ts'),
  ]);
  const store = pipelines.some(needsStateStore) ? await StateStore.open(state) : undefined;
  // The pipelines that add the directory identity read the directory the service receives into.
  const directory = pipelines.some(enrichesFromDirectory)
    ? await openProcessDirectory(config, process.env, { create: true })
    : undefined;
  return {
    contexts: (connection) => factory.context(connection),
    clients: (connection) => factory.vendorClient(connection),
    connections: Object.values(config.connections).map(({ name, type }) => ({ name, type })),
    ...(config.defaultConnection === undefined ? {} : { defaultConnection: config.defaultConnection }),
    ...(config.service === undefined ? {} : { service: config.service }),
    ...(config.directory.state === undefined ? {} : { directory: directoryLocation(config.directory.state) }),
    ...(config.directory.nats === undefined ? {} : { directoryNats: config.directory.nats }),
    ...(pipelines.length === 0
      ? {}
      : {
          pipelines: pipelineDefinitions(config, factory, {
            ...(store === undefined ? {} : { store }),
            ...(directory === undefined ? {} : { directory }),
            logger: levelledPipelineLogger(logger),
          }),
          checkpoints: state.url === undefined ? { file: state.file ?? '' } : { url: state.url },
        }),
    close: async () => {
      await factory.close();
      await store?.close();
      await directory?.close();
    },
  };
}

/** A resolved `directory.state` as the service takes a database. */
function directoryLocation(state: {
  readonly file?: string;
  readonly url?: string;
}): ServiceDatabaseLocation {
  return state.url === undefined ? { file: state.file ?? '' } : { url: state.url };
}

/** The `kconnect` command line: every command of the registry, plus the emulator, the demo and the servers. */
export function buildProgram(): Command {
  const program = new Command('kconnect')
    .description('Kaspersky Security Center and KICS for Networks from the command line')
    .version(kconnectVersion(), '-V, --version')
    .showHelpAfterError();
  for (const command of commandsFromRegistry()) program.addCommand(command);
  program.commandsGroup('Configuration, servers and emulators:');
  program.addCommand(configCommand());
  program.addCommand(intakeCommand());
  program.addCommand(mcpCommand(loadMcpContext));
  program.addCommand(serveCommand(loadServeContexts));
  program.addCommand(
    tokenCommand({
      configuredDatabase: () => Promise.resolve(loadConfig({ env: process.env }).service?.database),
    }),
  );
  program.addCommand(emulatorCommand());
  program.addCommand(demoCommand());
  program.addCommand(completionCommand(() => program));
  return program;
}
