import { Hono, type MiddlewareHandler } from 'hono';
import { DEFAULT_MAX_BODY_BYTES, limitBody } from '../../core/body-limit.ts';
import type { Clock } from '../../core/clock.ts';
import { FaultInjector, injectFaults } from '../../core/fault-injection.ts';
import { logUnhandledError, requestLogging, type EmulatorLogger } from '../../core/request-log.ts';
import type { KicsStore } from '../store/kics-store.ts';
import { registerAllowRuleRoutes } from './allow-rules.ts';
import { registerCollectionRoutes } from './collections.ts';
import { compressWhenAccepted } from '../../core/compression.ts';
import { registerDeviceRoutes } from './devices.ts';
import { registerDictionaryRoutes } from './dictionaries.ts';
import type { Access } from '../auth/users.ts';
import type { EmulatorEnv } from '../../core/server.ts';
import type { KicsEnv, RouteDependencies } from './env.ts';
import { KicsApiError } from './errors.ts';
import { registerEventRoutes } from './events.ts';
import { API_PREFIX, routingPath } from './paths.ts';
import { registerTrafficRoutes } from './traffic.ts';

export interface KicsServerOptions {
  readonly store: KicsStore;
  readonly clock: Clock;
  /** The bearer check of the API routes (tokens and the user behind them). */
  readonly guard: (access: Access) => MiddlewareHandler<KicsEnv>;
  /** The token endpoint (`/kics/api/auth/v3/token` and its v4 twin), mounted as given. */
  readonly tokenRoutes: Hono<EmulatorEnv>;
  readonly faults?: FaultInjector;
  /** Largest request body accepted, bytes. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  readonly logger?: EmulatorLogger;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The KICS for Networks Public API v3 (seed 002) over HTTP: 33 operations under `/kics/api/v3`, the token
 * endpoint beside them, routes matched without regard to case or the spelling of collection names.
 */
export function createKicsServer(options: KicsServerOptions): { app: Hono<KicsEnv>; faults: FaultInjector } {
  const faults = options.faults ?? new FaultInjector();
  const log: EmulatorLogger = options.logger ?? (() => undefined);
  const app = new Hono<KicsEnv>({ getPath: (request) => routingPath(new URL(request.url).pathname) });

  app.use('*', requestLogging(log));
  app.use(
    '/kics/*',
    limitBody(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, (c, message) =>
      c.body(JSON.stringify({ errorMessage: message }), 413, { 'Content-Type': JSON_TYPE }),
    ),
  );
  app.use('/kics/*', compressWhenAccepted({ threshold: 1024 }));
  app.use(
    '/kics/*',
    injectFaults(faults, (status) =>
      Response.json({ errorMessage: 'Internal server error' }, { status }),
    ) as unknown as MiddlewareHandler<KicsEnv>,
  );

  app.onError((error, c) => {
    if (error instanceof KicsApiError)
      return c.body(JSON.stringify(error.body), error.status, { 'Content-Type': JSON_TYPE });
    logUnhandledError(log, c.req.path, error);
    return c.body(JSON.stringify({ errorMessage: 'Internal server error' }), 500, {
      'Content-Type': JSON_TYPE,
    });
  });
  app.notFound((c) =>
    c.body(JSON.stringify({ errorMessage: `No such operation: ${c.req.method} ${c.req.path}` }), 404, {
      'Content-Type': JSON_TYPE,
    }),
  );

  app.route('/', options.tokenRoutes as unknown as Hono<KicsEnv>);

  const api = new Hono<KicsEnv>();
  const deps: RouteDependencies = { store: options.store, clock: options.clock, guard: options.guard };
  registerDictionaryRoutes(api, deps);
  registerAllowRuleRoutes(api, deps);
  registerCollectionRoutes(api, deps);
  registerDeviceRoutes(api, deps);
  // Before the events' `/:id` routes would take `traffic` for an id.
  registerTrafficRoutes(api, deps);
  registerEventRoutes(api, deps);
  app.route(API_PREFIX, api);
  return { app, faults };
}
