import type { Context, MiddlewareHandler } from 'hono';
import type { EmulatorEnv } from '../../core/server.ts';
import { KicsAuthError } from './errors.ts';
import type { Principal, TokenService } from './tokens.ts';
import type { Access } from './users.ts';

/** The Hono environment of the KICS API's routes: the emulator's bindings and the caller, once authenticated. */
export type KicsAuthEnv = EmulatorEnv & { Variables: { kicsPrincipal: Principal } };

/**
 * Middleware for an API route that needs a bearer token whose user may do `access` (reads for queries and gets,
 * writes for edits, removals, registrations). The caller lands in the context as `kicsPrincipal`
 * ({@link principalOf}). Refusals answer `{errorMessage}`: 401 with `WWW-Authenticate: Bearer` (RFC 6750, with
 * `error="invalid_token"` when a token was given), 403 when the user's role is too weak.
 */
export function requireBearer(tokens: TokenService, access: Access): MiddlewareHandler<KicsAuthEnv> {
  return async (c, next) => {
    let principal: Principal;
    try {
      principal = await tokens.authenticate(c.req.header('Authorization'), access);
    } catch (error) {
      if (error instanceof KicsAuthError) return authErrorResponse(c, error);
      throw error;
    }
    c.set('kicsPrincipal', principal);
    await next();
    return undefined;
  };
}

/** The authenticated caller of a route behind {@link requireBearer}. */
export function principalOf(c: Context<KicsAuthEnv>): Principal {
  return c.get('kicsPrincipal');
}

/** The answer for a refused token request or call: the status, `{errorMessage}`, and the challenge on 401. */
export function authErrorResponse(c: Context, error: KicsAuthError): Response {
  if (error.status === 401) c.header('WWW-Authenticate', challenge(error));
  return c.json({ errorMessage: error.errorMessage }, error.status);
}

function challenge(error: KicsAuthError): string {
  // RFC 6750 §3.1: a request without credentials gets the bare challenge, a bad token `invalid_token`.
  if (error.reason === 'missing-token') return 'Bearer';
  const description = error.errorMessage.replace(/["\\]/g, '');
  return `Bearer error="invalid_token", error_description="${description}"`;
}
