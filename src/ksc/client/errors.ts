import { CallError, type CallContext, type ErrorCode } from '../../errors.ts';
import { KscError, type KscErrorContext, type PxgErrorInfo } from '../pxg-error.ts';

// The transport, TLS, proxy, timeout, authentication and cancel errors are every vendor client's: they live in
// src/errors.ts and keep their names here, so `kconnect/ksc` users and `instanceof` checks see no change.
export {
  AuthenticationError,
  CallError,
  CancelledError,
  ConnectionError,
  ProxyError,
  TimeoutError,
  TlsError,
  type CallContext,
} from '../../errors.ts';

/**
 * An error of the KSC client itself (no `PxgError` from KSC): a closed client, a method it refuses, an answer
 * it cannot use, a session that cannot be renewed.
 */
export class KscClientError extends CallError {
  override readonly name: string = 'KscClientError';

  constructor(
    code: ErrorCode,
    message: string,
    context: CallContext & { readonly retryable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(code, message, context);
  }

  /**
   * `error instanceof KscClientError` held for the transport errors too while they were the KSC client's own;
   * it still does, for every {@link CallError}, so existing `catch` blocks keep catching them. Subclasses check
   * as usual.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === KscClientError) return value instanceof CallError;
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** The session ended or expired (HTTP 403): the client logs in again once and repeats the call. */
export class SessionExpiredError extends KscClientError {
  override readonly name: string = 'SessionExpiredError';
  constructor(context: CallContext = {}) {
    super('UNAUTHENTICATED', 'The KSC session is not valid or has expired', { ...context, retryable: true });
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
