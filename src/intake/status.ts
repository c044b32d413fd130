import type { PlainJson } from '../commands/core/types.ts';
import type { Checkpoint, SinkPosition, SourceBatch } from './types.ts';

/** What a pipeline is doing: reading history faster than it arrives, keeping up at the head, or neither. */
export type PipelineState =
  'starting' | 'backfill' | 'following' | 'retrying' | 'stopping' | 'stopped' | 'failed';

/** The step of a pipeline an error came from. */
export type PipelineStage =
  'checkpoint-read' | 'sink-open' | 'source' | 'sink-write' | 'dead-letter' | 'checkpoint-commit' | 'close';

export interface PipelineErrorEntry {
  /** ISO 8601. */
  readonly at: string;
  readonly stage: PipelineStage;
  readonly message: string;
  /** The error's class (`CallError`, `CheckpointCorruptError`, …) and kconnect code when it has them. */
  readonly name: string;
  readonly code: string | undefined;
  /** Whether the runner retried it (transient) or it stopped the pipeline. */
  readonly retryable: boolean;
}

export interface PipelineBatchSummary {
  readonly records: number;
  readonly documents: number;
  readonly gaps: number;
  readonly durationMs: number;
  /** When it was committed, ISO 8601. */
  readonly at: string;
}

/** A pipeline's status for `kconnect intake status`, the service's API and the console. Plain JSON throughout. */
export interface PipelineStatus {
  readonly pipeline: string;
  /** The sink's name when the pipeline has several (`sinks:`): this status is that sink's run. */
  readonly sink?: string;
  readonly state: PipelineState;
  /** The committed checkpoint: its generation, where the source resumes and where the sink got to. */
  readonly generation: number;
  readonly sourceCursor: PlainJson;
  readonly sinkPosition: SinkPosition;
  /** How far behind the head the last batch was, when the source knows (the lag). */
  readonly behind: SourceBatch['behind'] | undefined;
  readonly lastBatch: PipelineBatchSummary | undefined;
  /** Since the pipeline started from scratch; `gaps` counts the gaps reported in the stream (R15). */
  readonly totals: Checkpoint['totals'];
  /** The most recent errors, oldest first (at most {@link MAX_STATUS_ERRORS}). */
  readonly errors: readonly PipelineErrorEntry[];
  /** When this run started, ISO 8601. */
  readonly startedAt: string;
  /** Transient failures retried in this run (a sink down, the source unreachable). */
  readonly retries?: number;
  /**
   * While a step keeps failing and is retried (state `retrying`): the step and since when, ISO 8601 (R11: the
   * source is not read meanwhile). Cleared when it succeeds.
   */
  readonly blockedStage?: PipelineStage | undefined;
  readonly blockedSince?: string | undefined;
}

export const MAX_STATUS_ERRORS = 20;

export function errorEntry(
  at: number,
  stage: PipelineStage,
  error: unknown,
  retryable: boolean,
): PipelineErrorEntry {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (error as { code?: unknown }).code;
  return {
    at: new Date(at).toISOString(),
    stage,
    message: e.message,
    name: e.name,
    code: typeof code === 'string' ? code : undefined,
    retryable,
  };
}
