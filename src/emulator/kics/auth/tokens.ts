import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Connector, Connectors } from './connectors.ts';
import { KicsAuthError } from './errors.ts';
import { signJwt, verifyJwt } from './jwt.ts';
import { certificateFingerprint } from './pki.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { loadSigningSecret } from './signing-secret.ts';
import type { AuthTables } from './tables.ts';
import { roleAllows, type Access, type ApplicationUser, type ApplicationUsers, type Role } from './users.ts';

/** KICS for Networks' default token lifetime: 10 hours ([SEC], spec §2.2 item 7). */
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 36_000;

/** The token endpoint's answer ([AUTH31], [AUTH41]). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'bearer';
  /** Seconds (spec §2.2 item 5: the unit is not stated; seconds is the OAuth 2.0 meaning). */
  readonly expires_in: number;
  readonly refresh_token: string;
}

/** Who an API call acts as, once its token was checked: what handlers read from the Hono context. */
export interface Principal {
  readonly connectorId: string;
  readonly connectorName: string;
  readonly user: string;
  readonly role: Role;
}

/** One line of the application audit log about a token (KICS audits token requests: [SEC]). */
export interface AuthAuditEntry {
  readonly user: string;
  readonly action: string;
  readonly result: 'Success' | 'Failure';
  readonly description: string;
}

export type AuthAudit = (entry: AuthAuditEntry) => void | Promise<void>;

/** What the TLS connection showed of the client's certificate. */
export interface PeerCertificate {
  /** The certificate's DER bytes; absent when the client sent none. */
  readonly der?: Buffer | undefined;
  /** Whether it chains to the emulator's CA (the TLS layer checked it: `socket.authorized`). */
  readonly verified: boolean;
}

export interface TokenServiceOptions {
  readonly db: Kysely<AuthTables>;
  readonly clock: Clock;
  readonly connectors: Connectors;
  readonly users: ApplicationUsers;
  /** Default 36,000 s (10 h), like KICS; seconds in tests. */
  readonly accessTokenLifetimeSeconds?: number;
  /**
   * Default: the access token's lifetime. KICS asks recipients to "request a time extension before the token
   * expires" ([SEC]): a refresh token is good for as long as the access token it came with.
   */
  readonly refreshTokenLifetimeSeconds?: number;
  /** Called for every token issued, extended or refused; never given a token, password or key. */
  readonly audit?: AuthAudit;
}

/** Access tokens remembered for the token-expiry fault; older ones expire on their own long before. */
const MAX_REMEMBERED = 100_000;

const ACTION_RECEIVE = 'Receive token';
const ACTION_EXTEND = 'Extend token';
const UNKNOWN_USER = 'unknown';

/**
 * Access and refresh tokens of the emulated KICS Server: the grants of the token endpoint (certificate, refresh
 * token), a grant for the control API (plain-HTTP mode has no mutual TLS), and the check of every API call's
 * bearer token. Every time comes from the emulator's clock, so advancing it expires tokens.
 */
export class TokenService {
  private readonly refreshTokens: RefreshTokens;
  private readonly accessLifetimeSeconds: number;
  private readonly refreshLifetimeMs: number;

  private constructor(
    private readonly options: TokenServiceOptions,
    private readonly secret: Buffer,
  ) {
    this.refreshTokens = new RefreshTokens(options.db, options.clock);
    this.accessLifetimeSeconds = positiveSeconds(
      options.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
    );
    this.refreshLifetimeMs =
      positiveSeconds(options.refreshTokenLifetimeSeconds ?? this.accessLifetimeSeconds) * 1000;
  }

  /** Loads (or makes, on first start) the signing secret. */
  static async open(options: TokenServiceOptions): Promise<TokenService> {
    return new TokenService(options, await loadSigningSecret(options.db));
  }

  get accessTokenLifetimeSeconds(): number {
    return this.accessLifetimeSeconds;
  }

  /** `grant_type=certificate`: the first token, for the connector whose certificate the TLS connection showed. */
  async grantForCertificate(peer: PeerCertificate): Promise<TokenResponse> {
    return this.audited(ACTION_RECEIVE, async () => {
      if (peer.der === undefined || peer.der.length === 0)
        throw refusal('no-certificate', 'A connector certificate is required to get a token.');
      if (!peer.verified)
        throw refusal('untrusted-certificate', 'The certificate was not issued by this server.');
      const connector = await this.options.connectors.findByCertificate(certificateFingerprint(peer.der));
      if (connector === undefined)
        throw refusal(
          'unknown-certificate',
          'The certificate does not belong to a connector of this server.',
        );
      return this.issue(connector, 'certificate');
    });
  }

  /** `grant_type=refresh_token`: a new pair for a refresh token, which is used up (rotation). */
  async grantForRefreshToken(refreshToken: string): Promise<TokenResponse> {
    return this.audited(ACTION_EXTEND, async () => {
      const outcome = await this.refreshTokens.consume(refreshToken);
      if (outcome.status === 'unknown')
        throw refusal('unknown-refresh-token', 'The refresh token is not valid.');
      const connector = await this.options.connectors.get(outcome.connectorId);
      const user = connector?.user ?? UNKNOWN_USER;
      if (outcome.status === 'reused')
        throw refusal(
          'refresh-token-reused',
          'The refresh token was already used; every token obtained with it is revoked.',
          user,
        );
      if (outcome.status === 'expired')
        throw refusal('refresh-token-expired', 'The refresh token has expired.', user);
      if (connector === undefined) throw refusal('unknown-connector', 'The connector does not exist.');
      return this.issue(connector, 'refresh', outcome.familyId);
    });
  }

  /**
   * A token for a connector without TLS, for the control API (plain HTTP cannot do mutual TLS). The same checks
   * apply as for a certificate: an active connector, a user that is neither deleted nor blocked.
   */
  async mintForConnector(connectorId: string): Promise<TokenResponse> {
    return this.audited(ACTION_RECEIVE, async () => {
      const connector = await this.options.connectors.get(connectorId);
      if (connector === undefined) throw refusal('unknown-connector', 'The connector does not exist.');
      return this.issue(connector, 'control API');
    });
  }

  /** Records a token request refused before any grant ran (a bad `grant_type`) and returns its error to answer. */
  async refuseRequest(error: KicsAuthError): Promise<KicsAuthError> {
    await this.options.audit?.({
      user: UNKNOWN_USER,
      action: ACTION_RECEIVE,
      result: 'Failure',
      description: error.errorMessage,
    });
    return error;
  }

  /**
   * Checks an API call's `Authorization` header and the account behind it, as KICS does on every call ([SEC]):
   * the token must be well-formed, signed by this server and unexpired, its connector active, its user not
   * deleted, and the user's role must allow `access`. A blocked user's tokens keep working until they expire
   * (blocking refuses new tokens only).
   *
   * @throws {KicsAuthError} 401 for the token and the account, 403 for the role.
   */
  async authenticate(authorization: string | undefined, access: Access): Promise<Principal> {
    const token = bearerToken(authorization);
    const verified = verifyJwt(token, this.secret);
    if (!verified.ok)
      throw verified.reason === 'malformed'
        ? new KicsAuthError('malformed-token', 'The access token is malformed.')
        : new KicsAuthError('invalid-token', 'The access token is not valid.');
    const { claims } = verified;
    if (claims.exp * 1000 <= this.options.clock.now() || this.expiredEarly.has(claims.jti))
      throw new KicsAuthError('expired-token', 'The access token has expired.');
    const connector = await this.options.connectors.get(claims.sub);
    if (connector === undefined) throw new KicsAuthError('invalid-token', 'The access token is not valid.');
    if (connector.state !== 'active')
      throw new KicsAuthError('connector-removed', 'The connector of this token was removed.');
    const user = await this.options.users.get(connector.user);
    if (user === undefined || user.deleted)
      throw new KicsAuthError(
        'user-deleted',
        `The user account ${JSON.stringify(connector.user)} does not exist.`,
      );
    if (!roleAllows(user.role, access))
      throw new KicsAuthError(
        'role-denied',
        `The role ${user.role} of user ${JSON.stringify(user.name)} does not permit this operation.`,
      );
    return { connectorId: connector.id, connectorName: connector.name, user: user.name, role: user.role };
  }

  /** Ids of the access tokens this process issued (the newest {@link MAX_REMEMBERED}), for {@link expireAccessTokens}. */
  private readonly issuedIds = new Set<string>();
  private readonly expiredEarly = new Set<string>();

  private remember(jti: string): void {
    this.issuedIds.add(jti);
    if (this.issuedIds.size > MAX_REMEMBERED) {
      const oldest = this.issuedIds.values().next().value;
      if (oldest !== undefined) this.issuedIds.delete(oldest);
    }
  }

  /**
   * Makes every access token this process issued so far expire now, as if its lifetime had run out (the control
   * API's token-expiry fault): calls with them get 401 "expired", and clients must refresh. Refresh tokens stay
   * valid. Returns how many tokens it ended.
   */
  expireAccessTokens(): number {
    for (const jti of this.issuedIds) this.expiredEarly.add(jti);
    const count = this.issuedIds.size;
    this.issuedIds.clear();
    while (this.expiredEarly.size > MAX_REMEMBERED) {
      const oldest = this.expiredEarly.values().next().value;
      if (oldest === undefined) break;
      this.expiredEarly.delete(oldest);
    }
    return count;
  }

  private async issue(connector: Connector, via: string, familyId?: string): Promise<IssuedTokens> {
    if (connector.state !== 'active')
      throw refusal('connector-removed', 'The connector was removed.', connector.user);
    const user = await this.options.users.get(connector.user);
    checkAccount(user, connector.user);
    const now = this.options.clock.now();
    const iat = Math.floor(now / 1000);
    const jti = randomUUID();
    const accessToken = signJwt(
      { sub: connector.id, user: connector.user, iat, exp: iat + this.accessLifetimeSeconds, jti },
      this.secret,
    );
    this.remember(jti);
    const refreshToken = await this.refreshTokens.issue(connector.id, this.refreshLifetimeMs, familyId);
    return {
      response: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: this.accessLifetimeSeconds,
        refresh_token: refreshToken,
      },
      user: connector.user,
      description: `Token issued to connector ${JSON.stringify(connector.name)} (${connector.id}) by ${via}, valid for ${this.accessLifetimeSeconds} s.`,
    };
  }

  private async audited(action: string, grant: () => Promise<IssuedTokens>): Promise<TokenResponse> {
    let issued: IssuedTokens;
    try {
      issued = await grant();
    } catch (error) {
      if (error instanceof AuditedRefusal) {
        await this.options.audit?.({
          user: error.user,
          action,
          result: 'Failure',
          description: error.errorMessage,
        });
        throw error.toKicsAuthError();
      }
      throw error;
    }
    await this.options.audit?.({
      user: issued.user,
      action,
      result: 'Success',
      description: issued.description,
    });
    return issued.response;
  }
}

interface IssuedTokens {
  readonly response: TokenResponse;
  readonly user: string;
  readonly description: string;
}

/** A refusal on its way to the audit: carries the user to name there, then becomes a KicsAuthError. */
class AuditedRefusal extends KicsAuthError {
  constructor(
    private readonly error: KicsAuthError,
    readonly user: string,
  ) {
    super(error.reason, error.errorMessage);
  }

  toKicsAuthError(): KicsAuthError {
    return this.error;
  }
}

function refusal(
  reason: KicsAuthError['reason'],
  message: string,
  user: string = UNKNOWN_USER,
): AuditedRefusal {
  return new AuditedRefusal(new KicsAuthError(reason, message), user);
}

/** No token for a deleted or blocked account ([SEC]). */
function checkAccount(user: ApplicationUser | undefined, name: string): asserts user is ApplicationUser {
  if (user === undefined || user.deleted)
    throw refusal('user-deleted', `The user account ${JSON.stringify(name)} does not exist.`, name);
  if (user.blocked)
    throw refusal('user-blocked', `The user account ${JSON.stringify(name)} is blocked.`, name);
}

/** The token of an `Authorization: Bearer …` header; the token in the URI is not supported (seed 002). */
function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer(?: +(.*))?$/i.exec(authorization?.trim() ?? '');
  if (match === null) throw new KicsAuthError('missing-token', 'An access token is required.');
  const token = match[1]?.trim() ?? '';
  if (token === '') throw new KicsAuthError('malformed-token', 'The access token is malformed.');
  return token;
}

function positiveSeconds(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds <= 0)
    throw new RangeError('token lifetimes are whole seconds above zero');
  return seconds;
}
