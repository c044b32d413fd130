/**
 * Runs the CLI in-process: a `kconnect` program built from the CLI modules with an injected `CliIo` (string
 * buffers for stdout and stderr, the exit code captured, the environment and working directory given).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { CliIo } from '../../../src/adapters/cli/cli-io.ts';
import { commandsFromRegistry } from '../../../src/adapters/cli/commands.ts';
import { configCommand } from '../../../src/adapters/cli/config-command.ts';
import type { IdempotencyStore } from '../../../src/commands/core/idempotency.ts';
import type { CommandDefinition } from '../../../src/commands/core/types.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliSetup {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdoutTTY?: boolean;
  readonly stderrTTY?: boolean;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly idempotency?: IdempotencyStore;
  readonly onInterrupt?: (listener: () => void) => () => void;
  /** The commands of the program; default: the registry's. */
  readonly commands?: readonly CommandDefinition[];
}

/** What `io.terminate` throws in tests, in place of ending the process. */
class Terminated extends Error {
  constructor(readonly code: number) {
    super(`terminated with ${code}`);
  }
}

export async function runCli(args: readonly string[], setup: CliSetup): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let code: number | undefined;
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: setup.stdoutTTY ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: setup.stderrTTY ?? false },
    env: setup.env ?? {},
    cwd: setup.cwd,
    exit(c) {
      code = c;
    },
    terminate(c): never {
      throw new Terminated(c);
    },
    ...(setup.sleep === undefined ? {} : { sleep: setup.sleep }),
    ...(setup.now === undefined ? {} : { now: setup.now }),
    ...(setup.idempotency === undefined ? {} : { idempotency: setup.idempotency }),
    ...(setup.onInterrupt === undefined ? {} : { onInterrupt: setup.onInterrupt }),
  };
  const program = new Command('kconnect').exitOverride();
  for (const command of commandsFromRegistry(io, setup.commands)) program.addCommand(command);
  program.addCommand(configCommand(io));
  try {
    await program.parseAsync(['node', 'kconnect', ...args]);
  } catch (error) {
    if (!(error instanceof Terminated)) throw error;
    code = error.code;
  }
  if (code === undefined) throw new Error(`kconnect ${args.join(' ')}: no exit code was set`);
  return { code, stdout, stderr };
}

const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));
/** tsx by path: the child's working directory is a test's temporary one, outside the checkout. */
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** Runs the test entry (`test/cli/entry.ts`) as a real process, stdout and stderr piped. */
export function runProcess(
  args: readonly string[],
  options: { readonly env: Readonly<Record<string, string>>; readonly cwd: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
      cwd: options.cwd,
      // Only what the test gives: no KCONNECT_* or proxy variables from the developer's shell.
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
