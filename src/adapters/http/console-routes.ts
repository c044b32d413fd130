import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { executeCommand } from '../../commands/core/execute.ts';
import { listRecentEvents } from '../../commands/ksc/list-recent-events.ts';
import { KconnectError } from '../../errors.ts';
import type { ServiceDependencies, ServiceEnv } from './app.ts';
import { allowsConnection, connectionDeniedMessage, type Principal, type Scope } from './auth.ts';
import { CONNECTION_NAME } from './command-route.ts';
import { QueueFullError } from './limits.ts';

/** What the console folder serves, by extension; anything else there (its tsconfig) is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * The console's scripts and style by their path in its folder (`pages/hosts.js`), read once at start: they sit
 * beside this module in `src` and in `dist`. A request can only name a file of this map, so no part of a URL
 * ever reaches the file system.
 */
function consoleAssets(folder: string): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const type = CONTENT_TYPES[path.extname(file)];
    if (type === undefined) continue;
    assets.set(file.split(path.sep).join('/'), { body: readFileSync(path.join(folder, file)), type });
  }
  return assets;
}

/**
 * The third-party files the console loads, by their path under `/console/`: read from the installed package (a
 * dependency), never from a CDN, so the console works offline and under `script-src 'self'`.
 */
const VENDOR_FILES: Readonly<Record<string, string>> = {
  'vendor/uplot.js': 'uplot/dist/uPlot.esm.js',
  'vendor/uplot.css': 'uplot/dist/uPlot.min.css',
};

function vendorAssets(): ReadonlyMap<string, Asset> {
  const require = createRequire(import.meta.url);
  const assets = new Map<string, Asset>();
  for (const [served, file] of Object.entries(VENDOR_FILES)) {
    const type = CONTENT_TYPES[path.extname(file)];
    if (type === undefined) throw new Error(`No content type for the console's vendor file ${file}`);
    assets.set(served, { body: readFileSync(require.resolve(file)), type });
  }
  return assets;
}

/**
 * The page runs only its own script and style and talks only to this service: a token that an injected
 * script could read never gets the chance, and the page cannot be framed.
 */
const CONSOLE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export type Authorise = (c: Context<ServiceEnv>, scope?: Scope) => Promise<Principal | Response>;
export type ErrorAnswer = (code: KconnectError['code'], message: string, status: number) => Response;

/**
 * What the web console reads besides the command routes: who the caller is, the connections and their
 * health, and the newest events. Commands stay the console's only way to act, so every action it takes is
 * in the audit log; these reads are not command calls and are not audited.
 */
export function registerConsoleRoutes(
  app: Hono<ServiceEnv>,
  deps: ServiceDependencies,
  authorise: Authorise,
  error: (c: Context<ServiceEnv>) => ErrorAnswer,
): void {
  const defaultConnection = deps.defaultConnection ?? 'default';
  const connectionNames = deps.connections ?? [defaultConnection];

  const folder = fileURLToPath(new URL('./console/', import.meta.url));
  const page = readFileSync(path.join(folder, 'index.html'));
  const assets = new Map([...consoleAssets(folder), ...vendorAssets()]);
  const serve = (body: Buffer, type: string) =>
    new Response(body, { headers: { 'Content-Type': type, ...CONSOLE_HEADERS } });
  app.get('/console', () => serve(page, 'text/html; charset=utf-8'));
  app.get('/console/*', (c) => {
    const asset = assets.get(c.req.path.slice('/console/'.length));
    return asset === undefined ? c.notFound() : serve(asset.body, asset.type);
  });
  app.get('/', (c) => c.redirect('/console', 302));

  app.get('/v1/me', async (c) => {
    const principal = await authorise(c);
    if (principal instanceof Response) return principal;
    return c.json({
      tokenId: principal.tokenId,
      name: principal.name,
      scopes: principal.scopes,
      connections: principal.connections ?? null,
    });
  });

  app.get('/v1/connections', async (c) => {
    const principal = await authorise(c, 'read');
    if (principal instanceof Response) return principal;
    const states = await deps.health.connections();
    return c.json({
      // A token limited to some connections sees only those.
      connections: connectionNames
        .filter((name) => allowsConnection(principal, name))
        .map((name) => {
          const state = states.get(name);
          return {
            name,
            // The product behind it (`ksc`, `kics`): the console finds its OT section's connection by it.
            type: state?.connection.type ?? 'ksc',
            default: name === defaultConnection,
            ok: state?.ok ?? false,
            error: state?.error ?? null,
            durationMs: state?.durationMs ?? null,
          };
        }),
    });
  });

  // The live view polls, so its reads are not audited; it runs the registry's command like any other call.
  app.get('/v1/events', async (c) => {
    const principal = await authorise(c, 'read');
    if (principal instanceof Response) return principal;
    const fail = error(c);
    const requested = c.req.query('connection');
    if (requested !== undefined && !CONNECTION_NAME.test(requested)) {
      return fail('INVALID_INPUT', 'connection: 1–64 letters, digits, dots, dashes or underscores', 400);
    }
    if (!allowsConnection(principal, requested ?? defaultConnection)) {
      return fail('ACCESS_DENIED', connectionDeniedMessage(principal, requested ?? defaultConnection), 403);
    }
    const limit = c.req.query('limit');
    const since = c.req.query('since');
    const input = {
      ...(limit === undefined ? {} : { limit: /^\d+$/.test(limit) ? Number(limit) : limit }),
      ...(since === undefined ? {} : { since }),
    };
    let release: (() => void) | undefined;
    try {
      const ctx = deps.contexts(requested);
      release = await deps.limits.acquire(requested ?? defaultConnection, 'read');
      const result = await executeCommand(
        listRecentEvents,
        { ...ctx, signal: AbortSignal.any([deps.signal]) },
        input,
      );
      const failure = result.errors[0];
      if (result.status === 'Failed' && failure !== undefined) {
        return fail(failure.code as KconnectError['code'], failure.message, failure.statusCode);
      }
      return c.json({ events: result.context });
    } catch (thrown) {
      if (thrown instanceof QueueFullError) {
        const answer = fail('RATE_LIMITED', thrown.message, 429);
        answer.headers.set('Retry-After', String(thrown.retryAfterSeconds));
        return answer;
      }
      if (thrown instanceof KconnectError) return fail(thrown.code, thrown.message, thrown.httpStatus);
      throw thrown;
    } finally {
      release?.();
    }
  });
}
