/**
 * A real, throwaway PostgreSQL server for the test suite.
 *
 * `startPostgres()` runs `initdb` into a fresh temporary directory and starts `postgres` on 127.0.0.1 at a free
 * port; `stop()` shuts it down by PID and removes the directory. When the process runs as root (CI, containers)
 * the cluster is created and run as the `postgres` OS user, since PostgreSQL refuses to run as root. The server
 * binaries come from the Debian package `postgresql` (`/usr/lib/postgresql/<major>/bin`).
 *
 * `createTestDatabase()` gives each test file its own uniquely named database on a shared server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chownSync,
  closeSync,
  constants as fsConstants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, no password). */
  readonly url: string;
  readonly port: number;
  /** PID of the postmaster, read from `postmaster.pid`. */
  readonly pid: number;
  /** The cluster directory (PGDATA); it also holds the Unix socket and the server log `postgres.log`. */
  readonly dataDir: string;
  /** Fast shutdown (SIGINT), SIGKILL after 15 s, then removes `dataDir`. Idempotent. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Port to listen on (127.0.0.1 only); a free one is picked when omitted. */
  port?: number;
}

export interface TestDatabase {
  /** URL of the new database (the server URL with the database name replaced). */
  readonly url: string;
  readonly name: string;
  /** `DROP DATABASE … WITH (FORCE)`: closes any connections still open. Idempotent. */
  drop(): Promise<void>;
}

const PG_LIB_DIR = '/usr/lib/postgresql';
const FILE_PREFIX = 'kconnect-pg-';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_FILE = 'postgres.log';
const INSTALL_HINT =
  "Install the Debian package 'postgresql' (apt-get install postgresql; .ci/run installs it on CI), " +
  'or set KCONNECT_TEST_PG_URL to the URL of an existing server (a superuser that may CREATE DATABASE).';

/** Server settings for tests: durability off (the data is thrown away), room for many parallel pools. */
const SERVER_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '127.0.0.1',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '200',
  TimeZone: 'UTC',
  log_timezone: 'UTC',
  lc_messages: 'C',
};

interface Identity {
  readonly uid: number;
  readonly gid: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Binaries

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `/usr/lib/postgresql/<major>/bin`, newest major first. */
function versionedBinDirs(): string[] {
  let entries: string[];
  try {
    entries = readdirSync(PG_LIB_DIR);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .map((entry) => path.join(PG_LIB_DIR, entry, 'bin'));
}

/**
 * Locates a PostgreSQL program (`initdb`, `pg_ctl`, `postgres`, …): `/usr/lib/postgresql/<major>/bin` newest
 * major first, then `PATH`. Returns undefined when it is not installed.
 */
export function findPostgresBin(name: string): string | undefined {
  for (const dir of versionedBinDirs()) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** `postgres` and an `initdb` of the same installation (same directory after resolving symlinks). */
function resolveServerBinaries(): { postgres: string; initdb: string } {
  const postgres = findPostgresBin('postgres');
  let initdb: string | undefined;
  if (postgres !== undefined) {
    const sibling = path.join(path.dirname(realpathSync(postgres)), 'initdb');
    initdb = isExecutableFile(sibling) ? sibling : findPostgresBin('initdb');
  }
  if (postgres === undefined || initdb === undefined) {
    throw new Error(
      `PostgreSQL server programs (initdb, postgres) not found in ${PG_LIB_DIR}/*/bin or on PATH. ${INSTALL_HINT}`,
    );
  }
  return { postgres, initdb };
}

// ---------------------------------------------------------------------------------------------------------------
// Running as the postgres OS user

/** Undefined when not root: the server then runs as the current user. */
function serverIdentity(): Identity | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === 'postgres' && fields.length >= 4) {
        const uid = Number(fields[2]);
        const gid = Number(fields[3]);
        if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
      }
    }
  } catch {
    // fall through to id(1), which also sees users from NSS sources other than /etc/passwd
  }
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status === 0 && gid.status === 0)
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  throw new Error(
    "Running as root, but there is no 'postgres' OS user to run PostgreSQL as (PostgreSQL refuses to run as root). " +
      INSTALL_HINT,
  );
}

/** Whether `who` can reach `dir` (search permission on it and every parent; supplementary groups ignored). */
function traversableBy(dir: string, who: Identity | undefined): boolean {
  if (who === undefined) return true;
  try {
    let current = realpathSync(dir);
    for (;;) {
      const st = statSync(current);
      const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001;
      if ((st.mode & bit) === 0) return false;
      const parent = path.dirname(current);
      if (parent === current) return true;
      current = parent;
    }
  } catch {
    return false;
  }
}

function childEnv(home: string): NodeJS.ProcessEnv {
  // A clean environment: no PG* variables from the caller (PGPORT would change the server's default port), a
  // known locale for messages, and TZ so that initdb does not scan the zoneinfo database.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
}

/** Tells startPostgres how to kill what runs right now, should the process exit during startup. */
type Track = (kill: () => void) => void;

function runCollect(
  command: string,
  args: readonly string[],
  options: { cwd: string; who: Identity | undefined; track: Track },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // Its own process group, so that it can be killed together with the postgres processes it runs.
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: childEnv(options.cwd),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(options.who ?? {}),
    });
    options.track(() => signal(-(child.pid ?? 0), 'SIGKILL'));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (error) => resolve({ code: null, output: `${output}\n${String(error)}` }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `pid` is a live process (an unreaped zombie counts as gone). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Waits until the child has exited and been reaped (so its PID no longer exists). */
async function waitForExit(child: ChildProcess, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The postmaster is our child: once Node has reaped it, the PID is gone for good.
    if (pid === child.pid ? hasExited(child) : !isProcessAlive(pid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A detached shell that outlives us: if this process dies without stopping the server (SIGKILL, crash), it
 * shuts the server down and removes its directory within about a second. stop() kills it first.
 */
function spawnWatchdog(serverPid: number, dir: string): ChildProcess | undefined {
  const script = `
alive() {
  { read -r st < "/proc/$1/stat"; } 2>/dev/null || return 1
  st=\${st##*') '}
  case $st in ''|Z*) return 1 ;; esac
  return 0
}
while alive "$1" && alive "$2"; do sleep 1; done
alive "$1" && exit 0
if alive "$2"; then
  kill -INT "$2" 2>/dev/null
  i=0
  while alive "$2" && [ "$i" -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
  alive "$2" && kill -KILL "$2" 2>/dev/null && sleep 0.5
fi
rm -rf "$3"
`;
  if (!readableProc()) return undefined; // the script needs Linux /proc
  try {
    const child = spawn(
      '/bin/sh',
      ['-c', script, 'kconnect-pg-watchdog', String(process.pid), String(serverPid), dir],
      { detached: true, stdio: 'ignore' },
    );
    child.once('error', () => undefined);
    child.unref();
    return child;
  } catch {
    return undefined;
  }
}

function killWatchdog(watchdog: ChildProcess | undefined): void {
  if (watchdog?.pid !== undefined) signal(-watchdog.pid, 'SIGKILL'); // its process group: sh and its sleep
}

function readableProc(): boolean {
  try {
    readFileSync(`/proc/${process.pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/** Removes directories of earlier runs that died without cleaning up (no live postmaster, untouched for 10 min). */
function removeStaleDirs(base: string): void {
  let entries: string[];
  try {
    entries = readdirSync(base).filter((entry) => entry.startsWith(FILE_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = path.join(base, entry);
    try {
      if (Date.now() - statSync(dir).mtimeMs < 10 * 60_000) continue;
      let pid: number | undefined;
      try {
        pid = Number.parseInt(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8'), 10);
      } catch {
        pid = undefined;
      }
      if (pid !== undefined && Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours to worry about
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Server

async function connectOnce(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ data_directory: string }>('SHOW data_directory');
    return result.rows[0]?.data_directory ?? '';
  } finally {
    await client.end().catch(() => undefined);
  }
}

function makeDataDir(who: Identity | undefined): string {
  const candidates = [...new Set([os.tmpdir(), '/tmp'])];
  for (const base of candidates) {
    if (!traversableBy(base, who)) continue;
    removeStaleDirs(base);
    const dir = mkdtempSync(path.join(base, FILE_PREFIX));
    if (who !== undefined) chownSync(dir, who.uid, who.gid);
    return dir;
  }
  throw new Error(`None of ${candidates.join(', ')} is reachable by the postgres OS user (uid ${who?.uid}).`);
}

async function initCluster(
  initdb: string,
  dataDir: string,
  who: Identity | undefined,
  track: Track,
): Promise<void> {
  const common = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync'];
  // C collation (byte order: fast, the same everywhere) with Unicode-aware upper()/lower()/ILIKE; plain C where
  // the C.UTF-8 locale is not available.
  let result = await runCollect(initdb, [...common, '--locale=C', '--lc-ctype=C.UTF-8'], {
    cwd: dataDir,
    who,
    track,
  });
  if (result.code !== 0 && /locale/i.test(result.output)) {
    for (const entry of readdirSync(dataDir))
      rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    result = await runCollect(initdb, [...common, '--locale=C'], { cwd: dataDir, who, track });
  }
  if (result.code !== 0) {
    throw new Error(
      `initdb failed (exit code ${result.code}):\n${result.output.trimEnd().split('\n').slice(-40).join('\n')}`,
    );
  }
}

type Launch =
  | { ok: true; child: ChildProcess; watchdog: ChildProcess | undefined }
  | { ok: false; reason: string; portInUse: boolean };

async function launch(
  postgresBin: string,
  dataDir: string,
  port: number,
  who: Identity | undefined,
  track: Track,
): Promise<Launch> {
  const logFile = path.join(dataDir, LOG_FILE);
  const settings = { ...SERVER_SETTINGS, port: String(port), unix_socket_directories: dataDir };
  const args = [
    '-D',
    dataDir,
    ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
  ];
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // Same process group as us: a Ctrl-C in the terminal reaches the server too (SIGINT = fast shutdown).
    child = spawn(postgresBin, args, {
      cwd: dataDir,
      env: childEnv(dataDir),
      stdio: ['ignore', logFd, logFd],
      ...(who ?? {}),
    });
  } finally {
    closeSync(logFd);
  }
  child.unref();
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const pid = child.pid ?? -1;
  track(() => signal(pid, 'SIGKILL'));
  const watchdog = pid > 0 ? spawnWatchdog(pid, dataDir) : undefined;

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const expectedDir = realpathSync(dataDir);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: string;
  for (;;) {
    if (spawnError !== undefined || hasExited(child)) {
      const log = tail(logFile);
      const how = spawnError ? String(spawnError) : `exit code ${child.exitCode}, signal ${child.signalCode}`;
      killWatchdog(watchdog);
      return {
        ok: false,
        reason: `postgres exited during startup (${how})`,
        portInUse: /could not bind|in use/i.test(log),
      };
    }
    try {
      const served = await connectOnce(url);
      // Guard against a port race: make sure it is our server that answered.
      if (served === dataDir || served === expectedDir) return { ok: true, child, watchdog };
      lastError = `port ${port} is served by another PostgreSQL (data directory ${served})`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      signal(pid, 'SIGKILL');
      await waitForExit(child, pid, 5_000);
      killWatchdog(watchdog);
      return {
        ok: false,
        reason: `server not accepting connections after ${READY_TIMEOUT_MS / 1000} s (${lastError})`,
        portInUse: false,
      };
    }
    await sleep(50);
  }
}

/**
 * Starts a fresh PostgreSQL cluster on 127.0.0.1 for tests. Takes about a second or two (mostly initdb).
 * Throws, with the tail of the server log, when the server does not come up.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binaries = resolveServerBinaries();
  const who = serverIdentity();
  const dataDir = makeDataDir(who);
  // Should the process exit while starting (Ctrl-C, a failing run), kill initdb/postgres and remove the directory.
  let killCurrent: (() => void) | undefined;
  const track: Track = (kill) => (killCurrent = kill);
  const onExitWhileStarting = (): void => {
    killCurrent?.();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.on('exit', onExitWhileStarting);
  try {
    await initCluster(binaries.initdb, dataDir, who, track);

    let port = options.port ?? (await freePort());
    let started: Launch;
    for (let attempt = 1; ; attempt++) {
      started = await launch(binaries.postgres, dataDir, port, who, track);
      if (started.ok || !started.portInUse || options.port !== undefined || attempt >= 3) break;
      port = await freePort(); // lost the race for the port: try another
    }
    if (!started.ok) {
      throw new Error(
        `${started.reason}. Last lines of the server log:\n${tail(path.join(dataDir, LOG_FILE))}`,
      );
    }
    const { child, watchdog } = started;
    const pidLine = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
    const pid = Number.parseInt(pidLine, 10);
    if (!Number.isInteger(pid) || pid <= 0)
      throw new Error(`unreadable postmaster.pid in ${dataDir}: ${pidLine}`);

    // Last resort when the process exits without stop(): ask for a fast shutdown (the watchdog removes the dir).
    const onExit = (): void => signal(pid, 'SIGINT');
    process.on('exit', onExit);

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        process.off('exit', onExit);
        killWatchdog(watchdog);
        signal(pid, 'SIGINT');
        if (!(await waitForExit(child, pid, STOP_TIMEOUT_MS))) {
          signal(pid, 'SIGKILL');
          await waitForExit(child, pid, 5_000);
        }
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
      })());

    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, pid, dataDir, stop };
  } catch (error) {
    killCurrent?.();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  } finally {
    process.off('exit', onExitWhileStarting);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

/** Connects one `pg` client to `url`, runs `use`, and always disconnects. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function uniqueDatabaseName(prefix: string | undefined): string {
  const suffix = `${process.pid}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const clean = (prefix ?? 'kconnect_test').toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return `${clean.slice(0, 62 - suffix.length)}_${suffix}`;
}

/**
 * Creates a database no other test shares: `<name>_<pid>_<time>_<random>` (`name` defaults to `kconnect_test`
 * and is a prefix, never the exact name). `server` is a started server or just its URL (e.g. `inject('pgUrl')`).
 */
export async function createTestDatabase(
  server: PostgresServer | { readonly url: string } | string,
  name?: string,
): Promise<TestDatabase> {
  const adminUrl = typeof server === 'string' ? server : server.url;
  // `inject('pgUrl')` is undefined outside the contract tier, the only one whose global setup starts PostgreSQL.
  if (typeof adminUrl !== 'string' || adminUrl === '') {
    throw new Error(
      'No test PostgreSQL server in this vitest project: a test on PostgreSQL belongs to the contract tier ' +
        '(test/support/tiers.ts).',
    );
  }
  const dbName = uniqueDatabaseName(name);
  const ident = pg.escapeIdentifier(dbName);
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${ident}`));
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(dbName)}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    name: dbName,
    drop: () =>
      (dropping ??= withClient(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
      })),
  };
}
