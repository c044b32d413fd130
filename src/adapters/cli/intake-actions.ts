/**
 * What `kconnect intake run|status|reset` do (intake-command.ts defines their options). Loaded when one of them
 * runs, so that every other kconnect command starts without the intake's sinks, stores and their packages.
 */
import { renderTable } from '../../commands/core/render.ts';
import type { PlainJson } from '../../commands/core/types.ts';
import { createContextFactory, type ContextFactory } from '../../config/context.ts';
import { loadConfig } from '../../config/load.ts';
import type { ConfiguredSink } from '../../config/pipelines.ts';
import type { KconnectConfig } from '../../config/schema.ts';
import { ERROR_CODES, KconnectError } from '../../errors.ts';
import { CheckpointStore, CheckpointUnreadableError } from '../../intake/checkpoints/index.ts';
import { DEFAULT_LEASE_TTL_MS, isLeaseLost, runWithLeases } from '../../intake/leases/coordinator.ts';
import { guardPipelineSinks, leaseWriteMargin, type HeldLease } from '../../intake/leases/guard.ts';
import { LeaseHeldError, newWorkerId } from '../../intake/leases/index.ts';
import { configuredSource, needsStateStore, pipelineDefinitions } from '../../intake/configured.ts';
import type { DirectoryStore } from '../../directory/model/store.ts';
import { enrichesFromDirectory, openProcessDirectory } from './directory-store.ts';
import type { PipelineDefinition } from '../../intake/pipeline.ts';
import { resetPipeline, type ResetTarget } from '../../intake/reset.ts';
import type { PipelineLogger } from '../../intake/runner.ts';
import { runPipelineParts } from '../../intake/run-sinks.ts';
import { startOption } from '../../intake/sources/options.ts';
import type { PipelineStatus } from '../../intake/status.ts';
import type { Checkpoint, Source } from '../../intake/types.ts';
import { recordLogger } from '../../logging.ts';
import { StateStore } from '../../store/state.ts';
import type { CliIo } from './cli-io.ts';
import { stderrLogger } from './commands.ts';
import { IntakeBoard } from './intake-board.ts';
import { sinkTarget } from '../../intake/sinks/index.ts';
import { limitHeapGrowth } from './heap-trim.ts';
import { summarizePosition } from './intake-position.ts';
import { commandLogger, lineDestination, type LogFlags } from './log-options.ts';

/** The process around the command. */
export interface IntakeCommandOptions {
  /**
   * Calls `stop` on each request to stop (SIGINT, SIGTERM); returns how to stop listening. Default: the process's
   * signals.
   */
  readonly onStopSignal?: (stop: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

function processStopSignals(stop: (signal: 'SIGINT' | 'SIGTERM') => void): () => void {
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

/** Prints a kconnect error (its message names the pipeline or the field) and sets its exit code. */
function report(io: CliIo, error: unknown): void {
  if (!(error instanceof KconnectError)) throw error;
  io.stderr.write(`error: ${error.message}\n`);
  io.exit(ERROR_CODES[error.code].exitCode);
}

function load(io: CliIo, file: unknown): KconnectConfig {
  return loadConfig({ ...(typeof file === 'string' ? { file } : {}), env: io.env, cwd: io.cwd });
}

/** The pipelines named (all when none), each checked to be configured. */
function choose(config: KconnectConfig, names: readonly string[] | undefined, field: string): string[] {
  const configured = Object.keys(config.pipelines);
  if (configured.length === 0)
    throw new KconnectError(
      'INVALID_INPUT',
      `pipelines: none configured in ${config.file ?? 'kconnect.yaml (no file found)'}`,
    );
  if (names === undefined || names.length === 0) return configured;
  for (const name of names)
    if (!Object.hasOwn(config.pipelines, name))
      throw new KconnectError(
        'INVALID_INPUT',
        `${field}: no pipeline named "${name}" (configured: ${configured.join(', ')})`,
      );
  return [...new Set(names)];
}

/** A source that tells when it reached its head: the board's lag is the time since. */
function observed(source: Source, onHead: () => void): Source {
  return {
    type: source.type,
    async next(cursor, limit, signal) {
      const batch = await source.next(cursor, limit, signal);
      if (batch.atHead) onHead();
      return batch;
    },
    close: () => source.close(),
  };
}

export interface RunFlags extends LogFlags {
  readonly pipeline?: string[];
  readonly once?: boolean;
  readonly config?: string;
}

export async function runCommand(io: CliIo, options: IntakeCommandOptions, flags: RunFlags): Promise<void> {
  const now = io.now ?? Date.now;
  const terminal = io.stderr.isTTY === true;
  let config: KconnectConfig;
  let names: string[];
  let log: ReturnType<typeof commandLogger> | undefined;
  try {
    config = load(io, flags.config);
    names = choose(config, flags.pipeline, '--pipeline');
    if (!terminal)
      log = commandLogger(
        'intake',
        flags,
        io.env,
        lineDestination((l) => io.stderr.write(`${l}\n`)),
      );
  } catch (error) {
    report(io, error);
    return;
  }
  // `intake run` owns its process: keep the heap near its live set while pages stream through (B4).
  limitHeapGrowth();
  const board = terminal ? new IntakeBoard(io.stderr, names, now) : undefined;
  const logger: PipelineLogger =
    log ??
    ({
      info: () => undefined,
      warn: (fields, message) => board?.print(`warning: ${String(fields['pipeline'] ?? '')}: ${message}`),
      error: (fields, message) => board?.print(`error: ${String(fields['pipeline'] ?? '')}: ${message}`),
    } satisfies PipelineLogger);

  let checkpoints: CheckpointStore | undefined;
  let store: StateStore | undefined;
  let directory: DirectoryStore | undefined;
  let contexts: ContextFactory | undefined;
  const stop = new AbortController();
  let stopRequests = 0;
  const stopListening = (options.onStopSignal ?? processStopSignals)((signal) => {
    stopRequests++;
    // A second Ctrl-C means "now": the batch in hand stays uncommitted and is read again next time.
    if (stopRequests > 1 && signal === 'SIGINT') io.terminate(130);
    log?.info({ signal }, 'intake: stopping, committing the batch in hand');
    stop.abort(new KconnectError('CANCELLED', `stopped by ${signal}`));
  });
  try {
    checkpoints = await CheckpointStore.open(config.intake.state);
    const selected = names.map((name) => config.pipelines[name]!);
    if (selected.some(needsStateStore)) store = await StateStore.open(config.intake.state);
    if (selected.some(enrichesFromDirectory)) directory = await openProcessDirectory(config, io.env);
    contexts = createContextFactory(config, {
      env: io.env,
      logger: log === undefined ? stderrLogger(io) : recordLogger(log),
    });
    const definitions = pipelineDefinitions(config, contexts, {
      ...(store === undefined ? {} : { store }),
      ...(directory === undefined ? {} : { directory }),
      now,
      logger,
    }).filter((d) => names.includes(d.name));
    board?.start();
    const lastProgressLog = new Map<string, number>();
    const onProgress = (status: PipelineStatus) => {
      board?.update(status);
      if (log === undefined) return;
      const last = lastProgressLog.get(status.pipeline) ?? 0;
      if (now() - last < 10_000 && status.state !== 'stopped') return;
      lastProgressLog.set(status.pipeline, now());
      log.info(
        {
          pipeline: status.pipeline,
          state: status.state,
          generation: status.generation,
          totals: status.totals,
          behind: status.behind,
        },
        'intake: progress',
      );
    };
    const fenced = checkpoints;
    const run = async (definition: PipelineDefinition, signal: AbortSignal, lease: HeldLease) => {
      const parts = guardPipelineSinks(definition.createParts(), {
        pipeline: definition.name,
        lease,
        marginMs: leaseWriteMargin(DEFAULT_LEASE_TTL_MS),
      });
      return runPipelineParts({
        name: definition.name,
        parts: { ...parts, source: observed(parts.source, () => board?.atHead(definition.name)) },
        // Every sink's checkpoint is fenced by the pipeline's one lease (decisions/0052).
        checkpoints: {
          read: (key) => fenced.read(key),
          commit: (key, content, after) =>
            fenced.commit(key, content, after, { token: lease.token, lease: definition.name }),
        },
        once: flags.once === true,
        signal,
        logger,
        onProgress,
        now,
        ...(definition.batchSize === undefined ? {} : { batchSize: definition.batchSize }),
        ...(definition.pollIntervalMs === undefined ? {} : { pollIntervalMs: definition.pollIntervalMs }),
      });
    };
    const failures =
      flags.once === true
        ? await runOnceUnderLeases(fenced, definitions, stop.signal, run)
        : await runUnderLeases(fenced, definitions, stop.signal, run, log);
    board?.stop();
    for (const failure of failures) io.stderr.write(`error: ${messageOf(failure)}\n`);
    const first = failures[0];
    io.exit(first === undefined ? 0 : first instanceof KconnectError ? ERROR_CODES[first.code].exitCode : 1);
  } catch (error) {
    board?.stop();
    report(io, error);
  } finally {
    stopListening();
    await contexts?.close();
    await store?.close();
    await directory?.close();
    await checkpoints?.close();
  }
}

type LeasedRun = (definition: PipelineDefinition, signal: AbortSignal, lease: HeldLease) => Promise<unknown>;

/**
 * `--once`: takes every selected pipeline's lease (failing those another live worker holds, naming it), runs them
 * to their head with their fencing tokens while renewing the leases, then gives the leases back.
 */
async function runOnceUnderLeases(
  store: CheckpointStore,
  definitions: readonly PipelineDefinition[],
  signal: AbortSignal,
  run: LeasedRun,
): Promise<unknown[]> {
  const leases = store.leases();
  const worker = newWorkerId();
  const results = await Promise.allSettled(
    definitions.map(async (definition) => {
      const acquired = Date.now();
      const lease = await leases.acquire(definition.name, worker, DEFAULT_LEASE_TTL_MS);
      if (lease === undefined) {
        const holder = await leases.get(definition.name);
        throw new LeaseHeldError(definition.name, holder?.owner ?? 'unknown', holder?.expiresAt ?? 0);
      }
      let heldUntil = acquired + DEFAULT_LEASE_TTL_MS;
      const lost = new AbortController();
      const onStop = () => lost.abort(signal.reason);
      signal.addEventListener('abort', onStop, { once: true });
      const renewal = setInterval(() => {
        const sent = Date.now();
        leases
          .renew(definition.name, worker, lease.token, DEFAULT_LEASE_TTL_MS)
          .then((held) => {
            if (held) heldUntil = sent + DEFAULT_LEASE_TTL_MS;
            // The commit's fence refuses the next write anyway; stopping now saves reading a batch for nothing.
            else lost.abort();
          })
          .catch(() => undefined);
      }, DEFAULT_LEASE_TTL_MS / 3);
      try {
        return await run(definition, lost.signal, { token: lease.token, heldUntil: () => heldUntil });
      } finally {
        clearInterval(renewal);
        signal.removeEventListener('abort', onStop);
        await leases.release(definition.name, worker, lease.token).catch(() => undefined);
      }
    }),
  );
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
}

/**
 * Without `--once`: competes with the other workers on the same state store for the selected pipelines' leases
 * and runs those it holds until stopped (decisions/0047). A pipeline that fails here is given back and reported.
 */
async function runUnderLeases(
  store: CheckpointStore,
  definitions: readonly PipelineDefinition[],
  signal: AbortSignal,
  run: LeasedRun,
  log: PipelineLogger | undefined,
): Promise<unknown[]> {
  const failures: unknown[] = [];
  const byName = new Map(definitions.map((d) => [d.name, d] as const));
  await runWithLeases({
    pipelines: definitions.map((d) => d.name),
    leases: store.leases(),
    worker: newWorkerId(),
    signal,
    ...(log === undefined ? {} : { logger: log }),
    run: async (name, lease, pipelineSignal) => {
      try {
        await run(byName.get(name)!, pipelineSignal, lease);
      } catch (error) {
        if (!isLeaseLost(error)) failures.push(error);
        throw error;
      }
    },
  });
  return failures;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface StatusRow {
  readonly pipeline: string;
  /** The sink's name for a pipeline with several sinks (`sinks:`): each has its own checkpoint; else null. */
  readonly sinkName: string | null;
  /** The checkpoint's key: the pipeline's name, or `<pipeline>/<sink>`. */
  readonly checkpoint: string;
  readonly configured: boolean;
  readonly source: string | null;
  readonly mapping: string | null;
  readonly sink: string | null;
  readonly generation: number;
  /** The source's position in short, and the time of the last record delivered when the cursor tells. */
  readonly position: string;
  readonly positionTime: string | null;
  readonly sinkPosition: PlainJson;
  readonly totals: Checkpoint['totals'] | null;
  /** ISO 8601. */
  readonly lastCommit: string | null;
  /** Newer generations that were refused (damaged), each with why. */
  readonly damaged: ReadonlyArray<{ readonly generation: number; readonly reason: string }>;
  readonly error: string | null;
  /** The worker holding the pipeline's lease while it is live, else null (decisions/0047). */
  readonly owner: string | null;
  /** When the live lease expires unless renewed, ISO 8601; null without a live lease. */
  readonly leaseExpiresAt: string | null;
  /** The lease's fencing token (the last owner's when it is free); 0 when the pipeline never had a lease. */
  readonly leaseToken: number;
}

async function statusRows(
  config: KconnectConfig,
  names: readonly string[],
  checkpoints: CheckpointStore,
  now: number,
): Promise<StatusRow[]> {
  const stored = await checkpoints.pipelines();
  const keyOf = new Map<string, { pipeline: string; sink: ConfiguredSink; several: boolean }>();
  for (const pipeline of Object.values(config.pipelines))
    for (const sink of pipeline.sinks)
      keyOf.set(sink.checkpointKey, {
        pipeline: pipeline.name,
        sink,
        several: sink.checkpointKey !== pipeline.name,
      });
  const wanted = names.flatMap((name) => config.pipelines[name]!.sinks.map((s) => s.checkpointKey));
  const all = [...wanted, ...stored.filter((key) => !keyOf.has(key))];
  const leases = new Map((await checkpoints.leases().list()).map((l) => [l.pipeline, l] as const));
  const rows: StatusRow[] = [];
  for (const key of all) {
    const known = keyOf.get(key);
    const name = known?.pipeline ?? key;
    const pipeline = Object.hasOwn(config.pipelines, name) ? config.pipelines[name] : undefined;
    const lease = leases.get(name);
    const live = lease !== undefined && lease.expiresAt > now;
    const about = {
      owner: live ? lease.owner : null,
      leaseExpiresAt: live ? new Date(lease.expiresAt).toISOString() : null,
      leaseToken: lease?.token ?? 0,
      pipeline: name,
      sinkName: known?.several === true ? known.sink.name : null,
      checkpoint: key,
      configured: pipeline !== undefined,
      source: pipeline?.source.type ?? null,
      mapping:
        pipeline === undefined
          ? null
          : typeof pipeline.mapping === 'string'
            ? pipeline.mapping
            : pipeline.mapping.type,
      sink: known === undefined ? null : sinkTarget(known.sink.config),
    };
    try {
      const read = await checkpoints.read(key);
      const checkpoint = read.checkpoint;
      const position =
        checkpoint === undefined || pipeline === undefined
          ? { text: checkpoint === undefined ? 'never run' : 'not configured', time: undefined }
          : summarizePosition(pipeline.source.type, checkpoint.sourceCursor);
      rows.push({
        ...about,
        generation: checkpoint?.generation ?? 0,
        position: position.text,
        positionTime: position.time ?? null,
        sinkPosition: checkpoint?.sinkPosition ?? null,
        totals: checkpoint?.totals ?? null,
        lastCommit: checkpoint === undefined ? null : new Date(checkpoint.committedAt).toISOString(),
        damaged: read.corrupt.map((c) => ({ generation: c.generation, reason: c.reason })),
        error: null,
      });
    } catch (error) {
      if (!(error instanceof CheckpointUnreadableError)) throw error;
      rows.push({
        ...about,
        generation: 0,
        position: 'unreadable',
        positionTime: null,
        sinkPosition: null,
        totals: null,
        lastCommit: null,
        damaged: error.corrupt.map((c) => ({ generation: c.generation, reason: c.reason })),
        error: error.message,
      });
    }
  }
  return rows;
}

function statusTable(rows: readonly StatusRow[], now: number): string {
  const ago = (iso: string | null) => {
    if (iso === null) return '';
    const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    return `${iso} (${s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`} ago)`;
  };
  return renderTable(
    {
      title: 'Intake pipelines',
      columns: [
        'Pipeline',
        'Flow',
        'Generation',
        'Position',
        'Records',
        'Documents',
        'Gaps',
        'Last commit',
        'Owner',
      ],
      rows: rows.map((r) => [
        `${r.sinkName === null ? r.pipeline : `${r.pipeline} / ${r.sinkName}`}${r.configured ? '' : ' (not configured)'}`,
        r.source === null ? '' : `${r.source} → ${r.mapping ?? ''} → ${r.sink ?? ''}`,
        r.error === null
          ? `${r.generation}${r.damaged.length > 0 ? ` (${r.damaged.length} damaged skipped)` : ''}`
          : 'unreadable',
        r.error ?? r.position,
        r.totals === null ? '' : String(r.totals.records),
        r.totals === null ? '' : String(r.totals.documents),
        r.totals === null
          ? ''
          : `${r.totals.gaps}${r.totals.deadLettered === undefined ? '' : ` (${r.totals.deadLettered} dead-lettered)`}`,
        ago(r.lastCommit),
        r.owner === null ? 'free' : `${r.owner} (lease until ${r.leaseExpiresAt ?? ''})`,
      ]),
    },
    'text',
  );
}

export async function statusCommand(io: CliIo, flags: Record<string, unknown>): Promise<void> {
  let checkpoints: CheckpointStore | undefined;
  try {
    const config = load(io, flags['config']);
    const names = choose(config, flags['pipeline'] as string[] | undefined, '--pipeline');
    checkpoints = await CheckpointStore.open(config.intake.state);
    const rows = await statusRows(config, names, checkpoints, (io.now ?? Date.now)());
    const format = (flags['format'] as string | undefined) ?? (io.stdout.isTTY === true ? 'table' : 'json');
    if (format === 'json')
      io.stdout.write(
        `${JSON.stringify({ state: config.intake.stateDescription, pipelines: rows }, null, 2)}\n`,
      );
    else io.stdout.write(statusTable(rows, (io.now ?? Date.now)()));
    const unreadable = rows.find((r) => r.error !== null);
    if (unreadable !== undefined) io.stderr.write(`error: ${unreadable.error}\n`);
    io.exit(unreadable === undefined ? 0 : ERROR_CODES.INTERNAL.exitCode);
  } catch (error) {
    report(io, error);
  } finally {
    await checkpoints?.close();
  }
}

function parseTarget(text: string): ResetTarget {
  const parsed = startOption.safeParse(text);
  if (!parsed.success)
    throw new KconnectError(
      'INVALID_INPUT',
      `--to: expected start, end or an ISO 8601 time with a zone such as 2024-06-24T00:00:00Z, not ${JSON.stringify(text)}`,
    );
  return parsed.data === 'start' || parsed.data === 'end' ? parsed.data : { time: parsed.data };
}

export async function resetCommand(io: CliIo, name: string, flags: Record<string, unknown>): Promise<void> {
  let checkpoints: CheckpointStore | undefined;
  let store: StateStore | undefined;
  let contexts: ContextFactory | undefined;
  let source: Source | undefined;
  try {
    const to = parseTarget(String(flags['to']));
    const config = load(io, flags['config']);
    choose(config, [name], 'pipeline');
    const pipeline = config.pipelines[name]!;
    checkpoints = await CheckpointStore.open(config.intake.state);
    if (needsStateStore(pipeline)) store = await StateStore.open(config.intake.state);
    contexts = createContextFactory(config, { env: io.env, logger: stderrLogger(io) });
    source = configuredSource(pipeline, contexts, store === undefined ? {} : { store });
    const only = flags['sink'] as string | undefined;
    const sinks = pipeline.sinks.filter((s) => only === undefined || s.name === only);
    if (sinks.length === 0)
      throw new KconnectError(
        'INVALID_INPUT',
        `--sink: pipeline ${name} has no sink named "${only}" (sinks: ${pipeline.sinks.map((s) => s.name).join(', ')})`,
      );
    const target = typeof to === 'string' ? to : to.time;
    for (const sink of sinks) {
      const checkpoint = await resetPipeline({ name: sink.checkpointKey, source, checkpoints, to });
      io.stdout.write(
        `${sink.checkpointKey}: source moved to ${target} (checkpoint generation ${checkpoint.generation}); ` +
          `${sinkTarget(sink.config)} keeps what it holds, and the next run appends from there.\n`,
      );
    }
    io.exit(0);
  } catch (error) {
    report(io, error);
  } finally {
    await source?.close();
    await contexts?.close();
    await store?.close();
    await checkpoints?.close();
  }
}
