/**
 * The KICS for Networks emulator as a child process, as a user would run it (`kconnect emulator kics --http`, or
 * over HTTPS with mutual TLS), for the benchmarks that drive it over loopback. Unlike the KSC helper, the data directory belongs to the caller:
 * a second start on the same directory measures a restart on an existing database. Not a benchmark itself:
 * `run.ts` skips files starting with `_`.
 */
import { spawnEmulatorProcess, type EmulatorProcess } from './_emulator-process.ts';

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

/** The emulator's process; `stop` leaves the data directory (the caller's) where it is. */
export type KicsEmulatorProcess = EmulatorProcess;

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

  return spawnEmulatorProcess(args, {
    KCONNECT_KICS_EMULATOR_CONTROL_TOKEN: options.controlToken,
    // A fixed password keeps the generated one out of the output and opens the package on later runs.
    KCONNECT_KICS_CONNECTOR_PASSWORD: KICS_BENCH_CONNECTOR_PASSWORD,
  });
}
