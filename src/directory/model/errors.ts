import { KconnectError } from '../../errors.ts';

/** An event's `time` is not an ISO 8601 instant the model can order by (the checker should have refused it). */
export class DirectoryTimeError extends KconnectError {
  override readonly name = 'DirectoryTimeError';

  constructor(
    readonly eventId: string,
    readonly time: string,
  ) {
    super(
      'INVALID_INPUT',
      `directory event ${JSON.stringify(eventId)}: time ${JSON.stringify(time)} is not an ISO 8601 instant`,
    );
  }
}

/** A query's argument cannot be used (an unknown cursor, a limit out of range, an empty identifier). */
export class DirectoryQueryError extends KconnectError {
  override readonly name = 'DirectoryQueryError';

  constructor(
    readonly argument: string,
    readonly reason: string,
  ) {
    super('INVALID_INPUT', `directory query: ${argument}: ${reason}`);
  }
}

/** `abandonReset` was asked for an instance that has no reset open. */
export class NoResetInProgressError extends KconnectError {
  override readonly name = 'NoResetInProgressError';

  constructor(
    readonly tenantId: string,
    readonly kscInstanceId: string,
  ) {
    super(
      'CONFLICT',
      `directory: no reset in progress for tenant ${tenantId}, KSC instance ${kscInstanceId}`,
    );
  }
}
