/**
 * The npm package as its users get it: packed (`prepack` builds dist/), installed into an empty project with the
 * registry's dependencies, and used there — the CLI through `npx kconnect`, against an emulator started from the
 * same installed package, and each `exports` entry imported at run time and type-checked by tsc.
 *
 * KCONNECT_PACKAGE_NODE_DIR (a Node.js folder with bin/node and include/node, as scripts/node-versions.sh fetches)
 * installs and runs the package with that Node.js instead of this one; KCONNECT_PACKAGE_TARBALL reuses a tarball
 * packed earlier instead of packing again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const nodeDir = process.env.KCONNECT_PACKAGE_NODE_DIR;
const PASSWORD = 'package-test-password';

// Installing pulls every dependency from the registry and may compile better-sqlite3 for the Node.js in use.
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const PACK_TIMEOUT_MS = 5 * 60_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** The environment of the installed package's commands: the chosen Node.js (and its npm, if it has one) first. */
function packageEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // Settings vitest or a parent npm script leave behind would leak into the user's view of the package.
  delete env.NODE_OPTIONS;
  delete env.npm_config_prefix;
  if (nodeDir !== undefined) {
    env.PATH = `${path.join(nodeDir, 'bin')}${path.delimiter}${env.PATH ?? ''}`;
    // Native modules are built against the headers shipped with that Node.js: nothing is downloaded for them.
    env.npm_config_nodedir = nodeDir;
  }
  return env;
}

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Ran {
  const result = spawnSync(command, args, {
    cwd,
    env: packageEnv(options.env),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(ran: Ran, what: string): string {
  if (ran.status !== 0) throw new Error(`${what} exited ${ran.status}:\n${ran.stdout}\n${ran.stderr}`);
  return ran.stdout;
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

let project: string;

beforeAll(() => {
  let tarball = process.env.KCONNECT_PACKAGE_TARBALL;
  if (tarball === undefined) {
    const packs = tempDir('kconnect-pack-');
    // Packing runs `prepack` (the build) with this checkout's toolchain, whatever Node.js runs the package.
    const packed = spawnSync('npm', ['pack', '--pack-destination', packs], {
      cwd: root,
      encoding: 'utf8',
      timeout: PACK_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    const name = ok({ status: packed.status, stdout: packed.stdout, stderr: packed.stderr }, 'npm pack')
      .trim()
      .split('\n')
      .at(-1)!;
    tarball = path.join(packs, name);
  }
  project = tempDir('kconnect-package-');
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: 'kconnect-package-check',
      private: true,
      type: 'module',
      allowScripts: { 'better-sqlite3': true },
    }),
  );
  ok(
    run('npm', ['install', tarball, '--no-audit', '--no-fund'], project, { timeoutMs: INSTALL_TIMEOUT_MS }),
    'npm install',
  );
}, PACK_TIMEOUT_MS + INSTALL_TIMEOUT_MS);

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('runs on the chosen Node.js', () => {
    const used = ok(run('node', ['--version'], project), 'node --version').trim();
    if (nodeDir !== undefined) {
      const expected = ok(
        run(path.join(nodeDir, 'bin/node'), ['--version'], project),
        'node --version',
      ).trim();
      expect(used).toBe(expected);
    }
    expect(used).toMatch(/^v\d+\./);
  });

  it('ships dist/, the bin and the console, and no sources, tests or source maps', () => {
    const installed = path.join(project, 'node_modules/kconnect');
    const files = ok(run('find', ['.', '-type', 'f'], installed), 'find')
      .split('\n')
      .filter(Boolean);
    expect(files).toContain('./bin/kconnect.js');
    expect(files).toContain('./dist/adapters/http/console/index.html');
    expect(files.some((f) => f.startsWith('./dist/adapters/http/console/lib/'))).toBe(true);
    expect(files.some((f) => f.startsWith('./dist/adapters/http/console/pages/'))).toBe(true);
    expect(
      files.filter((f) => /^\.\/(src|test|bench|examples|scripts)\//.test(f) || f.endsWith('.map')),
    ).toEqual([]);
  });

  it('prints its version', () => {
    expect(ok(run('npx', ['kconnect', '--version'], project), 'kconnect --version').trim()).toBe(version);
  });

  it('describes the emulator command', () => {
    const help = ok(
      run('npx', ['kconnect', 'emulator', 'ksc', '--help'], project),
      'kconnect emulator ksc --help',
    );
    expect(help).toContain('Kaspersky Security Center Open API emulator');
    expect(help).toContain('--admin-password');
  });

  it('lists the hosts of an emulator started from the package', async () => {
    const dataDir = tempDir('kconnect-package-emulator-');
    // Its own process group, so that stopping it stops npx and the node it started.
    const emulator = spawn(
      'npx',
      [
        'kconnect',
        'emulator',
        'ksc',
        '--http',
        '--port',
        '0',
        '--hosts',
        '20',
        '--events',
        '50',
        '--data-dir',
        dataDir,
      ],
      {
        cwd: project,
        env: packageEnv({ KCONNECT_EMULATOR_PASSWORD: PASSWORD }),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    try {
      const url = await listeningUrl(emulator);
      const listed = run('npx', ['kconnect', 'list-hosts', '--format', 'json'], project, {
        env: { KCONNECT_URL: url, KCONNECT_USER: 'admin', KCONNECT_PASSWORD: PASSWORD },
      });
      const hosts = JSON.parse(ok(listed, 'kconnect list-hosts')) as unknown;
      expect(Array.isArray(hosts) ? hosts.length : Object.keys(hosts as object).length).toBeGreaterThan(0);
      expect(JSON.stringify(hosts)).not.toContain(PASSWORD);
    } finally {
      await stop(emulator);
    }
  }, 120_000);

  it("serves the web console's page, scripts and style from the package (the demo)", async () => {
    const dataDir = tempDir('kconnect-package-demo-');
    const demo = spawn(
      'npx',
      [
        'kconnect',
        'demo',
        '--port',
        '0',
        '--service-port',
        '0',
        '--data-dir',
        dataDir,
        '--hosts',
        '20',
        '--events',
        '50',
      ],
      { cwd: project, env: packageEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    try {
      const output = await outputUntil(demo, /Stop with Ctrl-C\./);
      const consoleUrl = /Web console:\s+(\S+)/.exec(output)?.[1];
      if (consoleUrl === undefined) throw new Error(`no console link in: ${output}`);
      const origin = new URL(consoleUrl).origin;
      const page = await fetch(`${origin}/console`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/console/console.js');
      for (const asset of ['console.js', 'console.css', 'lib/api.js', 'pages/hosts.js']) {
        const reply = await fetch(`${origin}/console/${asset}`);
        await reply.arrayBuffer();
        expect(`${asset}: ${reply.status}`).toBe(`${asset}: 200`);
      }
    } finally {
      await stop(demo);
    }
  }, 120_000);

  it('imports each entry point, with types tsc accepts under NodeNext', () => {
    writeFileSync(
      path.join(project, 'entries.mjs'),
      [
        "const entries = ['kconnect', 'kconnect/ksc', 'kconnect/kics', 'kconnect/intake', 'kconnect/emulator'];",
        'const loaded = {};',
        'for (const entry of entries) loaded[entry] = Object.keys(await import(entry)).length;',
        'console.log(JSON.stringify(loaded));',
      ].join('\n'),
    );
    const counts = JSON.parse(ok(run('node', ['entries.mjs'], project), 'node entries.mjs')) as Record<
      string,
      number
    >;
    expect(counts['kconnect']).toBeGreaterThan(0);
    expect(counts['kconnect/ksc']).toBeGreaterThan(0);
    expect(counts['kconnect/kics']).toBeGreaterThan(0);
    expect(counts['kconnect/intake']).toBeGreaterThan(0);
    expect(counts['kconnect/emulator']).toBeGreaterThan(0);

    writeFileSync(path.join(project, 'uses.ts'), USES_OF_THE_TYPES);
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          // The package's own declarations are checked too; its dependencies' are theirs to keep.
          skipLibCheck: false,
          typeRoots: [path.join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['uses.ts'],
      }),
    );
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    ok(run(process.execPath, [tsc, '-p', 'tsconfig.json'], project, { timeoutMs: 120_000 }), 'tsc');
  }, 150_000);
});

/** A consumer's module: the entries' values and types, and one misuse the types must reject. */
const USES_OF_THE_TYPES = `
import { executeCommand, KconnectError, decodeHostStatus, type IdempotencyStore } from 'kconnect';
import { KscClient, KlDate, compileFilter, type KscClientOptions } from 'kconnect/ksc';
import { startKscEmulator, startKicsEmulator, type KscEmulatorOptions, type RunningKscEmulator } from 'kconnect/emulator';
import { KicsClient, kicsQuery, type KicsClientOptions } from 'kconnect/kics';
import { runPipeline, FileSink, createMapping, type RunPipelineOptions, type PipelineStatus } from 'kconnect/intake';

const options: KscEmulatorOptions = { http: true, port: 0, adminPassword: 'secret' };
export async function start(): Promise<RunningKscEmulator> {
  const emulator = await startKscEmulator(options);
  const url: string = emulator.url;
  void url;
  return emulator;
}
export const isKconnectError = (error: unknown): error is KconnectError => error instanceof KconnectError;
export const store: IdempotencyStore | undefined = undefined;
export const run: typeof executeCommand = executeCommand;
export const decode: typeof decodeHostStatus = decodeHostStatus;
export const filter: typeof compileFilter = compileFilter;
export const date: typeof KlDate = KlDate;
export type ClientOptions = KscClientOptions;
export const client: typeof KscClient = KscClient;
export const kicsClient: typeof KicsClient = KicsClient;
export type KicsOptions = KicsClientOptions;
export const devicesQuery = kicsQuery('devices').where('status', '=', 'Unauthorized').build();
export const startKics: typeof startKicsEmulator = startKicsEmulator;
export const intake: (options: RunPipelineOptions) => Promise<PipelineStatus> = runPipeline;
export const ecs = createMapping('ecs');
export const sink = new FileSink({ path: 'out/events.ndjson' });
// @ts-expect-error a port is a number: the declarations are real types, not any
export const wrong: KscEmulatorOptions = { port: 'not a number' };
`;

/** The URL the emulator prints once it listens. */
async function listeningUrl(child: ChildProcess): Promise<string> {
  const pattern = /KSC emulator listening on (http:\/\/127\.0\.0\.1:\d+)/;
  return pattern.exec(await outputUntil(child, pattern))![1]!;
}

/** The process's output (stdout and stderr) once `pattern` appears in it; fails if it exits or takes 90 s. */
function outputUntil(child: ChildProcess, pattern: RegExp): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} after 90 s: ${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${pattern}: ${output}`));
    });
  });
}

/** Stops the process group `child` leads (npx and the node it started) by its id, and waits for it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
