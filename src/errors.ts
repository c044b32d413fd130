/**
 * The one error vocabulary of kconnect. Every surface (library, CLI, HTTP, MCP) projects these codes
 * through the single table below, so a failure means the same thing wherever it is seen. The classes below the
 * table are the failures every vendor client shares (a bad setting, transport, TLS, proxy, timeout,
 * authentication, cancel); a vendor adds only what is its own (KSC: an expired session, `PxgError` answers).
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNAUTHENTICATED'
  | 'ACCESS_DENIED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_UNAVAILABLE'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'INTERNAL';

export interface ErrorCodeProjection {
  /** HTTP-style status, also used in the command output contract's `errors[].statusCode`. */
  readonly httpStatus: number;
  /** Process exit code of the CLI. */
  readonly exitCode: number;
}

export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeProjection>> = Object.freeze({
  INVALID_INPUT: { httpStatus: 400, exitCode: 2 },
  UNAUTHENTICATED: { httpStatus: 401, exitCode: 3 },
  ACCESS_DENIED: { httpStatus: 403, exitCode: 4 },
  NOT_FOUND: { httpStatus: 404, exitCode: 5 },
  CONFLICT: { httpStatus: 409, exitCode: 6 },
  RATE_LIMITED: { httpStatus: 429, exitCode: 7 },
  UPSTREAM_ERROR: { httpStatus: 502, exitCode: 8 },
  UPSTREAM_UNAVAILABLE: { httpStatus: 503, exitCode: 8 },
  TIMEOUT: { httpStatus: 504, exitCode: 9 },
  // The caller gave up (Ctrl-C, an MCP cancel, a service shutting down): not KSC's failure, so not a 5xx. 499
  // is the status nginx and gRPC's HTTP mapping give a cancelled request; 130 is what a shell reports for Ctrl-C.
  CANCELLED: { httpStatus: 499, exitCode: 130 },
  INTERNAL: { httpStatus: 500, exitCode: 1 },
});

export interface KconnectErrorOptions {
  readonly cause?: unknown;
}

/** Base class of every error kconnect throws on purpose. Callers switch on `code`, never on `message`. */
export class KconnectError extends Error {
  override readonly name: string = 'KconnectError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: KconnectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }
}

/**
 * A value that cannot be used, naming where it was given: an option of a client (`url`, `tls.pins`), a setting
 * of the configuration (`connections.lab.url`), a variable (`HTTPS_PROXY`) or a flag (`--pin`). `index` is the
 * item of a list field (`tls.pins[1]`). Code `INVALID_INPUT`; the message is `field[index]: reason`, nothing else.
 */
export class FieldError extends KconnectError {
  override readonly name: string = 'FieldError';
  readonly field: string;
  readonly reason: string;
  readonly index: number | undefined;

  constructor(field: string, reason: string, options: { readonly index?: number } = {}) {
    super('INVALID_INPUT', `${field}${options.index === undefined ? '' : `[${options.index}]`}: ${reason}`);
    this.field = field;
    this.reason = reason;
    this.index = options.index;
  }
}

/** Where a call to a vendor's server failed: the operation and its request id. Never a credential or a session. */
export interface CallContext {
  /** The KSC method (`HostGroup.FindHosts`), the KICS operation, or the client's own step (`login`). */
  readonly operation?: string | undefined;
  readonly requestId?: string | undefined;
}

type CallErrorContext = CallContext & { readonly retryable?: boolean; readonly cause?: unknown };

/**
 * A call to a vendor's server that failed without an error answer of the vendor's own: the connection, TLS, a
 * proxy, a timeout, the credentials, a cancel, or an answer the client cannot use. Every vendor client throws
 * these (and its own subclasses), so retry logic and surfaces need not know the vendor.
 */
export class CallError extends KconnectError {
  override readonly name: string = 'CallError';
  readonly operation: string | undefined;
  readonly requestId: string | undefined;
  /** Whether repeating the same call may succeed (a reset connection, a timeout, a 503). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, context: CallErrorContext = {}) {
    super(code, message, { cause: context.cause });
    this.operation = context.operation;
    this.requestId = context.requestId;
    this.retryable = context.retryable ?? false;
  }

  /**
   * The KSC method of the call: the name these errors' field had while they were the KSC client's own.
   *
   * @deprecated Use {@link operation}.
   */
  get method(): string | undefined {
    return this.operation;
  }
}

/** The server refused the credentials (HTTP 401), or the account is locked. The client stops trying. */
export class AuthenticationError extends CallError {
  override readonly name: string = 'AuthenticationError';
  constructor(message: string, context: CallContext & { readonly cause?: unknown } = {}) {
    super('UNAUTHENTICATED', message, { ...context, retryable: false });
  }
}

/** The connection failed: refused, reset, or closed before a whole answer arrived. */
export class ConnectionError extends CallError {
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
export class TimeoutError extends CallError {
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
 * message says when a change had been sent, since the server may then have carried it out.
 */
export class CancelledError extends CallError {
  override readonly name: string = 'CancelledError';
  constructor(message: string, context: CallContext & { readonly cause?: unknown }) {
    super('CANCELLED', message, { ...context, retryable: false });
  }
}

/**
 * The client's circuit to a server is open: recent exchanges failed one after another, so calls fail at once
 * instead of waiting for a server that does not answer. `connection` names the server (the configuration's
 * connection name, or the origin); `retryAt` is when the circuit lets one probe call through. Retryable: a caller
 * with a loop of its own (the intake) tries again after `retryAt`.
 */
export class CircuitOpenError extends CallError {
  override readonly name: string = 'CircuitOpenError';
  readonly connection: string;
  readonly retryAt: Date;
  constructor(connection: string, retryAt: Date, context: CallContext = {}) {
    super(
      'UPSTREAM_UNAVAILABLE',
      `The circuit to ${connection} is open after repeated connection failures; the next try is at ${retryAt.toISOString()}`,
      { ...context, retryable: true },
    );
    this.connection = connection;
    this.retryAt = retryAt;
  }
}
