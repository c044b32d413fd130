import { KconnectError } from '../../errors.ts';
import type { SourceType } from '../types.ts';

/**
 * A cursor the source cannot read (another source's, a newer format, a damaged one). Reported, never replaced by
 * "start again" or "jump to now": that choice belongs to an operator (`kconnect intake reset`).
 */
export class SourceCursorError extends KconnectError {
  override readonly name = 'SourceCursorError';

  constructor(
    readonly source: SourceType,
    readonly reason: string,
  ) {
    super('INVALID_INPUT', `${source}: the checkpoint's cursor cannot be read: ${reason}`);
  }
}

/** A source was asked for with a client of the wrong vendor, or without the client or store it needs. */
export class SourceSetupError extends KconnectError {
  override readonly name = 'SourceSetupError';

  constructor(
    readonly source: SourceType,
    readonly reason: string,
  ) {
    super('INVALID_INPUT', `${source}: ${reason}`);
  }
}
