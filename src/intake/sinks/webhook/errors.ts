import { KconnectError, type ErrorCode } from '../../../errors.ts';

/**
 * The receiver did not take a request within `maxAttempts` (408, 429, 5xx, or the connection failed). Retryable:
 * the runner keeps backing off, and the source stops polling meanwhile (R11). `retryAfterMs` is what the
 * receiver last asked for in `Retry-After`, when it did.
 */
export class WebhookUnavailableError extends KconnectError {
  override readonly name = 'WebhookUnavailableError';
  readonly retryable = true;

  constructor(
    readonly origin: string,
    readonly attempts: number,
    /** The last failure in words: `HTTP 503`, `connection failed (ECONNRESET)`. */
    readonly last: string,
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(
      status === 429 ? 'RATE_LIMITED' : 'UPSTREAM_UNAVAILABLE',
      `Webhook ${origin}: not accepted after ${attempts} attempt${attempts === 1 ? '' : 's'} (last: ${last})`,
    );
  }
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 401 || status === 407) return 'UNAUTHENTICATED';
  if (status === 403) return 'ACCESS_DENIED';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  return 'UPSTREAM_ERROR';
}

/**
 * The receiver refused the endpoint itself, not a document: credentials (401, 403, 407), the URL (404, 405, 410)
 * or the format (415). Every document would meet the same answer, so the pipeline stops instead of sending the
 * whole stream to the dead-letter file. `excerpt` is the start of the receiver's answer, secrets masked.
 */
export class WebhookRefusedError extends KconnectError {
  override readonly name = 'WebhookRefusedError';
  readonly retryable = false;

  constructor(
    readonly origin: string,
    readonly status: number,
    readonly excerpt: string,
  ) {
    super(
      codeOfStatus(status),
      `Webhook ${origin}: the receiver refused the endpoint (HTTP ${status})${excerpt === '' ? '' : `: ${excerpt}`}`,
    );
  }
}

/**
 * The receiver answered a redirect. Redirects are never followed (decision 0050): a receiver that moved is a
 * configuration change, and following would let a DNS name or a compromised receiver point kconnect at an address
 * the SSRF guard exists to refuse. `locationHost` is the host the redirect named (never its path or query).
 */
export class WebhookRedirectError extends KconnectError {
  override readonly name = 'WebhookRedirectError';
  readonly retryable = false;

  constructor(
    readonly origin: string,
    readonly status: number,
    readonly locationHost: string | undefined,
  ) {
    super(
      'UPSTREAM_ERROR',
      `Webhook ${origin}: HTTP ${status} redirect to ${locationHost ?? 'an unnamed location'} not followed; ` +
        'set the sink url to the receiver’s final address',
    );
  }
}
