import { z } from 'zod';
import { reportProgress } from './progress.ts';
import type { CommandContext } from './types.ts';

/**
 * The `wait` / `waitTimeoutSeconds` inputs of commands whose effect comes later than their answer. Each
 * command keeps the range and wording it documents; the presets are the two families that share them.
 */
export const waitInputs = {
  wait: (description: string) => z.boolean().default(false).describe(description),
  waitTimeoutSeconds: (
    range: { readonly min: number; readonly max: number; readonly fallback: number },
    description: string,
  ) => z.number().int().min(range.min).max(range.max).default(range.fallback).describe(description),
  /** Commands whose effect comes at the hosts' next agent sync (isolation, quarantine items). */
  untilAgentSync: () => ({
    wait: waitInputs.wait(
      'Wait until the hosts have applied it (they do at their next agent sync) and report the final state; ' +
        'default false: return at once with the queued state',
    ),
    waitTimeoutSeconds: waitInputs.waitTimeoutSeconds(
      { min: 1, max: 3600, fallback: 300 },
      'With wait: how long to wait at most, in seconds (1–3600); what is not done by then is reported as pending',
    ),
  }),
  /** Commands that start a task, which then runs on each of its hosts. */
  untilTaskFinished: () => ({
    wait: waitInputs.wait(
      'Wait until the task finished on every host (or the timeout) and report the final state',
    ),
    waitTimeoutSeconds: waitInputs.waitTimeoutSeconds(
      { min: 0, max: 7200, fallback: 600 },
      'With wait: give up waiting after this many seconds and report the state so far (0–7200)',
    ),
  }),
} as const;

/** Between two looks at what hosts do at their agent sync: looking more often only adds load. */
const AGENT_SYNC_POLL_MS = 10_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Polled<T> {
  /** What the last look saw. */
  readonly value: T;
  /** False when the time ran out first: `value` is then the state so far, still pending, not an error. */
  readonly done: boolean;
  /** From the first look to the last, on the context's clock. */
  readonly waitedMs: number;
}

export interface PollSpec<T> {
  /** How long to keep looking; 0 looks once. */
  readonly timeoutMs: number;
  /** The pause before the next look, from the last one and the number of pauses so far (never past the deadline). */
  readonly pauseMs: number | ((last: T, pauses: number) => number);
  readonly look: () => Promise<T>;
  readonly done: (value: T) => boolean;
  /** What is waited for, in `waiting` progress (`task`, `agent sync`). Default `KSC`. */
  readonly label?: string;
}

/**
 * Looks until `done` says so or `timeoutMs` pass, on the context's clock, pausing with its `sleep` (tests move
 * the emulator's clock instead of waiting). Before each pause it reports `waiting` progress. An abort stops
 * the waiting, and (through the context's client) a look in flight.
 */
export async function poll<T>(ctx: CommandContext, spec: PollSpec<T>): Promise<Polled<T>> {
  const sleep = ctx.sleep ?? defaultSleep;
  const started = ctx.now();
  const deadline = started + spec.timeoutMs;
  for (let pauses = 0; ; pauses++) {
    const value = await spec.look();
    const now = ctx.now();
    if (spec.done(value)) return { value, done: true, waitedMs: now - started };
    const left = deadline - now;
    if (left <= 0) return { value, done: false, waitedMs: now - started };
    const pause = typeof spec.pauseMs === 'number' ? spec.pauseMs : spec.pauseMs(value, pauses);
    reportProgress(ctx, {
      phase: 'waiting',
      label: spec.label ?? 'KSC',
      done: now - started,
      total: spec.timeoutMs,
      looks: pauses + 1,
    });
    ctx.signal?.throwIfAborted();
    await sleep(Math.min(pause, left));
    ctx.signal?.throwIfAborted();
  }
}

/** Calls `check` until it reports done or `timeoutSeconds` pass, at agent-sync pace; whether it finished in time. */
export async function pollUntil(
  ctx: CommandContext,
  timeoutSeconds: number,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const polled = await poll(ctx, {
    timeoutMs: timeoutSeconds * 1000,
    pauseMs: AGENT_SYNC_POLL_MS,
    look: check,
    done: (finished) => finished,
    label: 'agent sync',
  });
  return polled.done;
}
