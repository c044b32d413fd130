/**
 * The KICS for Networks emulator as a child process, as a user would run it (`kconnect emulator kics --http`, or
 * over HTTPS with mutual TLS), for the benchmarks that drive it over loopback. Unlike the KSC helper, the data directory belongs to the caller:
 * a second start on the same directory measures a restart on an existing database. Not a benchmark itself:
 * `run.ts` skips files starting with `_`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listeningUrl } from './_emulator-process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface KicsEmulatorProcessOptions {
  readonly dataDir: string;
  readonly devices: number;
  readonly events: number;
  /** Bearer token of the control API (which mints API tokens in plain-HTTP mode); passed in the environment. */
  readonly controlToken: string;
  /** More command-line options (`--db <url>`). */
  readonly extraArgs?: readonly string[];
  /**
   * HTTPS with mutual TLS, as a real KICS Server: clients authenticate with the first connector's package in
   * `<dataDir>/connectors/kconnect`, whose password is {@link KICS_BENCH_CONNECTOR_PASSWORD}. Default: plain HTTP.
   */
  readonly https?: boolean;
}

/** The first connector's package password: fixed, so that the package a first start wrote opens on later runs. */
export const KICS_BENCH_CONNECTOR_PASSWORD = 'bench-only-connector-password';

export interface KicsEmulatorProcess {
  /** `http://127.0.0.1:<port>` (`https://` with {@link KicsEmulatorProcessOptions.https}). */
  readonly url: string;
  readonly pid: number;
  /** From the spawn to the "listening" line: opening (or generating and storing) the world. */
  readonly startupSeconds: number;
  /** Stops the emulator by its PID; the data directory stays. Safe to call more than once. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 15_000;

export async function startKicsEmulatorProcess(
  options: KicsEmulatorProcessOptions,
): Promise<KicsEmulatorProcess> {
  const args = [
    'bin/kconnect.js',
    'emulator',
    'kics',
    ...(options.https === true ? [] : ['--http']),
    '--port',
    '0',
    '--data-dir',
    options.dataDir,
  ];
  args.push(
    '--devices',
    String(options.devices),
    '--events',
    String(options.events),
    ...(options.extraArgs ?? []),
  );

  const started = performance.now();
  // BENCH_EMULATOR_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the emulator.
  const nodeArgs = (process.env['BENCH_EMULATOR_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    env: {
      ...process.env,
      KCONNECT_KICS_EMULATOR_CONTROL_TOKEN: options.controlToken,
      // A fixed password keeps the generated one out of the output and opens the package on later runs.
      KCONNECT_KICS_CONNECTOR_PASSWORD: KICS_BENCH_CONNECTOR_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A benchmark that dies without reaching its `finally` must not leave a large emulator behind.
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
