import { KconnectError } from '../../../errors.ts';

/**
 * The PostgreSQL sink could not write or prepare its table. Connection failures, serialization failures and
 * deadlocks are transient (`retryable`: the runner retries the batch, which the upsert makes harmless); anything
 * else (a missing privilege, a table of another shape) stops the pipeline. The message never holds the URL.
 */
export class PostgresSinkError extends KconnectError {
  override readonly name = 'PostgresSinkError';

  constructor(
    readonly table: string,
    readonly operation: 'connect' | 'create-table' | 'write',
    /** PostgreSQL's SQLSTATE or Node's error code, when there is one. */
    readonly sqlState: string | undefined,
    reason: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      retryable ? 'UPSTREAM_UNAVAILABLE' : 'INVALID_INPUT',
      `PostgreSQL sink ${table}: ${operation} failed${sqlState === undefined ? '' : ` (${sqlState})`}: ${reason}`,
      options,
    );
  }
}

/** SQLSTATE classes and Node codes that say trying again may succeed. */
export function isTransientPostgresError(code: string | undefined): boolean {
  if (code === undefined) return true;
  return (
    code.startsWith('08') || // connection exception
    code === '40001' || // serialization failure
    code === '40P01' || // deadlock
    code === '57P01' || // admin shutdown
    code === '57P02' ||
    code === '57P03' || // cannot connect now (starting up)
    code === '53300' || // too many connections
    /^E[A-Z]+$/.test(code) // ECONNREFUSED, ECONNRESET, ETIMEDOUT, …
  );
}
