import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../core/clock.ts';
import type { KicsAuthEnv } from '../auth/bearer.ts';
import type { Access } from '../auth/users.ts';
import type { KicsStore } from '../store/kics-store.ts';

/** What the KICS API's handlers see: Node's request (absent in tests) and the authenticated caller. */
export type KicsEnv = KicsAuthEnv;

/** What every group of routes is given. */
export interface RouteDependencies {
  readonly store: KicsStore;
  readonly clock: Clock;
  /** The bearer check for a route: the token, the user behind it, and the user's right to `access`. */
  readonly guard: (access: Access) => MiddlewareHandler<KicsEnv>;
}
