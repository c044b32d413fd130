import { KconnectError } from '../../../errors.ts';

/**
 * The syslog receiver could not be reached or dropped the connection while a batch was being handed over: the
 * batch is not known to have left, so the runner retries it (with backoff) on a new connection. Syslog has no
 * acknowledgement, so a retried batch may arrive twice (at-least-once).
 */
export class SyslogSendError extends KconnectError {
  override readonly name = 'SyslogSendError';
  readonly retryable = true;

  constructor(
    /** `tcp://host:port` and so on: never holds a secret (syslog URLs have no credentials). */
    readonly target: string,
    /** connect, write or the socket's own error code (`ECONNREFUSED`, `EPIPE`, `ERR_TLS_CERT_…`). */
    readonly stage: 'connect' | 'write',
    readonly reason: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super('UPSTREAM_UNAVAILABLE', `Syslog sink ${target}: ${stage} failed: ${reason}`, options);
  }
}

/**
 * The TLS handshake with the syslog receiver failed on trust: its certificate does not chain to `caFile`, does not
 * name `serverName`, has expired, or the receiver refused the client certificate. Trying again would fail the same
 * way, so the pipeline stops (as kconnect's other TLS failures do) with the reason the TLS stack gave.
 */
export class SyslogTlsError extends KconnectError {
  override readonly name = 'SyslogTlsError';
  readonly retryable = false;

  constructor(
    readonly target: string,
    /** The TLS stack's code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`, …). */
    readonly reason: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super('UPSTREAM_ERROR', `Syslog sink ${target}: TLS handshake failed: ${reason}`, options);
  }
}
