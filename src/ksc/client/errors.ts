import { KconnectError, type ErrorCode } from '../../errors.ts';
import { KscError, type KscErrorContext, type PxgErrorInfo } from '../pxg-error.ts';

/** Where a client error happened: the call and its request id. Never a credential or a session id. */
export interface CallContext {
  readonly method?: string | undefined;
  readonly requestId?: string | undefined;
}

/** An error of the client itself (no `PxgError` from KSC): transport, authentication, session. */
export class KscClientError extends KconnectError {
  override readonly name: string = 'KscClientError';
  readonly method: string | undefined;
  readonly requestId: string | undefined;
  /** Whether repeating the same call may succeed (a reset connection, a timeout, a 503). */
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    context: CallContext & { readonly retryable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(code, message, { cause: context.cause });
    this.method = context.method;
    this.requestId = context.requestId;
    this.retryable = context.retryable ?? false;
  }
}

/** The server refused the credentials (HTTP 401), or the account is locked. The client stops trying. */
export class AuthenticationError extends KscClientError {
  override readonly name: string = 'AuthenticationError';
  constructor(message: string, context: CallContext & { readonly cause?: unknown } = {}) {
    super('UNAUTHENTICATED', message, { ...context, retryable: false });
  }
}

/** The session ended or expired (HTTP 403): the client logs in again once and repeats the call. */
export class SessionExpiredError extends KscClientError {
  override readonly name: string = 'SessionExpiredError';
  constructor(context: CallContext = {}) {
    super('UNAUTHENTICATED', 'The KSC session is not valid or has expired', { ...context, retryable: true });
  }
}

/** The connection failed: refused, reset, or closed before a whole answer arrived. */
export class ConnectionError extends KscClientError {
  override readonly name: string = 'ConnectionError';
  constructor(
    message: string,
    context: CallContext & { readonly retryable: boolean; readonly cause?: unknown },
  ) {
    super('UPSTREAM_UNAVAILABLE', message, context);
  }
}

/** The server's certificate was refused: untrusted, expired, for another name, or not one of the pins. */
export class TlsError extends ConnectionError {
  override readonly name: string = 'TlsError';
  constructor(message: string, context: CallContext & { readonly cause?: unknown }) {
    super(message, { ...context, retryable: false });
  }
}

/** The HTTP proxy did not open the tunnel. `proxyStatus` is its HTTP status when it answered. */
export class ProxyError extends ConnectionError {
  override readonly name: string = 'ProxyError';
  readonly proxyStatus: number | undefined;
  constructor(
    message: string,
    context: CallContext & {
      readonly retryable: boolean;
      readonly proxyStatus: number | undefined;
      readonly cause?: unknown;
    },
  ) {
    super(message, context);
    this.proxyStatus = context.proxyStatus;
  }
}

/** No answer within the configured time. */
export class TimeoutError extends KscClientError {
  override readonly name: string = 'TimeoutError';
  constructor(
    message: string,
    context: CallContext & { readonly retryable: boolean; readonly cause?: unknown },
  ) {
    super('TIMEOUT', message, context);
  }
}

/**
 * The caller's abort signal stopped the call (Ctrl-C, an MCP cancel, a shutdown). It is never repeated; the
 * message says when a change had been sent, since KSC may then have carried it out.
 */
export class CancelledError extends KscClientError {
  override readonly name: string = 'CancelledError';
  constructor(message: string, context: CallContext & { readonly cause?: unknown }) {
    super('CANCELLED', message, { ...context, retryable: false });
  }
}

/** KSC's 1184 `Access denied`: the account lacks a right the method needs. */
export class AccessDeniedError extends KscError {
  override readonly name: string = 'AccessDeniedError';
}

/** KSC's "not found" family (1186 and friends): an unknown host, task, iterator or list item. */
export class NotFoundError extends KscError {
  override readonly name: string = 'NotFoundError';
}

/** The typed error for a `PxgError` answer. */
export function errorFromPxg(pxg: PxgErrorInfo, context: KscErrorContext): KscError {
  const generic = new KscError(pxg, context);
  if (pxg.code === 1184) return new AccessDeniedError(pxg, context);
  if (generic.code === 'NOT_FOUND') return new NotFoundError(pxg, context);
  return generic;
}
