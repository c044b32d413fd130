import { KconnectError } from '../../errors.ts';

/**
 * A checkpoint commit carried a fencing token that is no longer the pipeline's: another worker took the lease
 * (this one paused or lost its database past the lease's expiry). The commit is refused in the same transaction
 * that would have written it; the worker must stop the pipeline and compete for the lease again.
 */
export class LeaseLostError extends KconnectError {
  override readonly name = 'LeaseLostError';

  constructor(
    readonly pipeline: string,
    /** The token this worker holds. */
    readonly token: number,
    /** Who holds the lease now, and with which token; undefined when the pipeline has no lease row. */
    readonly currentOwner: string | undefined,
    readonly currentToken: number | undefined,
  ) {
    super(
      'CONFLICT',
      `Pipeline ${pipeline}: lease lost (token ${token}); ` +
        (currentOwner === undefined
          ? 'the pipeline has no lease'
          : `now owned by ${currentOwner} with token ${currentToken}`),
    );
  }
}

/** `kconnect intake run --once` found a pipeline's lease held by another live worker. */
export class LeaseHeldError extends KconnectError {
  override readonly name = 'LeaseHeldError';

  constructor(
    readonly pipeline: string,
    readonly owner: string,
    /** Milliseconds since the epoch. */
    readonly expiresAt: number,
  ) {
    super(
      'CONFLICT',
      `Pipeline ${pipeline} is running on worker ${owner} (lease until ${new Date(expiresAt).toISOString()}); ` +
        `stop that worker or wait for its lease to expire`,
    );
  }
}
