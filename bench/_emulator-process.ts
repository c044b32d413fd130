/**
 * The KSC emulator as a child process, as a user would run it (`kconnect emulator ksc --http`), for the
 * benchmarks that drive it over loopback HTTP. Not a benchmark itself: `run.ts` skips files starting with `_`.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface EmulatorProcessOptions {
  readonly hosts: number;
  readonly events: number;
  /** Password of the seeded users; passed in the environment, never on the command line. */
  readonly password: string;
  /** More command-line options (`--db <url>`). */
  readonly extraArgs?: readonly string[];
}

export interface EmulatorProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number;
  /** From the spawn to the "listening" line: generating and storing the world. */
  readonly startupSeconds: number;
  /** Stops the emulator by its PID (and, for the KSC one, removes its data directory). Safe to call more than once. */
  stop(): Promise<void>;
}

/** Seconds of CPU (user + system) a process has used, from `/proc/<pid>/stat`. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** A process's peak resident set (VmHWM), MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match === null ? NaN : Number(match[1]) / 1024;
}

const STOP_GRACE_MS = 15_000;

export async function startEmulator(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-'));
  const args = ['bin/kconnect.js', 'emulator', 'ksc', '--http', '--port', '0', '--data-dir', dataDir];
  args.push('--hosts', String(options.hosts), '--events', String(options.events));
  args.push('--max-events', String(options.events * 2), ...(options.extraArgs ?? []));
  return spawnEmulatorProcess(args, { KCONNECT_EMULATOR_PASSWORD: options.password }, () =>
    rmSync(dataDir, { recursive: true, force: true }),
  );
}

/**
 * Runs `node <args>` (a `bin/kconnect.js emulator …` line) from the repository, with `env` added to this process's
 * environment, and waits for its "listening" line. `stop` ends it by its PID (SIGTERM, SIGKILL after a grace)
 * and then runs `afterStop`; a benchmark that dies without stopping it still kills it on exit.
 */
export async function spawnEmulatorProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  afterStop: () => void = () => undefined,
): Promise<EmulatorProcess> {
  const started = performance.now();
  // BENCH_EMULATOR_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the emulator.
  const nodeArgs = (process.env['BENCH_EMULATOR_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A benchmark that dies without reaching its `finally` must not leave a 4 GB emulator behind.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
      afterStop();
    })());

  try {
    const url = await listeningUrl(child);
    const pid = child.pid;
    if (pid === undefined) throw new Error('the emulator has no PID');
    return { url, pid, startupSeconds: (performance.now() - started) / 1000, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The URL an emulator process prints once it listens ("… listening on <url>"). The pipe is drained afterwards, so
 * the child never blocks on it, but nothing is kept: the client benchmarks measure this process's memory.
 */
function listeningUrl(child: ChildProcessByStdio<null, Readable, null>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      const match = /listening on (\S+)/.exec(buffer);
      if (match === null) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`emulator exited with ${code ?? signal}`)));
    child.once('error', reject);
  });
}
