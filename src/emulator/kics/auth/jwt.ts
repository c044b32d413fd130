import { createHmac, timingSafeEqual } from 'node:crypto';

/** The claims of the emulator's access tokens. Times are seconds since the epoch (RFC 7519 NumericDate). */
export interface AccessTokenClaims {
  /** The connector's id. */
  readonly sub: string;
  /** The application user the connector acts as (for reading; every call looks the user up again). */
  readonly user: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

export type JwtVerification =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' };

/** The only header the emulator writes, and the only one it accepts: no `alg` negotiation, so no `none`. */
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** Signs the claims as a compact JWS with HMAC-SHA256 (RFC 7515/7518). */
export function signJwt(claims: AccessTokenClaims, secret: Buffer): string {
  const payload = base64url(JSON.stringify(claims));
  return `${HEADER}.${payload}.${signature(`${HEADER}.${payload}`, secret)}`;
}

/** Checks the shape and the signature; expiry is the caller's (it knows the emulator's clock). */
export function verifyJwt(token: string, secret: Buffer): JwtVerification {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part)))
    return { ok: false, reason: 'malformed' };
  const [header, payload, given] = parts as [string, string, string];
  const expected = Buffer.from(signature(`${header}.${payload}`, secret));
  const actual = Buffer.from(given);
  if (header !== HEADER || actual.length !== expected.length || !timingSafeEqual(actual, expected))
    return { ok: false, reason: 'bad-signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  return isClaims(claims) ? { ok: true, claims } : { ok: false, reason: 'malformed' };
}

function isClaims(value: unknown): value is AccessTokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  return (
    typeof claims.sub === 'string' &&
    typeof claims.user === 'string' &&
    typeof claims.jti === 'string' &&
    Number.isSafeInteger(claims.iat) &&
    Number.isSafeInteger(claims.exp)
  );
}

function signature(input: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
