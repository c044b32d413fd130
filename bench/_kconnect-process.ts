/**
 * `kconnect` as a compiled program (the CLI bundled with esbuild into `.scratch/`, run with plain `node`), for the
 * benchmarks that run `kconnect intake run` as a process: bin/kconnect.js in a checkout goes through tsx, whose
 * start-up (compiling on the fly) would count in the recovery time and the CPU figures. Not a benchmark itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = path.join(root, '.scratch', 'kconnect-cli.mjs');

// The same as bin/kconnect.js's run(), without the choice between sources and dist.
const ENTRY = `import { buildProgram } from '../src/adapters/cli/main.ts';
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
`;

/** Bundles the CLI once per benchmark run; returns the bundle's path. */
export function compiledKconnect(): string {
  const entry = path.join(root, '.scratch', 'kconnect-cli-entry.ts');
  mkdirSync(path.dirname(entry), { recursive: true });
  writeFileSync(entry, ENTRY);
  const built = spawnSync(
    path.join(root, 'node_modules', '.bin', 'esbuild'),
    [
      entry,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--packages=external',
      `--outfile=${bundle}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit', cwd: root },
  );
  if (built.status !== 0 || !existsSync(bundle)) throw new Error('bundling the kconnect CLI failed');
  return bundle;
}

export interface KconnectProcess {
  readonly child: ChildProcess;
  /** The exit code, or the signal's name when a signal ended it. */
  readonly exited: Promise<number | string>;
  /** stderr and stdout as they came (kept short: the last 64 kB), to explain a failure. */
  output(): string;
}

const KEEP_OUTPUT = 64 * 1024;

/** Starts `node <bundle> <args>` in `cwd` with `env` added to this process's environment. */
export function startKconnect(
  cli: string,
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: Readonly<Record<string, string>>;
    readonly nodeArgs?: readonly string[];
  },
): KconnectProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], {
    cwd: options.cwd,
    env: { ...process.env, KCONNECT_CONFIG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-KEEP_OUTPUT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  // A benchmark that dies must not leave an intake following forever.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  return { child, exited, output: () => output };
}

/** A kconnect.yaml with one ksc.events pipeline against the emulator at `url` (plain HTTP on loopback is allowed). */
export function intakeConfig(options: {
  readonly url: string;
  readonly pipeline: string;
  readonly start: 'start' | 'end';
  readonly mapping: string;
  readonly file: string;
  readonly pollIntervalSeconds?: number;
}): string {
  return `connections:
  emulator: { type: ksc, url: "${options.url}", user: admin, passwordEnv: KSC_PASSWORD }
pipelines:
  ${options.pipeline}:
    source: { type: ksc.events, connection: emulator, start: ${options.start} }
    mapping: ${options.mapping}
    sink: { type: file, path: ${options.file} }
    pollIntervalSeconds: ${options.pollIntervalSeconds ?? 5}
intake:
  state: { file: intake.db }
`;
}
