import type { MiddlewareHandler } from 'hono';
import { currentRequestId, REQUEST_ID_HEADER, requestIdFrom, withRequestId } from '../../logging.ts';

/** One log record of an emulator. It never carries a password, a token, a session id or a body. */
export interface EmulatorLogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly requestId?: string;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly durationMs?: number;
  readonly error?: string;
}

export type EmulatorLogger = (record: EmulatorLogRecord) => void;

/**
 * Gives every request an id (the caller's `X-Request-Id`, else the KSC client's `X-KSC-RequestId`, else a new
 * one), answers it in `X-Request-Id`, runs the request under it so every line logged meanwhile carries it, and
 * logs one line per request: at debug, at error for a 5xx. The path only: a query string is the caller's.
 */
export function requestLogging(log: EmulatorLogger, vendorHeader?: string): MiddlewareHandler {
  return async (c, next) => {
    const requestId = requestIdFrom(
      c.req.header(REQUEST_ID_HEADER),
      vendorHeader === undefined ? undefined : c.req.header(vendorHeader),
    );
    const started = performance.now();
    await withRequestId(requestId, next);
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    log({
      level: c.res.status >= 500 ? 'error' : 'debug',
      message: 'request',
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
    });
  };
}

/**
 * Logs an error no handler expected, with the request's id, so the line in the log matches the 500 a client got;
 * the answer itself says no more than that something failed.
 */
export function logUnhandledError(log: EmulatorLogger, path: string, error: unknown): void {
  const requestId = currentRequestId();
  log({
    level: 'error',
    message: 'unhandled error',
    ...(requestId === undefined ? {} : { requestId }),
    path,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
