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
