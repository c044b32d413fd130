import { kconnectVersion } from '../../version.ts';
import { performance } from 'node:perf_hooks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type ProgressToken,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import {
  executeCommand,
  type CommandContext,
  type CommandDefinition,
  type CommandResult,
  type ProgressUpdate,
} from '../../commands/index.ts';
import { progressText } from '../../commands/core/progress.ts';
import { errorEntry, failedResult } from '../../commands/core/result.ts';
import { KconnectError } from '../../errors.ts';
import { toolCatalog, type ToolCatalog } from './tools.ts';
import { toolResult } from './tool-result.ts';

export interface McpServerOptions {
  /** The commands to offer as tools, usually the whole registry (`COMMANDS`). */
  readonly commands: readonly CommandDefinition[];
  /**
   * The context of one tool call (the KSC client, the clock…), asked for at every call with the tool's command:
   * a command of kconnect itself (the directory) needs no connection.
   */
  readonly context: (command: CommandDefinition) => CommandContext | Promise<CommandContext>;
  /** Whether commands flagged destructive are tools. When false they are not listed and a call is refused. */
  readonly allowDestructive: boolean;
  /** The server's name in the MCP handshake. Default `kconnect`. */
  readonly name?: string;
  /** The server's version in the MCP handshake. Default: the package's version. */
  readonly version?: string;
  /** Receives one line per tool call: the tool, its status and duration (never its arguments). */
  readonly log?: (line: string) => void;
}

function instructions(catalog: ToolCatalog): string {
  const commands = [...catalog.enabled.values(), ...catalog.disabled.values()];
  const kics = commands.some((c) => c.vendor === 'kics');
  const lines = [
    kics
      ? 'kconnect drives Kaspersky Security Center (KSC, IT endpoints) through its Open API and KICS for Networks ' +
        '(industrial networks: devices, events, vulnerabilities) through its Public API v3. Each tool is one ' +
        'kconnect command; tools named kics_* talk to KICS for Networks, the others to KSC.'
      : 'kconnect drives a Kaspersky Security Center server through its Open API. Each tool is one kconnect command.',
    "A result has status, raw (the vendor's answer in its wire shape), context (the records as plain JSON), " +
      'keyFields and a result table. Longs beyond 2^53 are decimal strings.',
    'Hosts can be named by id (KLHST_WKS_HOSTNAME), display name, FQDN or IPv4 address. Destructive tools accept ' +
      'an idempotencyKey: a repeated call with the same key acts once.',
  ];
  if (kics) {
    lines.push(
      'KICS devices and events are named by their numeric ids (from kics_list_devices, kics_list_events); KICS ' +
        'lists take filters and page with offset and limit.',
    );
  }
  if (catalog.disabled.size > 0) {
    lines.push(
      `Destructive tools are disabled on this server (${[...catalog.disabled.keys()].join(', ')}); an ` +
        'administrator can enable them.',
    );
  }
  return lines.join('\n');
}

function refusal(command: CommandDefinition): CommandResult {
  const error = new KconnectError(
    'ACCESS_DENIED',
    `${command.name} is a destructive tool and destructive tools are disabled on this MCP server, so nothing ` +
      'was done. An administrator can enable them with `kconnect mcp --allow-destructive` or in the ' +
      'connection’s configuration.',
  );
  return failedResult(command.title, [errorEntry(command.title, error)]);
}

/** How a tool call reports back while it runs: its abort signal, and where progress goes when asked for. */
interface CallChannel {
  readonly signal: AbortSignal;
  readonly progress?: (update: ProgressUpdate) => void;
}

/** The context of one call: the request's signal joined to the context's, and its progress listener added. */
function forCall(ctx: CommandContext, channel: CallChannel): CommandContext {
  const signal = ctx.signal === undefined ? channel.signal : AbortSignal.any([ctx.signal, channel.signal]);
  const notify = channel.progress;
  if (notify === undefined) return { ...ctx, signal };
  const own = ctx.progress;
  return {
    ...ctx,
    signal,
    progress:
      own === undefined
        ? notify
        : (update) => {
            own(update);
            notify(update);
          },
  };
}

/**
 * Progress as MCP `notifications/progress` for the request's `progressToken`. MCP wants `progress` to grow
 * with every notification, while a command's updates restart at 0 in each phase (reading hosts, then waiting
 * for their agent sync): each new phase continues from the last value sent, and an update that would not grow
 * it is dropped. The `message` says what the numbers are (`List Hosts: reading 2,000/2,500 hosts`). A failed
 * send (the client went away) is ignored: the call's signal deals with a gone client.
 */
export function progressNotifier(
  title: string,
  progressToken: ProgressToken,
  send: (notification: ServerNotification) => Promise<void>,
): (update: ProgressUpdate) => void {
  let phase = '';
  let base = 0;
  let last: number | undefined;
  return (update) => {
    const key = `${update.phase}\u0000${update.label}`;
    if (key !== phase) {
      phase = key;
      base = last ?? 0;
    }
    const progress = base + update.done;
    if (last !== undefined && progress <= last) return;
    last = progress;
    send({
      method: 'notifications/progress',
      params: {
        progressToken,
        progress,
        ...(update.total === undefined ? {} : { total: base + update.total }),
        message: `${title}: ${progressText(update)}`,
      },
    }).catch(() => undefined);
  };
}

/**
 * Builds servers that offer the commands as MCP tools, for transports that need a fresh server per connection
 * or per request (stateless streamable HTTP). The tool catalog is computed once, here.
 *
 * @throws {Error} when a command cannot be a tool (see {@link toolCatalog}).
 */
export function mcpServerFactory(options: McpServerOptions): () => Server {
  const catalog = toolCatalog(options.commands, options.allowDestructive);
  const info = { name: options.name ?? 'kconnect', version: options.version ?? kconnectVersion() };
  const text = instructions(catalog);
  // The SDK builds a JSON Schema validator (for elicitation, which kconnect never asks for) per server.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();
  const log = options.log;

  const call = async (
    name: string,
    args: unknown,
    channel: (title: string) => CallChannel,
  ): Promise<CallToolResult> => {
    const command = catalog.enabled.get(name);
    if (command === undefined) {
      const held = catalog.disabled.get(name);
      if (held === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      log?.(`tool ${name}: refused (destructive tools are disabled)`);
      return toolResult(held.title, refusal(held));
    }
    const started = performance.now();
    let result: CommandResult;
    try {
      result = await executeCommand(
        command,
        forCall(await options.context(command), channel(command.title)),
        args,
      );
    } catch (error) {
      // executeCommand turns a command's failures into results; what reaches here is the context failing.
      result = failedResult(command.title, [errorEntry(command.title, error)]);
    }
    log?.(`tool ${name}: ${result.status} in ${Math.round(performance.now() - started)} ms`);
    return toolResult(command.title, result);
  };

  return () => {
    const server = new Server(info, {
      capabilities: { tools: {} },
      instructions: text,
      jsonSchemaValidator,
    });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...catalog.tools] }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      // A client that wants progress sends a token with the request; without one, no notifications.
      const token = extra._meta?.progressToken;
      return call(request.params.name, request.params.arguments, (title) => ({
        signal: extra.signal,
        ...(token === undefined
          ? {}
          : { progress: progressNotifier(title, token, (n) => extra.sendNotification(n)) }),
      }));
    });
    return server;
  };
}

/**
 * An MCP server offering every given command as a tool: title, description, input schema and the
 * `readOnlyHint` / `destructiveHint` / `idempotentHint` / `openWorldHint` annotations. A call validates its
 * arguments with the command's schema (an error names the field), runs the command with a fresh context, and
 * answers with the whole result as structured content plus a Markdown summary. Connect it to a transport
 * (`serveStdio`, `serveHttp`) or to any SDK transport.
 *
 * @throws {Error} when a command cannot be a tool (see {@link toolCatalog}).
 * @example
 * const server = createMcpServer({ commands: COMMANDS, context: () => ({ ksc, now: Date.now }), allowDestructive: false });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: McpServerOptions): Server {
  return mcpServerFactory(options)();
}
