import { randomUUID } from 'node:crypto';
import { AuthenticationError, type CallContext } from '../../errors.ts';
import { TransportFailure, type HttpAnswer } from '../../http/transport.ts';
import { KicsApiError, KicsClientError } from './errors.ts';

/** The token endpoint's answer ([AUTH31], [AUTH41]). */
interface TokenAnswer {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_token: string;
}

interface HeldToken {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When to extend it (about 80 % of its life), ms on the client's clock. */
  readonly refreshAt: number;
}

export type Grant =
  { readonly type: 'certificate' } | { readonly type: 'refresh_token'; readonly refreshToken: string };

export interface TokenLogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly operation: string;
  readonly requestId?: string;
  readonly status?: number;
  readonly attempt?: number;
}

export interface TokenManagerOptions {
  /** Sends `POST <auth>?<query>` over mutual TLS; throws {@link TransportFailure} when no answer came. */
  readonly send: (query: string, requestId: string) => Promise<HttpAnswer>;
  /** Attempts of one token request after transport failures and 5xx (a token request may be repeated). */
  readonly attempts: number;
  readonly backoff: (attempt: number) => Promise<void>;
  readonly now: () => number;
  readonly log: (record: TokenLogRecord) => void;
  /** Share of `expires_in` after which the token is extended. Default 0.8. */
  readonly refreshRatio?: number;
}

const OPERATION = 'token';

/**
 * The token lifecycle of one connector: a certificate grant first; an extension (`grant_type=refresh_token`) at
 * about 80 % of `expires_in`; one renewal shared by every call that needs it (single flight); when an extension
 * is refused, one fresh certificate grant; when that is refused too (the user is blocked or deleted, the
 * connector removed), a fatal state every later call reports at once — never a loop of grants.
 *
 * Tokens live only in this object: never in a log record, an error message or an error's fields.
 */
export class TokenManager {
  private held: HeldToken | undefined;
  private renewing: Promise<HeldToken> | undefined;
  private fatal: AuthenticationError | undefined;
  private readonly refreshRatio: number;

  constructor(private readonly options: TokenManagerOptions) {
    this.refreshRatio = options.refreshRatio ?? 0.8;
  }

  /** The refusal that ended the client's authentication, if one did. */
  get failure(): AuthenticationError | undefined {
    return this.fatal;
  }

  /** A token to send now: the one held, or one renewed (by one request, whoever else is waiting for it). */
  async accessToken(): Promise<string> {
    if (this.fatal !== undefined) throw this.fatal;
    const held = this.held;
    if (held !== undefined && this.options.now() < held.refreshAt) return held.accessToken;
    return (await this.renew()).accessToken;
  }

  /**
   * The server refused `rejected` (a 401 on a call): renew unless another caller already did, and give the token
   * to repeat the call with.
   */
  async afterRejection(rejected: string): Promise<string> {
    if (this.fatal !== undefined) throw this.fatal;
    if (this.held !== undefined && this.held.accessToken !== rejected) return this.held.accessToken;
    if (this.held?.accessToken === rejected)
      this.held = { ...this.held, refreshAt: Number.NEGATIVE_INFINITY };
    return (await this.renew()).accessToken;
  }

  /** Forgets the tokens (on close). */
  clear(): void {
    this.held = undefined;
  }

  private renew(): Promise<HeldToken> {
    this.renewing ??= this.obtain().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async obtain(): Promise<HeldToken> {
    const held = this.held;
    if (held !== undefined) {
      try {
        return this.keep(await this.request({ type: 'refresh_token', refreshToken: held.refreshToken }));
      } catch (error) {
        if (!(error instanceof GrantRefused)) throw error;
        this.held = undefined;
        this.options.log({
          level: 'warn',
          message: `the server refused to extend the token (HTTP ${error.status}); asking for a new one with the certificate`,
          operation: OPERATION,
          requestId: error.requestId,
          status: error.status,
        });
      }
    }
    try {
      return this.keep(await this.request({ type: 'certificate' }));
    } catch (error) {
      if (!(error instanceof GrantRefused)) throw error;
      // Latched: asking again would only add refusals to the server's audit log (and may lock the account).
      this.fatal = new AuthenticationError(
        `KICS for Networks refused a token for the connector's certificate (HTTP ${error.status}${
          error.errorMessage === undefined ? '' : `: ${error.errorMessage}`
        }): the user behind the connector may be blocked or deleted, or the connector removed. ` +
          'The client makes no further attempts; fix the account or the connector and create a new client.',
        { operation: OPERATION, requestId: error.requestId },
      );
      this.options.log({
        level: 'error',
        message: this.fatal.message,
        operation: OPERATION,
        requestId: error.requestId,
      });
      throw this.fatal;
    }
  }

  private keep(answer: TokenAnswer): HeldToken {
    const lifetimeMs = Math.max(0, answer.expires_in) * 1000;
    this.held = {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      refreshAt: this.options.now() + lifetimeMs * this.refreshRatio,
    };
    return this.held;
  }

  /** One grant, repeated after transport failures and 5xx; a 4xx is a refusal ({@link GrantRefused}). */
  private async request(grant: Grant): Promise<TokenAnswer> {
    const query =
      grant.type === 'certificate'
        ? 'grant_type=certificate'
        : `grant_type=refresh_token&refresh_token=${encodeURIComponent(grant.refreshToken)}`;
    const what = grant.type === 'certificate' ? 'certificate grant' : 'token extension';
    for (let attempt = 1; ; attempt++) {
      const requestId = randomUUID();
      const context: CallContext = { operation: OPERATION, requestId };
      let answer: HttpAnswer;
      try {
        this.options.log({
          level: 'info',
          message: `requesting a token (${what})`,
          operation: OPERATION,
          requestId,
          attempt,
        });
        answer = await this.options.send(query, requestId);
      } catch (error) {
        if (!(error instanceof TransportFailure)) throw error;
        const final = error.toError(context, !error.permanent);
        if (error.permanent || attempt >= this.options.attempts) throw final;
        await this.options.backoff(attempt);
        continue;
      }
      // A busy server (5xx, 429) has not judged the grant: ask again rather than latch a refusal.
      const busy = answer.status >= 500 || answer.status === 429;
      if (busy && attempt < this.options.attempts) {
        await this.options.backoff(attempt);
        continue;
      }
      if (answer.status >= 400 && !busy) {
        throw new GrantRefused(answer.status, errorMessageOf(answer.text), requestId);
      }
      if (answer.status !== 200) {
        throw new KicsApiError({
          ...context,
          status: answer.status,
          errorMessage: errorMessageOf(answer.text),
          retryable: true,
        });
      }
      return tokenAnswer(answer.text, context);
    }
  }
}

/** A 4xx from the token endpoint: the grant was refused, not lost. */
class GrantRefused extends Error {
  constructor(
    readonly status: number,
    readonly errorMessage: string | undefined,
    readonly requestId: string,
  ) {
    super(`token refused: HTTP ${status}`);
  }
}

/** The server's `errorMessage`, when the text is JSON that has one. */
export function errorMessageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const message = (parsed as Record<string, unknown>)['errorMessage'];
      if (typeof message === 'string') return message;
    }
  } catch {
    // Not JSON: nothing to quote.
  }
  return undefined;
}

function tokenAnswer(text: string, context: CallContext): TokenAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const { access_token, refresh_token, expires_in, token_type } = record;
  if (
    typeof access_token !== 'string' ||
    access_token === '' ||
    typeof refresh_token !== 'string' ||
    typeof expires_in !== 'number' ||
    !(expires_in > 0)
  ) {
    // Say which members are missing, never what the answer held.
    throw new KicsClientError(
      'UPSTREAM_ERROR',
      'The token endpoint answered without access_token, refresh_token or expires_in',
      context,
    );
  }
  return {
    access_token,
    refresh_token,
    expires_in,
    token_type: typeof token_type === 'string' ? token_type : 'bearer',
  };
}
