/** Whether an error says that trying again may succeed: kconnect's typed errors carry `retryable`. */
export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

export interface BackoffOptions {
  /** The first ceiling, doubled per attempt. Default 500 ms. */
  readonly baseMs?: number;
  /** The ceiling's ceiling. Default 30 s. */
  readonly capMs?: number;
  /** A number in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * "Full jitter" (AWS Architecture Blog, Exponential Backoff and Jitter): a uniform wait between 0 and the capped
 * exponential ceiling, so workers that failed together do not retry together.
 */
export function fullJitterDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 30_000;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}
