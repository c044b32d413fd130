import type { Readable, Writable } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import { downloadsDirectory, downloadsSink, DOWNLOADS_DIR_ENV } from '../mcp/downloads.ts';
import { McpOptionsError } from '../mcp/errors.ts';
import { DEFAULT_MCP_HTTP_PORT } from '../mcp/defaults.ts';
import { isLoopbackHost } from '../mcp/http-guards.ts';
import { loadOrCreateMcpToken } from '../mcp/token-file.ts';
import { COMMANDS, type CommandContext, type CommandDefinition } from '../../commands/index.ts';
import { stateDirectory } from './idempotency-file-store.ts';
import { onProcessSignals } from './signals.ts';
import { lineLogger, recordLogger } from '../../logging.ts';
import type { ClientLogger } from '../../vendor-client.ts';
import { addLogOptions, commandLogger, lineDestination, type LogFlags } from './log-options.ts';

/** What the configuration gives the MCP server: a context per call, and whether destructive tools are on. */
export interface LoadedMcpContext {
  /** The context a tool's command runs with (`ContextFactory.contextFor` its vendor). */
  readonly context: (command: Pick<CommandDefinition, 'vendor'>) => CommandContext;
  /** Whether the connection's configuration allows destructive tools (`--allow-destructive` also does). */
  readonly allowDestructive: boolean;
  /** Ends the KSC sessions and releases what the context holds. */
  close(): Promise<void>;
}

/**
 * Loads the named connection of the configuration (the default connection when none is named); its clients report
 * to `logger`.
 */
export type McpContextLoader = (
  connection: string | undefined,
  logger: ClientLogger,
) => Promise<LoadedMcpContext>;

/** The process around the command, injected so tests can run it in-process. */
export interface McpCommandIo {
  /** Default `process.stdin`. */
  readonly stdin?: Readable;
  /** Default `process.stdout`; in stdio mode only the protocol is written there. */
  readonly stdout?: Writable;
  /**
   * Status lines (plain: the listening line scripts wait for, where the token is) and the log (JSON, or readable
   * lines with `--log-format pretty`). Default: `process.stderr`, whose log lines are readable on a terminal.
   */
  readonly stderr?: (line: string) => void;
  /**
   * Default `process.env`; `KCONNECT_LOG_LEVEL` and `KCONNECT_LOG_FORMAT` are read there, the HTTP bearer token is read from `KCONNECT_MCP_TOKEN`, and the state directory
   * that keeps the generated one from `KCONNECT_STATE_DIR` / `XDG_STATE_HOME` / `HOME`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Calls `stop` when the process is asked to stop; returns how to stop listening. Default: SIGINT, SIGTERM. */
  readonly onStopSignal?: (stop: () => void) => () => void;
  /** Default: the whole registry. */
  readonly commands?: readonly CommandDefinition[];
}

interface McpFlags extends LogFlags {
  http?: true | number;
  host?: string;
  connection?: string;
  allowDestructive?: true;
  downloadsDir?: string;
  /** `false` with `--no-auth`. */
  auth: boolean;
}

/** How HTTP requests are authenticated: the resolved token and what to say about it, never the token itself. */
interface HttpAuth {
  readonly token?: string;
  /** Lines for stderr before the server listens (where the token is) … */
  readonly before: readonly string[];
  /** … and after (the `--no-auth` warning, once the address is known). */
  readonly after: readonly string[];
}

/** The environment variable that holds the HTTP bearer token: a flag would show in `ps` and shell history. */
export const MCP_TOKEN_ENV = 'KCONNECT_MCP_TOKEN';

/**
 * The bearer token of `--http`: `KCONNECT_MCP_TOKEN` when set; none with `--no-auth`; otherwise the token file in
 * the state directory, made at the first start. Beyond loopback only an explicit token will do (the transport
 * refuses to listen without one): a generated file is a convenience for clients on this machine, and a server
 * reachable from the network should have a token its operator chose and distributes.
 */
async function httpAuth(
  flags: McpFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<HttpAuth> {
  const configured = env[MCP_TOKEN_ENV] === '' ? undefined : env[MCP_TOKEN_ENV];
  if (configured !== undefined) return { token: configured, before: [], after: [] };
  if (!flags.auth) {
    // Every start, so a development setting left in a service definition keeps being noticed.
    return {
      before: [],
      after: [
        'warning: --no-auth: the HTTP endpoint requires no bearer token, so any process on this machine can ' +
          'run the tools with the KSC account; use it for development only',
      ],
    };
  }
  if (flags.host !== undefined && !isLoopbackHost(flags.host)) return { before: [], after: [] };
  const file = await loadOrCreateMcpToken(stateDirectory(env));
  return {
    token: file.token,
    before: [
      `bearer token ${file.created ? 'created in' : 'read from'} ${file.path} (set ${MCP_TOKEN_ENV} to choose one)`,
    ],
    after: [],
  };
}

function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) {
    throw new InvalidArgumentError(
      '--http: the port must be an integer from 0 to 65535 (0 picks a free one)',
    );
  }
  return value;
}

/**
 * `kconnect mcp`: serves every command as an MCP tool, over stdio (an MCP client starts the process) or, with
 * `--http`, over streamable HTTP on 127.0.0.1 with a bearer token (`KCONNECT_MCP_TOKEN`, or one generated into
 * the state directory; `--no-auth` for development). Destructive tools stay off unless `--allow-destructive` or
 * the connection's configuration turns them on.
 *
 * @param loadContext loads the connection (`--connection`) into a command context; `main.ts` passes the
 *   configuration's loader.
 */
export function mcpCommand(loadContext: McpContextLoader, io: McpCommandIo = {}): Command {
  const stderr = io.stderr ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const env = io.env ?? process.env;
  const commands = io.commands ?? COMMANDS;
  const onStopSignal = io.onStopSignal ?? onProcessSignals;

  const command = new Command('mcp')
    .description('serve every command as an MCP tool (stdio by default, or streamable HTTP)')
    .addOption(
      new Option(
        '--http [port]',
        `serve streamable HTTP on this port instead of stdio (default ${DEFAULT_MCP_HTTP_PORT}; 0 picks a free one); ` +
          `a bearer token is always required: ${MCP_TOKEN_ENV}, or one generated into the state directory`,
      ).argParser(port),
    )
    .addOption(
      new Option('--no-auth', 'with --http on loopback: require no bearer token (development only; warns)'),
    )
    .addOption(new Option('--host <address>', 'address to listen on with --http (default 127.0.0.1)'))
    .addOption(new Option('--connection <name>', 'the configured KSC connection to use'))
    .addOption(new Option('--allow-destructive', 'offer destructive tools (isolate, quarantine, delete…)'))
    .addOption(
      new Option(
        '--downloads-dir <path>',
        `where tools that produce a file (traffic captures) save it (${DOWNLOADS_DIR_ENV}; default ` +
          '$XDG_DATA_HOME/kconnect/downloads or ~/.local/share/kconnect/downloads; made 0700)',
      ),
    );
  addLogOptions(command);

  command.action(async (flags: McpFlags) => {
    if (flags.host !== undefined && flags.http === undefined) {
      throw new McpOptionsError('--host', 'only applies with --http');
    }
    if (!flags.auth && flags.http === undefined) {
      throw new McpOptionsError('--no-auth', 'only applies with --http');
    }
    if (!flags.auth && env[MCP_TOKEN_ENV]) {
      throw new McpOptionsError('--no-auth', `cannot be combined with ${MCP_TOKEN_ENV}`);
    }
    // Never stdout: in stdio mode it carries the protocol.
    const logger = commandLogger(
      'mcp',
      flags,
      env,
      io.stderr === undefined ? undefined : lineDestination(io.stderr),
    );
    const loaded = await loadContext(flags.connection, recordLogger(logger));
    let dispose: (() => void) | undefined;
    const stopRequested = new Promise<void>((resolve) => (dispose = onStopSignal(resolve)));
    try {
      const allowDestructive = flags.allowDestructive === true || loaded.allowDestructive;
      // What a person starting the server reads stays plain lines; the call log goes through the logger.
      const status = (line: string): void => stderr(`kconnect mcp: ${line}`);
      // Loaded when the MCP server runs only, so the other kconnect commands do not load the MCP SDK.
      const [{ mcpServerFactory }, { serveHttp, serveStdio }] = await Promise.all([
        import('../mcp/server.ts'),
        import('../mcp/transports.ts'),
      ]);
      const files = downloadsSink(flags.downloadsDir ?? downloadsDirectory(env));
      const factory = mcpServerFactory({
        commands,
        context: (command) => ({ ...loaded.context(command), files }),
        allowDestructive,
        log: lineLogger(logger, 'info'),
      });
      const held = allowDestructive ? 0 : commands.filter((c) => c.destructive).length;
      const summary = `${commands.length - held} tools${held > 0 ? `; ${held} destructive tools disabled` : ''}`;
      if (flags.http !== undefined) {
        const { token, before, after } = await httpAuth(flags, env);
        for (const line of before) status(line);
        const running = await serveHttp({
          server: factory,
          port: flags.http === true ? DEFAULT_MCP_HTTP_PORT : flags.http,
          ...(flags.host === undefined ? {} : { host: flags.host }),
          ...(token === undefined ? {} : { token }),
          // The transport logs refused requests only.
          log: lineLogger(logger, 'warn'),
        });
        // One line, for scripts that wait for the server to be ready.
        stderr(
          `kconnect MCP server listening on ${running.url} (${summary}${token ? '; bearer token required' : ''})`,
        );
        for (const line of after) status(line);
        await stopRequested;
        await running.close();
      } else {
        const running = await serveStdio({
          server: factory(),
          ...(io.stdin === undefined ? {} : { stdin: io.stdin }),
          ...(io.stdout === undefined ? {} : { stdout: io.stdout }),
        });
        stderr(`kconnect MCP server on stdio (${summary})`);
        await Promise.race([running.closed, stopRequested]);
        await running.close();
      }
    } finally {
      dispose?.();
      await loaded.close();
    }
  });
  return command;
}
