/** `node bin/kconnect.js …` as a user runs it, for the tests of kconnect's entry points as real processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '../../../bin/kconnect.js');

export interface Kconnect {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  /** stdout and stderr, as they came. */
  output(): string;
  /** The first match of `pattern` in the output once it appears; fails if the process exits or `ms` pass first. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpExecArray>;
}

/** Starts `node bin/kconnect.js …` and collects its output. */
export function kconnect(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Kconnect {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stdout: () => stdout,
    output: () => output,
    async waitFor(pattern, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const match = pattern.exec(output);
        if (match !== null) return match;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`kconnect ${args.join(' ')}: no ${pattern} in its output:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** Runs a short kconnect command to its end: its exit code and output. */
export async function kconnectRun(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; output: string }> {
  const run = kconnect(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), output: run.output() };
}
