import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';
import { readRecentEvents } from '../../commands/ksc/shared/recent-events.ts';
import { KconnectError } from '../../errors.ts';
import type { ServiceDependencies, ServiceEnv } from './app.ts';
import type { Principal, Scope } from './auth.ts';
import { CONNECTION_NAME } from './command-route.ts';
import { QueueFullError } from './limits.ts';

/** The console's files: read once, served from memory. They sit beside this module in `src` and in `dist`. */
const ASSETS: ReadonlyArray<{ readonly route: string; readonly file: string; readonly type: string }> = [
  { route: '/console', file: 'index.html', type: 'text/html; charset=utf-8' },
  { route: '/console/console.js', file: 'console.js', type: 'text/javascript; charset=utf-8' },
  { route: '/console/console.css', file: 'console.css', type: 'text/css; charset=utf-8' },
];

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

  for (const asset of ASSETS) {
    const body = readFileSync(new URL(`./console/${asset.file}`, import.meta.url));
    app.get(
      asset.route,
      () => new Response(body, { headers: { 'Content-Type': asset.type, ...CONSOLE_HEADERS } }),
    );
  }
  app.get('/', (c) => c.redirect('/console', 302));

  app.get('/v1/me', async (c) => {
    const principal = await authorise(c);
    if (principal instanceof Response) return principal;
    return c.json({ tokenId: principal.tokenId, name: principal.name, scopes: principal.scopes });
  });

  app.get('/v1/connections', async (c) => {
    const principal = await authorise(c, 'read');
    if (principal instanceof Response) return principal;
    const states = await deps.health.connections();
    return c.json({
      connections: connectionNames.map((name) => {
        const state = states.get(name);
        return {
          name,
          default: name === defaultConnection,
          ok: state?.ok ?? false,
          error: state?.error ?? null,
          durationMs: state?.durationMs ?? null,
        };
      }),
    });
  });

  app.get('/v1/events', async (c) => {
    const principal = await authorise(c, 'read');
    if (principal instanceof Response) return principal;
    const fail = error(c);
    const requested = c.req.query('connection');
    if (requested !== undefined && !CONNECTION_NAME.test(requested)) {
      return fail('INVALID_INPUT', 'connection: 1–64 letters, digits, dots, dashes or underscores', 400);
    }
    const limitText = c.req.query('limit') ?? '100';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 500) {
      return fail('INVALID_INPUT', 'limit: expected an integer from 1 to 500', 400);
    }
    const sinceText = c.req.query('since');
    const since = sinceText === undefined ? undefined : Date.parse(sinceText);
    if (since !== undefined && Number.isNaN(since)) {
      return fail('INVALID_INPUT', 'since: expected an ISO 8601 time such as 2025-01-31T08:00:00Z', 400);
    }
    let release: (() => void) | undefined;
    try {
      const ctx = deps.contexts(requested);
      release = await deps.limits.acquire(requested ?? defaultConnection);
      const events = await readRecentEvents(
        { ...ctx, signal: AbortSignal.any([deps.signal]) },
        { since, limit },
      );
      return c.json({ events });
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
