/**
 * The one error vocabulary of kconnect. Every surface (library, CLI, HTTP, MCP) projects these codes
 * through the single table below, so a failure means the same thing wherever it is seen.
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
