/**
 * What can go wrong between the intake and a NATS JetStream server, for the `nats` sink and the `nats` source.
 * Transient failures (the server down or restarting, an ack that did not come in time) are `retryable`: the
 * runner backs off and tries again, and JetStream's de-duplication makes a repeated publish harmless.
 */
import { KconnectError, type ErrorCode } from '../../errors.ts';

/** The server could not be reached or refused the credentials. Never carries the credentials themselves. */
export class NatsConnectError extends KconnectError {
  override readonly name = 'NatsConnectError';
  readonly retryable: boolean;

  constructor(
    /** The server as configured, without credentials. */
    readonly server: string,
    readonly reason: string,
    options: { readonly retryable: boolean; readonly authentication?: boolean; readonly cause?: unknown },
  ) {
    super(
      options.authentication === true ? 'UNAUTHENTICATED' : 'UPSTREAM_UNAVAILABLE',
      `NATS ${server}: ${reason}`,
      { cause: options.cause },
    );
    this.retryable = options.retryable;
  }
}

/** A JetStream call (publish, stream or consumer request) failed; `operation` says which. */
export class NatsOperationError extends KconnectError {
  override readonly name = 'NatsOperationError';
  readonly retryable: boolean;

  constructor(
    readonly stream: string,
    readonly operation: string,
    readonly reason: string,
    options: { readonly retryable: boolean; readonly code?: ErrorCode; readonly cause?: unknown },
  ) {
    super(options.code ?? 'UPSTREAM_UNAVAILABLE', `NATS stream ${stream}: ${operation} failed: ${reason}`, {
      cause: options.cause,
    });
    this.retryable = options.retryable;
  }
}

/**
 * The stream is missing (and `createStream: false`), or does not take the subjects the sink publishes to: every
 * publish would fail, so the pipeline stops with what to change.
 */
export class NatsStreamSetupError extends KconnectError {
  override readonly name = 'NatsStreamSetupError';

  constructor(
    readonly stream: string,
    readonly subjects: readonly string[],
    readonly reason: string,
  ) {
    super('CONFLICT', `NATS stream ${stream}: ${reason}`);
  }
}
