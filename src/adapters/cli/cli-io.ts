import type { IdempotencyStore } from '../../commands/core/idempotency.ts';

/** Where the CLI writes: `process.stdout` or a test's buffer. */
export interface CliStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Everything the command-line surface does I/O with, so tests run it in-process. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where `kconnect.yaml` is looked for and relative paths start. */
  readonly cwd: string;
  /** Sets the exit code when a command ends; the process ends on its own once the output has drained. */
  exit(code: number): void;
  /** Ends at once, for usage errors found before anything ran (what commander itself would do). */
  terminate(code: number): never;
  /** Calls `listener` on Ctrl-C until the returned function is called; a second Ctrl-C then ends the process. */
  onInterrupt?(listener: () => void): () => void;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Waits between polls of waiting commands. Default: a timer that an interrupt cuts short. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Remembers destructive results by idempotency key. Default: files under the state directory. */
  readonly idempotency?: IdempotencyStore;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    exit(code) {
      process.exitCode = code;
    },
    terminate(code) {
      process.exit(code);
    },
    onInterrupt(listener) {
      process.once('SIGINT', listener);
      return () => process.removeListener('SIGINT', listener);
    },
  };
}
