/**
 * `npm run bench -- cli-stream`: output at any size (issue 15). Runs `kconnect list-hosts --limit 100000
 * --format ndjson` as a user runs it (its own process, `bin/kconnect.js`) against the KSC emulator with 100,000
 * hosts, reads its stdout as a pipe would (counting lines, keeping nothing), and reports the wall time and the
 * CLI process's peak RSS (`/usr/bin/time -f %M`: the kernel's high-water mark, not a sample). For comparison it
 * then runs the same list with `--format json` (the whole result in memory), which does not stream.
 *
 * It measures the compiled CLI (`dist/`, as the installed package runs; `npm run build` first), since the sources
 * run through tsx, whose loader alone adds some 40 MB; KCONNECT_BENCH_SOURCES=1 measures the sources anyway.
 *
 * Target: the streamed run under 150 MB peak RSS (compiled), every line a host record.
 * Sizes: KCONNECT_BENCH_HOSTS (default 100000); KCONNECT_BENCH_SKIP_JSON=1 skips the comparison.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from './_emulator-process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'bench-stream-password-0042';
const HOSTS = Number(process.env['KCONNECT_BENCH_HOSTS'] ?? 100_000);
const LIMIT = 100_000;
const RSS_LIMIT_MB = 150;
const TIME = '/usr/bin/time';
const COMPILED = !process.env['KCONNECT_BENCH_SOURCES'];

interface CliRun {
  readonly code: number | null;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly lines: number;
  readonly bytes: number;
  /** Lines that are not a host record (no `KLHST_WKS_HOSTNAME`); in JSON mode, not counted. */
  readonly badLines: number;
  readonly stderr: string;
}

/** Runs kconnect under `/usr/bin/time`, reading its stdout as it comes and keeping only counts. */
function runKconnect(args: readonly string[], dir: string, checkLines: boolean): Promise<CliRun> {
  const timeFile = path.join(dir, `time-${Date.now()}`);
  const child = spawn(
    TIME,
    ['-f', '%e %M', '-o', timeFile, process.execPath, path.join(root, 'bin/kconnect.js'), ...args],
    {
      cwd: dir,
      env: {
        ...process.env,
        KCONNECT_STATE_DIR: path.join(dir, 'state'),
        KCONNECT_PREFER_DIST: COMPILED ? '1' : '0',
      },
    },
  );
  let lines = 0;
  let bytes = 0;
  let badLines = 0;
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    bytes += Buffer.byteLength(chunk);
    if (!checkLines) return;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines++;
      if (!line.includes('"KLHST_WKS_HOSTNAME"')) badLines++;
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const [, maxKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ');
      resolve({ code, seconds, peakRssMb: Number(maxKb) / 1024, lines, bytes, badLines, stderr });
    });
  });
}

const line = (name: string, value: string, note = ''): void =>
  console.log(`${name.padEnd(58)} ${value.padStart(16)}   ${note}`.trimEnd());
const mb = (value: number): string => `${value.toFixed(1)} MB`;

const failures: string[] = [];
if (!existsSync(TIME)) {
  console.log(`${TIME} is not installed (Debian: apt-get install time); it measures the peak RSS`);
  process.exit(1);
}
if (COMPILED && !existsSync(path.join(root, 'dist/adapters/cli/main.js'))) {
  console.log(
    'dist/ is missing: run `npm run build` first (or KCONNECT_BENCH_SOURCES=1 to measure the sources)',
  );
  process.exit(1);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-bench-stream-'));
const passwordFile = path.join(dir, 'password');
writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
const emulator = await startEmulator({ hosts: HOSTS, events: 1_000, password: PASSWORD });
try {
  const connection = ['--url', emulator.url, '--user', 'admin', '--password-file', passwordFile];
  const list = ['list-hosts', '--limit', String(LIMIT)];
  console.log(
    `kconnect ${list.join(' ')} --format ndjson, against the emulator (SQLite) with ${HOSTS} hosts, ` +
      `Node ${process.version}, ${os.cpus().length} cores, ${COMPILED ? 'compiled (dist/)' : 'sources (tsx)'}`,
  );
  line('emulator start-up (generating the world; not the CLI)', `${emulator.startupSeconds.toFixed(1)} s`);

  const streamed = await runKconnect([...list, '--format', 'ndjson', ...connection], dir, true);
  if (streamed.code !== 0) failures.push(`ndjson: exit ${streamed.code}: ${streamed.stderr.trim()}`);
  if (streamed.lines === 0) failures.push('ndjson: no lines');
  if (streamed.badLines > 0) failures.push(`ndjson: ${streamed.badLines} lines are not host records`);
  line(
    `--format ndjson: ${streamed.lines} hosts, ${mb(streamed.bytes / 1024 / 1024)}`,
    `${streamed.seconds.toFixed(2)} s`,
    `${Math.round(streamed.lines / streamed.seconds).toLocaleString('en-US')} hosts/s`,
  );
  line('  CLI process peak RSS (/usr/bin/time %M)', mb(streamed.peakRssMb), `target: < ${RSS_LIMIT_MB} MB`);
  if (streamed.peakRssMb >= RSS_LIMIT_MB) {
    failures.push(`ndjson: peak RSS ${streamed.peakRssMb.toFixed(1)} MB ≥ ${RSS_LIMIT_MB} MB`);
  }

  if (process.env['KCONNECT_BENCH_SKIP_JSON'] !== '1') {
    const whole = await runKconnect([...list, '--format', 'json', ...connection], dir, false);
    if (whole.code !== 0) failures.push(`json: exit ${whole.code}: ${whole.stderr.trim()}`);
    line(
      `--format json (the whole result; not streamed): ${mb(whole.bytes / 1024 / 1024)}`,
      `${whole.seconds.toFixed(2)} s`,
    );
    line('  CLI process peak RSS (/usr/bin/time %M)', mb(whole.peakRssMb), 'for comparison');
  }
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.log(`\nFAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
console.log('\nOK');
