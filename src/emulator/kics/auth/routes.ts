import type { TLSSocket } from 'node:tls';
import { Hono, type Context } from 'hono';
import type { EmulatorEnv } from '../../core/server.ts';
import { authErrorResponse } from './bearer.ts';
import { KicsAuthError } from './errors.ts';
import type { PeerCertificate, TokenResponse, TokenService } from './tokens.ts';

/** The token endpoint's paths: v3 (INFERRED, spec §1) and v4 (what the real client in [RV] calls). */
export const TOKEN_PATHS = ['/kics/api/auth/v3/token', '/kics/api/auth/v4/token'] as const;

/**
 * The token endpoint of KICS for Networks' auth API ([AUTH31], [AUTH41]): `POST …/token` with `grant_type` in
 * the query string (never the body): `certificate` over mutual TLS, or `refresh_token` with `refresh_token`.
 */
export function createTokenRoutes(tokens: TokenService): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  for (const path of TOKEN_PATHS) {
    app.post(path, async (c) => {
      try {
        return c.json(await grant(c, tokens));
      } catch (error) {
        if (error instanceof KicsAuthError) return authErrorResponse(c, error);
        throw error;
      }
    });
  }
  return app;
}

async function grant(c: Context<EmulatorEnv>, tokens: TokenService): Promise<TokenResponse> {
  const grantType = c.req.query('grant_type');
  if (grantType === 'certificate') return tokens.grantForCertificate(peerCertificate(c));
  if (grantType === 'refresh_token') {
    const refreshToken = c.req.query('refresh_token');
    if (refreshToken === undefined || refreshToken === '')
      throw await tokens.refuseRequest(
        new KicsAuthError('missing-refresh-token', 'Incorrect parameters: refresh_token='),
      );
    return tokens.grantForRefreshToken(refreshToken);
  }
  throw await tokens.refuseRequest(
    new KicsAuthError(
      grantType === undefined || grantType === '' ? 'missing-grant-type' : 'unknown-grant-type',
      // The value is echoed as the seed's "Incorrect parameters" messages do, cut short: it is the caller's text.
      `Incorrect parameters: grant_type=${(grantType ?? '').slice(0, 64)}`,
    ),
  );
}

/** The client certificate of the request's TLS connection, as `listen` with `clientCertificates` asked for it. */
function peerCertificate(c: Context<EmulatorEnv>): PeerCertificate {
  const socket = c.env?.incoming?.socket as Partial<TLSSocket> | undefined;
  if (socket?.getPeerCertificate === undefined) return { verified: false };
  const certificate = socket.getPeerCertificate(false);
  // An empty object when the client sent no certificate.
  const der = (certificate as { raw?: Buffer } | null)?.raw;
  return { der, verified: socket.authorized === true };
}
