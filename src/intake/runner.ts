import type { PlainJson } from '../commands/core/types.ts';
import { KconnectError } from '../errors.ts';
import type { CheckpointContent, CheckpointRead } from './checkpoints/store.ts';
import type { DeadLetterEntry, DeadLetterWriter } from './dead-letter.ts';
import { abortableSleep } from '../abortable-sleep.ts';
import { fullJitterDelay, isRetryable, type BackoffOptions } from './retry.ts';
import {
  errorEntry,
  MAX_STATUS_ERRORS,
  type PipelineErrorEntry,
  type PipelineStage,
  type PipelineState,
  type PipelineStatus,
} from './status.ts';
import type {
  Checkpoint,
  Mapping,
  MappedDocument,
  Sink,
  SinkPosition,
  Source,
  SourceBatch,
} from './types.ts';

/** The part of the checkpoint store a runner uses ({@link CheckpointStore} is one). */
export interface PipelineCheckpoints {
  read(pipeline: string): Promise<CheckpointRead>;
  commit(pipeline: string, content: CheckpointContent, after: number): Promise<Checkpoint>;
}

/** Structured lines (a pino logger fits). */
export interface PipelineLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface RunPipelineOptions {
  /** The pipeline's name: in the status, logs and errors. */
  readonly name: string;
  readonly source: Source;
  readonly mapping: Mapping;
  readonly sink: Sink;
  readonly checkpoints: PipelineCheckpoints;
  /**
   * The sink's name within the pipeline (`sinks:`): in the status, logs and dead-letter entries. Default: none
   * (a pipeline with one `sink:`).
   */
  readonly sinkName?: string;
  /** The checkpoint's key. Default `name` (one `sink:`); `<pipeline>/<sink>` for each of several sinks. */
  readonly checkpointKey?: string;
  /**
   * Where documents the sink refuses for good go (R12). Without one, a refusal stops the pipeline with
   * {@link DeadLetterMissingError} rather than dropping the documents.
   */
  readonly deadLetter?: DeadLetterWriter;
  /** Records per read, and so per sink write and commit. Default 1000. */
  readonly batchSize?: number;
  /** The wait at the head before reading again. Default 5000. */
  readonly pollIntervalMs?: number;
  /** Stop once the source is at its head (after committing). */
  readonly once?: boolean;
  /** Stops the pipeline: the batch in hand is finished and committed first, within `shutdownDeadlineMs`. */
  readonly signal?: AbortSignal;
  /** How long a stop may take to finish the batch in hand before it is abandoned uncommitted. Default 10 s. */
  readonly shutdownDeadlineMs?: number;
  /** Retries of transient errors: full jitter; `maxAttempts` default unlimited, 5 with `once`. */
  readonly retry?: BackoffOptions & { readonly maxAttempts?: number };
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** The waits (poll interval, backoff); resolves early when the signal aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly logger?: PipelineLogger;
  /** After every commit and every change of state. */
  readonly onProgress?: (status: PipelineStatus) => void;
}

/** A pipeline stopped on an error it could not retry (or retried too often). */
export class PipelineFailedError extends KconnectError {
  override readonly name = 'PipelineFailedError';

  constructor(
    readonly pipeline: string,
    readonly stage: PipelineStage,
    readonly attempts: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const code = cause instanceof KconnectError ? cause.code : 'INTERNAL';
    super(
      code,
      `Pipeline ${pipeline} stopped at ${stage}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${reason}`,
      {
        cause,
      },
    );
  }
}

/** A sink refused documents for good and the run has nowhere to put them: never dropped silently. */
export class DeadLetterMissingError extends KconnectError {
  override readonly name = 'DeadLetterMissingError';

  constructor(
    readonly pipeline: string,
    readonly refused: number,
  ) {
    super(
      'INVALID_INPUT',
      `Pipeline ${pipeline}: the sink refused ${refused} document(s) and no dead-letter file is set`,
    );
  }
}

/** Thrown inside the runner when a stop was asked during a retry's wait: nothing is in hand to finish. */
class StopRequested extends Error {}

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_POLL_INTERVAL_MS = 5000;
const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

function sameJson(a: PlainJson | undefined, b: PlainJson | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Runs one pipeline: reads its checkpoint, opens the sink at the committed position (undoing anything written
 * after it), then reads, maps, writes and commits batch after batch. The checkpoint advances only after the sink
 * durably accepted the batch, and the sink undoes on open what a crash left uncommitted: together, exactly-once
 * at a sink that can undo (the file), at-least-once elsewhere.
 *
 * A committed source cursor of null means "from the configured start": the first commit, made before anything is
 * written, records where the sink starts, so a crash before the first real commit leaves nothing to duplicate.
 *
 * Resolves with the last status when stopped by the signal or (`once`) at the head.
 *
 * @throws {PipelineFailedError} on an error that is not transient, or a transient one past `retry.maxAttempts`.
 * @throws {CheckpointUnreadableError} when no generation of the checkpoint is readable (never a silent restart).
 */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineStatus> {
  const { name, source, mapping, sink, checkpoints, logger } = options;
  const key = options.checkpointKey ?? name;
  const sinkName = options.sinkName;
  const sinkField = sinkName === undefined ? {} : { sink: sinkName };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxAttempts = options.retry?.maxAttempts ?? (options.once === true ? 5 : Number.POSITIVE_INFINITY);
  const stop = options.signal ?? new AbortController().signal;
  // The signal the parts see: it aborts only when the shutdown deadline passes, so the batch in hand can finish.
  const work = new AbortController();
  let deadline: NodeJS.Timeout | undefined;
  const onStop = () => {
    setState('stopping');
    deadline = setTimeout(
      () => work.abort(stop.reason),
      options.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS,
    );
  };

  const errors: PipelineErrorEntry[] = [];
  let status: PipelineStatus = {
    pipeline: name,
    ...sinkField,
    state: 'starting',
    generation: 0,
    sourceCursor: null,
    sinkPosition: null,
    behind: undefined,
    lastBatch: undefined,
    totals: { records: 0, documents: 0, gaps: 0 },
    errors,
    startedAt: new Date(now()).toISOString(),
    retries: 0,
  };
  const publish = (changes: Partial<PipelineStatus>) => {
    status = { ...status, ...changes, errors: [...errors] };
    options.onProgress?.(status);
  };
  function setState(state: PipelineState): void {
    if (status.state !== state) publish({ state });
  }
  let retries = 0;
  /** While a step keeps failing: which, and since when (the outage the status shows, R11). */
  let blocked: { stage: PipelineStage; since: string } | undefined;
  const unblock = () => {
    if (blocked === undefined) return;
    blocked = undefined;
    publish({ blockedStage: undefined, blockedSince: undefined });
  };
  const noteError = (stage: PipelineStage, error: unknown, retryable: boolean) => {
    errors.push(errorEntry(now(), stage, error, retryable));
    if (errors.length > MAX_STATUS_ERRORS) errors.shift();
  };

  /** Runs one step, retrying transient errors with full-jitter backoff; `beforeRetry` restores a clean state. */
  async function step<T>(
    stage: PipelineStage,
    run: () => Promise<T>,
    beforeRetry?: () => Promise<void>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt > 1 && beforeRetry !== undefined) await beforeRetry();
        const result = await run();
        if (attempt > 1) unblock();
        return result;
      } catch (error) {
        if (work.signal.aborted) throw error;
        const retryable = isRetryable(error) && attempt < maxAttempts;
        noteError(stage, error, retryable);
        if (!retryable) throw new PipelineFailedError(name, stage, attempt, error);
        const delay = fullJitterDelay(attempt - 1, options.retry);
        logger?.warn(
          { pipeline: name, ...sinkField, stage, attempt, delayMs: delay, err: error },
          'intake: retrying',
        );
        const previous = status.state;
        retries++;
        blocked ??= { stage, since: new Date(now()).toISOString() };
        publish({ state: 'retrying', retries, blockedStage: blocked.stage, blockedSince: blocked.since });
        await sleep(delay, stop);
        if (stop.aborted) throw new StopRequested();
        setState(previous === 'retrying' ? 'backfill' : previous);
      }
    }
  }

  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  let failure: unknown;
  try {
    const read = await checkpoints.read(key);
    for (const corrupt of read.corrupt) {
      noteError('checkpoint-read', corrupt, false);
      logger?.warn(
        { pipeline: name, generation: corrupt.generation, reason: corrupt.reason },
        corrupt.message,
      );
    }
    let head = read.head;
    let committed = read.checkpoint;
    const committedPosition = committed?.sinkPosition ?? null;
    const reopen = () => sink.open(committedPosition ?? undefined, work.signal);
    await step('sink-open', reopen);
    let position: SinkPosition = committedPosition;
    const commit = async (content: CheckpointContent): Promise<Checkpoint> => {
      const checkpoint = await step('checkpoint-commit', () => checkpoints.commit(key, content, head));
      head = checkpoint.generation;
      return checkpoint;
    };
    if (committed === undefined) {
      position = (await step('sink-write', () => sink.write({ documents: [], keys: [] }, work.signal)))
        .position;
      committed = await commit({ sourceCursor: null, sinkPosition: position, totals: status.totals });
    }
    publish({
      generation: committed.generation,
      sourceCursor: committed.sourceCursor,
      sinkPosition: committed.sinkPosition,
      totals: committed.totals,
    });
    logger?.info({ pipeline: name, generation: committed.generation }, 'intake: started');
    let cursor = committed.sourceCursor;
    let totals = committed.totals;
    let lastCommitted = committed.sinkPosition;

    while (!stop.aborted) {
      const started = now();
      const batch: SourceBatch = await step('source', () =>
        source.next(cursor === null ? undefined : cursor, batchSize, work.signal),
      );
      const documents: MappedDocument[] = [];
      const keys: string[] = [];
      let gaps = 0;
      for (const record of batch.records) {
        if (record.kind === 'gap') {
          gaps++;
          logger?.warn({ pipeline: name, gap: record.data, key: record.key }, 'intake: gap in the source');
        }
        for (const document of mapping.map(record)) {
          documents.push(document);
          keys.push(record.key);
        }
      }
      let deadLettered = 0;
      if (documents.length > 0) {
        const committedAt = lastCommitted;
        const written = await step(
          'sink-write',
          () => sink.write({ documents, keys }, work.signal),
          // A failed write may have left part of the batch: undo it before writing again.
          () => sink.open(committedAt ?? undefined, work.signal),
        );
        position = written.position;
        const rejected = written.rejected ?? [];
        if (rejected.length > 0) {
          if (options.deadLetter === undefined) throw new DeadLetterMissingError(name, rejected.length);
          const at = new Date(now()).toISOString();
          const entries: DeadLetterEntry[] = rejected.map((r) => ({
            key: keys[r.index] ?? '',
            reason: r.reason,
            pipeline: name,
            sink: sinkName ?? sink.type,
            at,
            document: documents[r.index] ?? {},
          }));
          const deadLetter = options.deadLetter;
          // Synced before the commit that moves past them: each refused record is in the file or read again.
          await step('dead-letter', () => deadLetter.append(entries));
          deadLettered = entries.length;
          // The keys and reasons only: a document's content may be sensitive and belongs in the file.
          logger?.warn(
            {
              pipeline: name,
              ...sinkField,
              deadLettered,
              keys: entries.slice(0, 10).map((e) => e.key),
              reason: entries[0]!.reason,
              file: deadLetter.target,
            },
            'intake: documents refused by the sink, dead-lettered',
          );
        }
      }
      if (batch.records.length > 0 || !sameJson(batch.cursor, cursor)) {
        totals = {
          records: totals.records + batch.records.length,
          documents: totals.documents + documents.length,
          gaps: totals.gaps + gaps,
          ...(deadLettered + (totals.deadLettered ?? 0) > 0
            ? { deadLettered: deadLettered + (totals.deadLettered ?? 0) }
            : {}),
        };
        const checkpoint = await commit({ sourceCursor: batch.cursor, sinkPosition: position, totals });
        cursor = batch.cursor;
        lastCommitted = position;
        publish({
          generation: checkpoint.generation,
          sourceCursor: cursor,
          sinkPosition: position,
          totals,
          behind: batch.behind,
          lastBatch: {
            records: batch.records.length,
            documents: documents.length,
            gaps,
            durationMs: now() - started,
            at: new Date(checkpoint.committedAt).toISOString(),
          },
        });
      } else if (batch.behind !== undefined) {
        publish({ behind: batch.behind });
      }
      if (batch.atHead) {
        if (options.once === true) break;
        if (!stop.aborted) setState('following');
        await sleep(pollIntervalMs, stop);
      } else if (!stop.aborted) {
        setState('backfill');
      }
    }
  } catch (error) {
    // A stop whose deadline passed mid-batch, or that came during a retry's wait: the batch stays uncommitted,
    // and the next run reads it again from the committed cursor.
    if (error instanceof StopRequested || (stop.aborted && work.signal.aborted)) {
      logger?.warn({ pipeline: name }, 'intake: stopped before the batch in hand was committed');
    } else {
      failure = error;
    }
  } finally {
    stop.removeEventListener('abort', onStop);
    clearTimeout(deadline);
  }
  for (const [stage, close] of [
    ['source', () => source.close()],
    ['sink', () => sink.close()],
  ] as const) {
    try {
      await close();
    } catch (error) {
      noteError('close', error, false);
      logger?.warn({ pipeline: name, part: stage, err: error }, 'intake: closing failed');
    }
  }
  if (failure !== undefined) {
    publish({ state: 'failed' });
    logger?.error({ pipeline: name, err: failure }, 'intake: pipeline stopped on an error');
    throw failure;
  }
  publish({ state: 'stopped' });
  logger?.info({ pipeline: name, generation: status.generation }, 'intake: stopped');
  return status;
}
