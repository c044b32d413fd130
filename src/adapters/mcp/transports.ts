import type { AddressInfo } from 'node:net';
import { DEFAULT_MCP_HTTP_PORT } from './defaults.ts';
import type { Readable, Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import { McpOptionsError } from './errors.ts';
import { bearerToken, isLoopbackHost, loopbackOnly } from './http-guards.ts';
import { REQUEST_ID_HEADER, requestIdFrom, withRequestId } from '../../logging.ts';

export interface StdioOptions {
  readonly server: Server;
  /** Default `process.stdin`. */
  readonly stdin?: Readable;
  /** Default `process.stdout`. Nothing else may write to it: it carries the protocol. */
  readonly stdout?: Writable;
}

export interface RunningStdio {
  /** Settles when the connection ends: the client closed stdin, stdout broke, or {@link close} ran. */
  readonly closed: Promise<void>;
  /** Ends the connection; calls still running are aborted. */
  close(): Promise<void>;
}

/**
 * Serves one MCP client over stdin/stdout (the client started this process). The connection ends when the
 * client closes stdin, which is how MCP clients shut a stdio server down.
 */
export async function serveStdio(options: StdioOptions): Promise<RunningStdio> {
  const { server } = options;
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  let settle!: () => void;
  const closed = new Promise<void>((resolve) => (settle = resolve));
  const stop = (): void => void server.close();
  const previous = server.onclose;
  server.onclose = () => {
    stdin.off('end', stop);
    stdout.off('error', stop);
    previous?.();
    settle();
  };
  stdin.once('end', stop);
  // EPIPE: the client went away without closing stdin first.
  stdout.on('error', stop);
  await server.connect(new StdioServerTransport(stdin, stdout));
  return {
    closed,
    async close() {
      await server.close();
      await closed;
    },
  };
}

export { DEFAULT_MCP_HTTP_PORT } from './defaults.ts';

export interface HttpOptions {
  /** Makes the server of one request: the HTTP transport is stateless (see decision 0015). */
  readonly server: () => Server;
  /** Address to listen on. Default `127.0.0.1`; any other than loopback needs a `token`. */
  readonly host?: string;
  /** Default {@link DEFAULT_MCP_HTTP_PORT}; 0 picks a free port. */
  readonly port?: number;
  /** When set, every request needs `Authorization: Bearer <token>`. Never logged. */
  readonly token?: string;
  /** Default `/mcp`. */
  readonly path?: string;
  /** Receives one line per refused request (never a header value). */
  readonly log?: (line: string) => void;
}

export interface RunningHttp {
  /** The endpoint, e.g. `http://127.0.0.1:13300/mcp`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections (their calls are aborted). */
  close(): Promise<void>;
}

function jsonRpcError(code: number, message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/** Settles with a placeholder when the client disconnects: nobody will read it. */
function whenAborted(signal: AbortSignal): { promise: Promise<Response>; dispose(): void } {
  let listener: (() => void) | undefined;
  const promise = new Promise<Response>((resolve) => {
    listener = () => resolve(new Response(null, { status: 499 }));
    if (signal.aborted) listener();
    else signal.addEventListener('abort', listener, { once: true });
  });
  return { promise, dispose: () => listener !== undefined && signal.removeEventListener('abort', listener) };
}

function checked(options: HttpOptions): Required<Omit<HttpOptions, 'token' | 'log'>> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_MCP_HTTP_PORT;
  const path = options.path ?? '/mcp';
  if (host.trim() === '') throw new McpOptionsError('host', 'must not be empty');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new McpOptionsError('port', `must be an integer from 0 to 65535, not ${String(port)}`);
  }
  if (!path.startsWith('/')) throw new McpOptionsError('path', 'must start with /');
  if (options.token !== undefined && !/^[\x21-\x7e]{16,}$/.test(options.token)) {
    throw new McpOptionsError('token', 'must be at least 16 printable characters without spaces');
  }
  if (!isLoopbackHost(host) && options.token === undefined) {
    throw new McpOptionsError(
      'token',
      `required to listen on ${host}: without one, anyone who reaches the port could run KSC commands`,
    );
  }
  return { server: options.server, host, port, path };
}

/**
 * The streamable HTTP endpoint as a Hono app: `POST <path>` carries JSON-RPC messages and answers with JSON;
 * `GET` and `DELETE` answer 405, since a stateless server has no stream to open and no session to end.
 * On a loopback address the Host and Origin headers must name this machine (DNS rebinding); with a token,
 * every request needs it.
 *
 * @throws {McpOptionsError} for an option that cannot work, naming it.
 */
export function mcpHttpApp(options: HttpOptions): Hono {
  const { server: createServer, host, path } = checked(options);
  const { log, token } = options;
  const app = new Hono();
  // First, so refusals carry the id too: the client quotes it, and it is on every log line of its request.
  app.use('*', async (c, next) => {
    const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    await withRequestId(requestId, next);
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
  });
  if (isLoopbackHost(host)) app.use(path, loopbackOnly(log));
  if (token !== undefined) app.use(path, bearerToken(token, log));
  app.post(path, async (c) => {
    const server = createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    const aborted = whenAborted(c.req.raw.signal);
    try {
      return await Promise.race([transport.handleRequest(c.req.raw), aborted.promise]);
    } finally {
      aborted.dispose();
      // Closing aborts the calls of a client that went away, so their commands stop.
      await server.close();
    }
  });
  app.on(['GET', 'DELETE'], path, (c) =>
    c.body(
      jsonRpcError(-32000, 'Method not allowed: this server is stateless; POST JSON-RPC messages'),
      405,
      {
        Allow: 'POST',
        'Content-Type': 'application/json',
      },
    ),
  );
  app.notFound((c) => c.body(jsonRpcError(-32000, `Not found: the MCP endpoint is ${path}`), 404));
  app.onError((error, c) => {
    log?.(`http ${c.req.method} ${c.req.path}: 500 (${error.name})`);
    return c.body(jsonRpcError(-32603, 'Internal error'), 500, { 'Content-Type': 'application/json' });
  });
  return app;
}

/**
 * Serves MCP over streamable HTTP on a node HTTP server, on 127.0.0.1 unless told otherwise.
 *
 * @throws {McpOptionsError} for an option that cannot work, naming it.
 * @throws {Error} when the port cannot be bound (`EADDRINUSE`, `EACCES`).
 * @example
 * const http = await serveHttp({ server: mcpServerFactory(options), port: 0, token: process.env.KCONNECT_MCP_TOKEN });
 * console.error(`MCP on ${http.url}`);
 */
export async function serveHttp(options: HttpOptions): Promise<RunningHttp> {
  const { host, port, path } = checked(options);
  const app = mcpHttpApp(options);
  const listener = serve({ fetch: app.fetch, port, hostname: host });
  await new Promise<void>((resolve, reject) => {
    if (listener.listening) return resolve();
    listener.once('listening', () => resolve());
    listener.once('error', reject);
  });
  const actual = (listener.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${actual}${path}`,
    port: actual,
    close() {
      closing ??= new Promise<void>((resolve) => {
        listener.close(() => resolve());
        (listener as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      return closing;
    },
  };
}
