import { KconnectError } from '../../errors.ts';

/**
 * One stored generation of a pipeline's checkpoint that failed its checksum or could not be decoded. Reads report
 * it (never throw it) and fall back to the previous generation, so the caller can log it and show it in status.
 */
export class CheckpointCorruptError extends KconnectError {
  override readonly name = 'CheckpointCorruptError';

  constructor(
    readonly pipeline: string,
    readonly generation: number,
    /** What was wrong: `checksum mismatch`, `empty`, `not JSON`, `missing sourceCursor`, … */
    readonly reason: string,
  ) {
    super(
      'INTERNAL',
      `Checkpoint of pipeline ${pipeline}, generation ${generation}, is unreadable: ${reason}`,
    );
  }
}

/**
 * Generations exist for the pipeline but none is readable. kconnect never replaces a lost checkpoint by "start
 * again" or "jump to now" on its own: the user chooses with `kconnect intake reset`.
 */
export class CheckpointUnreadableError extends KconnectError {
  override readonly name = 'CheckpointUnreadableError';

  constructor(
    readonly pipeline: string,
    /** Every generation found, each with why it was refused. */
    readonly corrupt: readonly CheckpointCorruptError[],
  ) {
    super(
      'INTERNAL',
      `No readable checkpoint for pipeline ${pipeline} (generations ${corrupt.map((c) => c.generation).join(', ')} ` +
        `are damaged). Choose where to resume: kconnect intake reset ${pipeline} --to <start|end|time>`,
    );
  }
}

/**
 * Another writer committed the pipeline's checkpoint since this one read it (two workers on one pipeline, or a
 * reset while it ran). The commit is refused whole; the writer must read again, which it does by restarting.
 */
export class CheckpointConflictError extends KconnectError {
  override readonly name = 'CheckpointConflictError';

  constructor(
    readonly pipeline: string,
    /** The generation the writer built on. */
    readonly expected: number,
  ) {
    super(
      'CONFLICT',
      `Checkpoint of pipeline ${pipeline} moved past generation ${expected} under this writer: another worker or ` +
        `a reset committed it`,
    );
  }
}
