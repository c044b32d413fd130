/**
 * Waiting on a condition instead of on the wall clock: a test that sleeps "long enough" for something to happen
 * fails on a loaded machine, while one that polls for it only waits as long as it takes.
 */

export interface WaitForOptions {
  /** Give up after this long. Generous by default: on a loaded two-core machine things are slow, not lost. */
  readonly timeoutMs?: number;
  /** Pause between two looks. */
  readonly intervalMs?: number;
  /** What is awaited, for the error message; a function is asked at the deadline (e.g. for the output so far). */
  readonly what?: string | (() => string);
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastValue: unknown,
  ) {
    super(`gave up waiting for ${what} after ${timeoutMs} ms (last seen: ${describe(lastValue)})`);
    this.name = 'WaitTimeoutError';
  }
}

function describe(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_INTERVAL_MS = 10;

/**
 * Resolves with the first truthy value `probe` returns, looking every `intervalMs`; throws
 * {@link WaitTimeoutError} when none came within `timeoutMs`. An error thrown by `probe` ends the wait at once:
 * a probe that cannot look is a broken test, not a slow one.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) {
      const what = typeof options.what === 'function' ? options.what() : (options.what ?? 'a condition');
      throw new WaitTimeoutError(what, timeoutMs, value);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A promise and the function that resolves it: lets a test wait until code under test reaches a point. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
