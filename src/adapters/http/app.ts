import { Hono, type Context } from 'hono';
import type { CommandContext, CommandDefinition } from '../../commands/index.ts';
import type { ErrorCode } from '../../errors.ts';
import type { AuditLog, StoredAuditEntry } from './audit.ts';
import { authenticationRefusal, type AuthFailures } from './auth-failures.ts';
import { bearerToken, deniedMessage, type ApiTokens, type Principal, type Scope } from './auth.ts';
import { commandCatalogue } from './command-catalogue.ts';
import { commandRoute, describeError } from './command-route.ts';
import { registerConsoleRoutes } from './console-routes.ts';
import { docsPage } from './docs-page.ts';
import type { Health } from './health.ts';
import type { DatabaseIdempotencyStore } from './idempotency.ts';
import type { ServerLimits } from './limits.ts';
import type { ServiceMetrics } from './metrics.ts';
import { registerPipelineRoutes } from './pipelines-routes.ts';
import { registerDirectoryRoutes } from './directory-routes.ts';
import type { DirectoryApplier } from '../../directory/types.ts';
import type { Supervisor } from '../../intake/supervisor.ts';
import { REQUEST_ID_HEADER } from './openapi.ts';
import { requestIdFrom, withRequestId } from '../../logging.ts';

/** One log record of the service. It never carries a token, a password, a session id or a request body. */
export interface ServiceLogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly requestId?: string;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly durationMs?: number;
  readonly command?: string;
  readonly connection?: string;
  readonly outcome?: string;
  readonly token?: string;
  readonly error?: string;
}

export type ServiceLogger = (record: ServiceLogRecord) => void;

/** Everything the routes use; `startService` builds it, tests may build their own. */
export interface ServiceDependencies {
  readonly commands: readonly CommandDefinition[];
  /** The command context of a KSC connection (the default one when `connection` is undefined). */
  readonly contexts: (connection?: string) => CommandContext;
  /** The name audit rows, metrics and limits use for the default connection. Default `default`. */
  readonly defaultConnection?: string;
  /** Every configured connection by name, the default one included (the console lists them). */
  readonly connections?: readonly string[];
  readonly tokens: ApiTokens;
  readonly audit: AuditLog;
  /** Failed authentications per client address: the 429 after a burst, one audit row per client and window. */
  readonly authFailures: AuthFailures;
  readonly idempotency: DatabaseIdempotencyStore;
  readonly limits: ServerLimits;
  readonly metrics: ServiceMetrics;
  readonly health: Health;
  /** The OpenAPI document, serialised once. */
  readonly openapi: string;
  readonly replica: string;
  readonly now: () => number;
  readonly log: ServiceLogger;
  /** How long a command call's request body may take to arrive. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Aborted when a shutdown stops waiting for calls in flight. */
  readonly signal: AbortSignal;
  /** The intake pipelines the service runs, if any: their status in `/v1/pipelines` and `/metrics`. */
  readonly pipelines?: Supervisor;
  /** The directory's store that `POST /v1/directory/events` applies events to; without it the route answers 503. */
  readonly directory?: DirectoryApplier;
}

/** What the middleware gives every handler. */
export type ServiceEnv = { Variables: { requestId: string } };

const JSON_TYPE = 'application/json; charset=utf-8';

function errorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  status: number,
  headers = {},
): Response {
  return new Response(JSON.stringify({ error: { code, message }, requestId }), {
    status,
    headers: { 'Content-Type': JSON_TYPE, ...headers },
  });
}

/** Milliseconds since the epoch from ISO 8601 text or a number of milliseconds. */
function parseTime(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function auditJson(entry: StoredAuditEntry) {
  return {
    id: entry.id,
    at: new Date(entry.at).toISOString(),
    requestId: entry.requestId,
    replica: entry.replica,
    token: entry.tokenId === null ? null : { id: entry.tokenId, name: entry.tokenName ?? '' },
    command: entry.command,
    connection: entry.connection,
    hosts: entry.hosts,
    idempotencyKey: entry.idempotencyKey,
    outcome: entry.outcome,
    statusCode: entry.statusCode,
    errorCode: entry.errorCode,
    message: entry.message,
    durationMs: entry.durationMs,
    client: entry.client,
    count: entry.count,
  };
}

/**
 * The routes of the service: `POST /v1/commands/{name}` for every command, the catalog, the audit log, the
 * OpenAPI document and its reference page, health, readiness and metrics. Command calls always answer a
 * CommandResult (refusals by the service too), so a playbook reads one shape whatever happened.
 */
export function createServiceApp(deps: ServiceDependencies): Hono<ServiceEnv> {
  const app = new Hono<ServiceEnv>();
  const docs = docsPage();

  app.use('*', async (c, next) => {
    const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', requestId);
    const started = performance.now();
    // Every line logged while the request is served (the KSC client's too) carries its id.
    await withRequestId(requestId, next);
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    // While shutting down, each connection closes after its answer: the server can then finish closing.
    if (deps.health.draining) c.res.headers.set('Connection', 'close');
    deps.log({
      level: 'debug',
      message: 'request',
      requestId,
      method: c.req.method,
      // The path only: a query string is the caller's to keep out of logs.
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
    });
  });

  app.onError((error, c) => {
    const requestId = c.get('requestId');
    deps.log({
      level: 'error',
      message: 'unhandled error',
      requestId,
      path: c.req.path,
      error: describeError(error),
    });
    return errorBody('INTERNAL', `Internal error; the request id is ${requestId}`, requestId, 500);
  });

  app.notFound((c) =>
    errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`, c.get('requestId'), 404),
  );

  /** The caller of a non-command route with the scope it needs, or the refusal to send. */
  async function authorise(c: Context<ServiceEnv>, scope?: Scope): Promise<Principal | Response> {
    const requestId = c.get('requestId');
    const given = bearerToken(c.req.header('Authorization'));
    const principal = await deps.tokens.authenticate(given);
    if (principal === undefined) {
      const refusal = authenticationRefusal(deps, c, given);
      const code = refusal.status === 429 ? 'RATE_LIMITED' : 'UNAUTHENTICATED';
      return errorBody(code, refusal.message, requestId, refusal.status, refusal.headers);
    }
    if (scope !== undefined && !principal.scopes.includes(scope)) {
      return errorBody('ACCESS_DENIED', deniedMessage(principal, scope, 'this route'), requestId, 403);
    }
    return principal;
  }

  app.post('/v1/commands/:name', commandRoute(deps));

  // Built once: the JSON Schemas of the inputs do not change while the service runs.
  const catalogue = JSON.stringify({ commands: commandCatalogue(deps.commands) });
  app.get('/v1/commands', async (c) => {
    const principal = await authorise(c);
    if (principal instanceof Response) return principal;
    return new Response(catalogue, { headers: { 'Content-Type': JSON_TYPE } });
  });

  app.get('/v1/audit', async (c) => {
    const requestId = c.get('requestId');
    const principal = await authorise(c, 'admin');
    if (principal instanceof Response) return principal;
    const bad = (message: string) => errorBody('INVALID_INPUT', message, requestId, 400);
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return bad('limit: expected an integer from 1 to 1000');
    const sinceText = c.req.query('since');
    const since = sinceText === undefined ? undefined : parseTime(sinceText);
    if (sinceText !== undefined && since === undefined) {
      return bad('since: expected an ISO 8601 time (2025-01-31T08:00:00Z) or milliseconds since the epoch');
    }
    const beforeText = c.req.query('before');
    const before = beforeText === undefined ? undefined : Number(beforeText);
    if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) {
      return bad('before: expected an entry id (a positive integer)');
    }
    const command = c.req.query('command');
    const entries = await deps.audit.query({
      limit,
      ...(command === undefined || command === '' ? {} : { command }),
      ...(since === undefined ? {} : { since }),
      ...(before === undefined ? {} : { before }),
    });
    const last = entries.at(-1);
    let next: string | null = null;
    if (entries.length === limit && last !== undefined) {
      const query = new URLSearchParams({ limit: String(limit), before: String(last.id) });
      if (command !== undefined && command !== '') query.set('command', command);
      if (sinceText !== undefined) query.set('since', sinceText);
      next = `/v1/audit?${query.toString()}`;
    }
    return c.json({ entries: entries.map(auditJson), next });
  });

  registerConsoleRoutes(
    app,
    deps,
    authorise,
    (c) => (code, message, status) => errorBody(code, message, c.get('requestId'), status),
  );

  registerPipelineRoutes(
    app,
    deps.pipelines,
    authorise,
    (c) => (code, message, status) => errorBody(code, message, c.get('requestId'), status),
  );

  registerDirectoryRoutes(
    app,
    deps,
    authorise,
    (c) => (code, message, status) => errorBody(code, message, c.get('requestId'), status),
  );

  app.get('/openapi.json', () => new Response(deps.openapi, { headers: { 'Content-Type': JSON_TYPE } }));

  app.get(
    '/docs',
    () =>
      new Response(docs.html, {
        headers: {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Security-Policy': docs.contentSecurityPolicy,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        },
      }),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok', replica: deps.replica }));

  // Public for probes: up or down only. The checks name KSC URLs, connections and why a login failed, so only a
  // caller with a valid token (any scope) sees them.
  app.get('/readyz', async (c) => {
    const readiness = await deps.health.ready();
    const status = readiness.ready ? 'ready' : 'not ready';
    const code = readiness.ready ? 200 : 503;
    if (c.req.header('Authorization') === undefined) return c.json({ status }, code);
    const principal = await authorise(c);
    if (principal instanceof Response) return principal;
    return c.json({ status, ...readiness }, code);
  });

  app.get(
    '/metrics',
    () =>
      new Response(deps.metrics.render(deps.limits.load(), deps.pipelines?.status()), {
        headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
      }),
  );

  return app;
}
