/**
 * Keeps configured pipelines running in a long-lived process (the HTTP service, the demo): each runs with
 * {@link runPipeline} until stopped, a failed one is restarted after a full-jitter backoff with its error kept,
 * and its live status and a bounded history of samples (for a chart of lag and throughput) are at hand.
 */
import type { PlainJson } from '../commands/core/types.ts';
import { KconnectError } from '../errors.ts';
import { sinkDefinitionsOf, type PipelineDefinition, type PipelineSinkDefinition } from './pipeline.ts';
import { abortableSleep } from '../abortable-sleep.ts';
import { fullJitterDelay, type BackoffOptions } from './retry.ts';
import { runPipelineParts } from './run-sinks.ts';
import {
  PipelineFailedError,
  type PipelineCheckpoints,
  type PipelineLogger,
  type RunPipelineOptions,
} from './runner.ts';
import { errorEntry, MAX_STATUS_ERRORS, type PipelineErrorEntry, type PipelineStatus } from './status.ts';
import type { GapRecord, Source, SourceBatch } from './types.ts';
import { CheckpointStore, type CheckpointFence } from './checkpoints/store.ts';
import { DEFAULT_LEASE_TTL_MS, isLeaseLost, runWithLeases } from './leases/coordinator.ts';
import { guardPipelineSinks, leaseWriteMargin, type HeldLease } from './leases/guard.ts';
import { newWorkerId, type LeaseStore } from './leases/store.ts';

/** One point of a pipeline's history: its totals and lag at a time. */
export interface PipelineSample {
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** Totals since the pipeline started from scratch (the chart's throughput is the difference between samples). */
  readonly records: number;
  readonly documents: number;
  readonly gaps: number;
  /** Seconds between the newest record read and its commit; 0 at the head; null when not known yet. */
  readonly lagSeconds: number | null;
}

/** A pipeline's live status as the supervisor keeps it: the runner's, plus what it is and how its runs went. */
export interface SupervisedPipelineStatus extends PipelineStatus {
  readonly sourceType: PipelineDefinition['sourceType'];
  readonly mappingName: PipelineDefinition['mappingName'];
  readonly sinkType: string;
  readonly sinkTarget: string;
  /** The source's connection, when it has one. */
  readonly connection: string | undefined;
  /** Seconds between the newest record read and its commit (or what the source says); 0 at the head. */
  readonly lagSeconds: number | null;
  /** How often the pipeline was restarted after a failure since the supervisor started. */
  readonly restarts: number;
  /** Why the last run failed, kept after a restart until the supervisor stops. */
  readonly lastFailure: PipelineErrorEntry | undefined;
  /** While waiting to restart after a failure: when, ISO 8601. */
  readonly restartAt: string | undefined;
  /** The most recent gaps the source reported (R15), oldest first (at most {@link MAX_RECENT_GAPS}). */
  readonly recentGaps: readonly RecentGap[];
  /**
   * A pipeline with several sinks (`sinks:`): each sink's run, with its own checkpoint, position, lag and outage;
   * the pipeline's own fields are those of the sink that reported last. Absent with one `sink:`.
   */
  readonly sinks?: readonly PipelineStatus[];
  /** Every sink of the pipeline as configured: name, checkpoint key, type, target. */
  readonly sinkDefinitions: readonly PipelineSinkDefinition[];
  /** With leases: this worker's lease on the pipeline while it holds it (undefined: another worker runs it). */
  readonly lease?: { readonly owner: string; readonly token: number; readonly expiresAt: string } | undefined;
}

/** A gap as the status shows it: where it starts, when it was detected, and what the source knows of it. */
export interface RecentGap {
  readonly key: string;
  readonly time: string;
  readonly data: GapRecord['data'];
}

export const MAX_RECENT_GAPS = 20;

/** Checkpoints that can fence a commit with a lease's token ({@link CheckpointStore}); others ignore the fence. */
export interface FenceableCheckpoints extends PipelineCheckpoints {
  commit(
    ...args: [...Parameters<PipelineCheckpoints['commit']>, fence?: CheckpointFence]
  ): ReturnType<PipelineCheckpoints['commit']>;
}

/** How the supervisor competes for its pipelines with other workers (decisions/0047). */
export interface SupervisorLeases {
  readonly store: LeaseStore;
  /** Default: host, pid and a random part. */
  readonly worker?: string;
  /** Default 10 s. */
  readonly ttlMs?: number;
  /** Default ttl/3. */
  readonly renewEveryMs?: number;
}

export interface SupervisorOptions {
  readonly checkpoints: FenceableCheckpoints;
  /**
   * Run each pipeline only while holding its lease, committing with its fencing token. Default: on when
   * `checkpoints` is a {@link CheckpointStore} (the leases live in its database); false runs every pipeline here.
   */
  readonly leases?: SupervisorLeases | false;
  readonly logger?: PipelineLogger;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** The waits (restart backoff, and the runner's poll interval and retries). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Backoff between restarts of a failed pipeline: full jitter from 1 s, capped at 60 s by default. */
  readonly restart?: BackoffOptions;
  /** Retries of transient errors inside a run (the runner's `retry`). */
  readonly retry?: RunPipelineOptions['retry'];
  /** How long a stop may take to finish each pipeline's batch in hand. Default 10 s. */
  readonly shutdownDeadlineMs?: number;
  /** Samples kept per pipeline, at most one a `sampleResolutionMs`. Default 3600 (an hour at one a second). */
  readonly historyLimit?: number;
  /** Samples closer than this replace each other. Default 1000. */
  readonly sampleResolutionMs?: number;
}

export interface Supervisor {
  /** Starts every pipeline (once; later calls do nothing). */
  start(): void;
  /**
   * Stops every pipeline: each finishes and commits the batch in hand, then closes its parts. Resolves when all
   * have stopped, or after `deadlineMs` (default: the shutdown deadline plus a second) with the rest abandoned
   * uncommitted (the next start reads their batch again). Idempotent.
   */
  stop(deadlineMs?: number): Promise<void>;
  /** Every pipeline's live status, in the order of the definitions. */
  status(): SupervisedPipelineStatus[];
  /** A pipeline's samples, oldest first; undefined for a name the supervisor does not run. */
  history(name: string): readonly PipelineSample[] | undefined;
}

const DEFAULT_RESTART: BackoffOptions = { baseMs: 1000, capMs: 60_000 };
const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;
const DEFAULT_HISTORY_LIMIT = 3600;
const DEFAULT_SAMPLE_RESOLUTION_MS = 1000;

/** A source that tells the supervisor the time of the newest record of each batch (the lag's basis). */
function observedSource(source: Source, onBatch: (batch: SourceBatch) => void): Source {
  return {
    type: source.type,
    async next(cursor: PlainJson | undefined, limit: number, signal: AbortSignal) {
      const batch = await source.next(cursor, limit, signal);
      onBatch(batch);
      return batch;
    },
    close: () => source.close(),
  };
}

/** The sink furthest behind: the pipeline as a whole is as far as it (the source replays from there). */
function slowest(sinks: readonly PipelineStatus[]): PipelineStatus {
  return sinks.reduce((a, b) => (b.totals.records < a.totals.records ? b : a));
}

/** A sink's place in its pipeline's definition, for a stable order of the per-sink statuses. */
function sinkOrder(entry: Supervised, status: PipelineStatus): number {
  return entry.definition.sinks?.findIndex((s) => s.name === status.sink) ?? 0;
}

/** What the supervisor holds of one pipeline. */
class Supervised {
  status: SupervisedPipelineStatus;
  readonly samples: PipelineSample[] = [];
  /** Errors of earlier runs, carried into the status of later ones. */
  carried: readonly PipelineErrorEntry[] = [];
  /** The newest record time of the batch in hand (ms), for the lag at its commit. */
  newestRecordAt: number | undefined;
  /** Whether the batch in hand reached the head: nothing newer to read, so no lag at its commit. */
  batchAtHead = false;

  constructor(
    readonly definition: PipelineDefinition,
    startedAt: string,
  ) {
    this.status = {
      pipeline: definition.name,
      state: 'starting',
      generation: 0,
      sourceCursor: null,
      sinkPosition: null,
      behind: undefined,
      lastBatch: undefined,
      totals: { records: 0, documents: 0, gaps: 0 },
      errors: [],
      startedAt,
      sourceType: definition.sourceType,
      mappingName: definition.mappingName,
      sinkType: definition.sinkType,
      sinkTarget: definition.sinkTarget,
      sinkDefinitions: sinkDefinitionsOf(definition),
      connection: definition.connection,
      lagSeconds: null,
      restarts: 0,
      lastFailure: undefined,
      restartAt: undefined,
      recentGaps: [],
    };
  }
}

/**
 * A supervisor for `definitions` (their names must differ: each is its checkpoint's key).
 *
 * @example
 * const supervisor = createSupervisor(definitions, { checkpoints: await CheckpointStore.open({ file }) });
 * supervisor.start();
 * // … on SIGTERM:
 * await supervisor.stop();
 */
export function createSupervisor(
  definitions: readonly PipelineDefinition[],
  options: SupervisorOptions,
): Supervisor {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const resolution = options.sampleResolutionMs ?? DEFAULT_SAMPLE_RESOLUTION_MS;
  const shutdownDeadlineMs = options.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  const names = new Set<string>();
  for (const definition of definitions) {
    if (names.has(definition.name))
      throw new KconnectError('INVALID_INPUT', `pipelines: two are named ${JSON.stringify(definition.name)}`);
    names.add(definition.name);
  }
  const supervised = new Map(
    definitions.map((d) => [d.name, new Supervised(d, new Date(now()).toISOString())] as const),
  );
  const stopping = new AbortController();
  let runs: Promise<void>[] | undefined;
  let stopped: Promise<void> | undefined;

  function sample(entry: Supervised): void {
    const { totals, lagSeconds } = entry.status;
    const point: PipelineSample = { at: now(), ...totals, lagSeconds };
    const last = entry.samples.at(-1);
    // One sample a resolution: a backfill commits hundreds of times a second.
    if (last !== undefined && point.at - last.at < resolution)
      entry.samples[entry.samples.length - 1] = point;
    else entry.samples.push(point);
    if (entry.samples.length > historyLimit) entry.samples.splice(0, entry.samples.length - historyLimit);
  }

  function update(entry: Supervised, run: PipelineStatus): void {
    const previous = entry.status;
    const sinks =
      run.sink === undefined
        ? previous.sinks
        : [...(previous.sinks ?? []).filter((s) => s.sink !== run.sink), run].sort(
            (a, b) => sinkOrder(entry, a) - sinkOrder(entry, b),
          );
    const committed = run.generation !== previous.generation;
    let lagSeconds = previous.lagSeconds;
    if (run.behind?.seconds !== undefined) lagSeconds = run.behind.seconds;
    else if (committed && entry.batchAtHead) lagSeconds = 0;
    else if (committed && entry.newestRecordAt !== undefined)
      lagSeconds = Math.max(0, (now() - entry.newestRecordAt) / 1000);
    entry.status = {
      ...previous,
      ...run,
      errors: [...entry.carried, ...run.errors].slice(-MAX_STATUS_ERRORS),
      lagSeconds,
      restartAt: undefined,
      ...(sinks === undefined ? {} : { sinks, totals: slowest(sinks).totals }),
    };
    if (committed || lagSeconds !== previous.lagSeconds) sample(entry);
  }

  function failed(entry: Supervised, error: unknown, restartAt: number): void {
    // A step's error is in the run's errors already; an error outside the steps (an unreadable checkpoint, parts
    // that could not be made, a mapping that threw) is added here.
    const stage = error instanceof PipelineFailedError ? error.stage : 'checkpoint-read';
    const cause = error instanceof PipelineFailedError ? error.cause : error;
    const failure = errorEntry(now(), stage, cause, false);
    const errors =
      error instanceof PipelineFailedError ? entry.status.errors : [...entry.status.errors, failure];
    entry.carried = errors.slice(-MAX_STATUS_ERRORS);
    entry.status = {
      ...entry.status,
      state: 'failed',
      errors: entry.carried,
      restarts: entry.status.restarts + 1,
      lastFailure: failure,
      restartAt: new Date(restartAt).toISOString(),
    };
  }

  /** Runs a pipeline until `signal` aborts, restarting it after failures; rejects only when its lease is lost. */
  async function supervise(
    entry: Supervised,
    signal: AbortSignal,
    checkpoints: PipelineCheckpoints,
    /** The lease it runs under, when workers compete: its sinks write only while it is fresh (guard.ts). */
    lease?: { readonly held: HeldLease; readonly ttlMs: number },
  ): Promise<void> {
    const { definition } = entry;
    let failures = 0;
    while (!signal.aborted) {
      let progressed = false;
      try {
        const made = definition.createParts();
        const parts =
          lease === undefined
            ? made
            : guardPipelineSinks(made, {
                pipeline: definition.name,
                lease: lease.held,
                marginMs: leaseWriteMargin(lease.ttlMs),
              });
        const source = observedSource(parts.source, (batch) => {
          const newest = batch.records.at(-1);
          // Nothing left to read: caught up, whatever the last batch's lag was.
          if (batch.atHead && batch.records.length === 0 && batch.behind?.seconds === undefined) {
            if (entry.status.lagSeconds !== 0) {
              entry.status = { ...entry.status, lagSeconds: 0 };
              sample(entry);
            }
          }
          entry.newestRecordAt = newest === undefined ? undefined : Date.parse(newest.time);
          entry.batchAtHead = batch.atHead;
          const gaps = batch.records.filter((r) => r.kind === 'gap');
          if (gaps.length > 0) {
            const recentGaps = [
              ...entry.status.recentGaps,
              ...gaps.map(({ key, time, data }) => ({ key, time, data })),
            ].slice(-MAX_RECENT_GAPS);
            entry.status = { ...entry.status, recentGaps };
          }
        });
        await runPipelineParts({
          name: definition.name,
          parts: { ...parts, source },
          checkpoints,
          signal,
          shutdownDeadlineMs,
          now,
          sleep,
          ...(definition.batchSize === undefined ? {} : { batchSize: definition.batchSize }),
          ...(definition.pollIntervalMs === undefined ? {} : { pollIntervalMs: definition.pollIntervalMs }),
          ...(options.retry === undefined ? {} : { retry: options.retry }),
          ...(options.logger === undefined ? {} : { logger: options.logger }),
          onProgress: (status) => {
            // A run that committed a batch worked: the backoff starts over after it.
            if (status.lastBatch !== undefined) progressed = true;
            update(entry, status);
          },
        });
      } catch (error) {
        if (isLeaseLost(error)) {
          entry.status = { ...entry.status, state: 'stopped' };
          throw error;
        }
        if (signal.aborted) break;
        failures = progressed ? 1 : failures + 1;
        const delay = fullJitterDelay(failures - 1, options.restart ?? DEFAULT_RESTART);
        failed(entry, error, now() + delay);
        options.logger?.error(
          { pipeline: definition.name, err: error, restartInMs: delay, restarts: entry.status.restarts },
          'intake: pipeline failed; restarting after a backoff',
        );
        await sleep(delay, signal);
      }
    }
    if (entry.status.state !== 'stopped') entry.status = { ...entry.status, state: 'stopped' };
  }

  const leases =
    options.leases ??
    (options.checkpoints instanceof CheckpointStore ? { store: options.checkpoints.leases(now) } : false);

  function competeForLeases(lease: SupervisorLeases): Promise<void> {
    return runWithLeases({
      pipelines: [...supervised.keys()],
      leases: lease.store,
      worker: lease.worker ?? newWorkerId(),
      ...(lease.ttlMs === undefined ? {} : { ttlMs: lease.ttlMs }),
      ...(lease.renewEveryMs === undefined ? {} : { renewEveryMs: lease.renewEveryMs }),
      signal: stopping.signal,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      run: (name, held, signal) =>
        supervise(
          supervised.get(name)!,
          signal,
          {
            read: (pipeline) => options.checkpoints.read(pipeline),
            // Every sink's checkpoint is fenced by the pipeline's one lease (decisions/0052).
            commit: (key, content, after) =>
              options.checkpoints.commit(key, content, after, { token: held.token, lease: name }),
          },
          { held, ttlMs: lease.ttlMs ?? DEFAULT_LEASE_TTL_MS },
        ),
      onLease: (name, held) => {
        const entry = supervised.get(name)!;
        entry.status = {
          ...entry.status,
          lease:
            held === undefined
              ? undefined
              : { owner: held.owner, token: held.token, expiresAt: new Date(held.expiresAt).toISOString() },
        };
      },
    });
  }

  return {
    start() {
      if (runs !== undefined || stopping.signal.aborted) return;
      runs =
        leases === false
          ? [...supervised.values()].map((entry) => supervise(entry, stopping.signal, options.checkpoints))
          : [competeForLeases(leases)];
    },
    stop(deadlineMs = shutdownDeadlineMs + 1000) {
      stopped ??= (async () => {
        stopping.abort();
        if (runs === undefined) return;
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
        });
        await Promise.race([Promise.allSettled(runs), late]);
        clearTimeout(timer);
      })();
      return stopped;
    },
    status: () => [...supervised.values()].map((entry) => entry.status),
    history: (name) => (supervised.has(name) ? [...supervised.get(name)!.samples] : undefined),
  };
}
