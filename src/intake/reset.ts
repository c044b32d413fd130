import type { PlainJson } from '../commands/core/types.ts';
import { FieldError } from '../errors.ts';
import type { CheckpointStore } from './checkpoints/store.ts';
import type { Checkpoint, Source } from './types.ts';

/** Where `kconnect intake reset NAME --to …` moves a pipeline's source: its oldest record, its head, or a time. */
export type ResetTarget = 'start' | 'end' | { readonly time: string };

/** A source that can say which cursor starts at a target: what a reset needs from it. */
export interface RewindableSource extends Source {
  cursorAt(to: ResetTarget, signal: AbortSignal): Promise<PlainJson>;
}

function isRewindable(source: Source): source is RewindableSource {
  return typeof (source as Partial<RewindableSource>).cursorAt === 'function';
}

/**
 * Moves a pipeline's source to `to` with a new checkpoint generation; the sink keeps what it holds and where it
 * is. Works also when no generation is readable (the way out of CheckpointUnreadableError).
 */
export async function resetPipeline(options: {
  readonly name: string;
  readonly source: Source;
  readonly checkpoints: Pick<CheckpointStore, 'reset'>;
  readonly to: ResetTarget;
  readonly signal?: AbortSignal;
}): Promise<Checkpoint> {
  if (!isRewindable(options.source))
    throw new FieldError('to', `source ${options.source.type} cannot be moved to a position (no cursorAt)`);
  const cursor = await options.source.cursorAt(options.to, options.signal ?? new AbortController().signal);
  return options.checkpoints.reset(options.name, cursor);
}
