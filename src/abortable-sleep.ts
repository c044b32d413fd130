/**
 * Resolves after `ms`, or at once when `signal` aborts — without throwing: the caller checks the signal. For the
 * waits a stop must cut short (poll intervals, backoffs), so Ctrl-C or a shutdown never waits one out.
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
