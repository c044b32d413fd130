import { CallError, type CallContext, type ErrorCode } from '../../errors.ts';

// The transport, TLS, proxy, timeout, authentication and cancel errors are every vendor client's (src/errors.ts);
// they are re-exported so that `kconnect/kics` users need one import.
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

/** The error code of a KICS error answer, by HTTP status. */
function codeOfStatus(status: number): ErrorCode {
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'INVALID_INPUT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'ACCESS_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'UPSTREAM_UNAVAILABLE';
  return 'UPSTREAM_ERROR';
}

export interface KicsApiErrorDetails extends CallContext {
  readonly status: number;
  /** The server's `errorMessage`, when its answer had one. */
  readonly errorMessage?: string | undefined;
  /** The problems of a device edit or creation (`{"status": "Error", "errors": [...]}`), one text each. */
  readonly errors?: readonly string[] | undefined;
  readonly retryable?: boolean;
}

/**
 * KICS for Networks answered a call with an error status: the operation, the HTTP status and the server's own
 * words (`errorMessage`, or the `errors` of a device edit). Code by status: 400 `INVALID_INPUT`, 403
 * `ACCESS_DENIED` (the user's role does not allow the operation), 404 `NOT_FOUND`, 409 `CONFLICT`, 5xx upstream.
 */
export class KicsApiError extends CallError {
  override readonly name: string = 'KicsApiError';
  readonly status: number;
  readonly errorMessage: string | undefined;
  readonly errors: readonly string[];

  constructor(details: KicsApiErrorDetails) {
    const said = details.errorMessage ?? (details.errors ?? []).join('; ');
    super(
      codeOfStatus(details.status),
      `${details.operation ?? 'KICS call'} failed: HTTP ${details.status}${said === '' ? '' : ` — ${said}`}`,
      { operation: details.operation, requestId: details.requestId, retryable: details.retryable ?? false },
    );
    this.status = details.status;
    this.errorMessage = details.errorMessage;
    this.errors = details.errors ?? [];
  }
}

/** An error of the KICS client itself: a closed client, an answer it cannot use, an operation it refuses. */
export class KicsClientError extends CallError {
  override readonly name: string = 'KicsClientError';
  constructor(
    code: ErrorCode,
    message: string,
    context: CallContext & { readonly retryable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(code, message, context);
  }
}
