/**
 * `npm run proof [-- ids…] [--fast] [--duration <min>] [--report <file>] [--keep]`: runs the rows of
 * proof/rows.ts (all, the ids given, or the fast ones), each in its own directory under a temporary root, then
 * the secret scan (R17) over everything they wrote, and prints and writes the report (docs/proof.md).
 * Exits 1 when a row fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, markdownReport, summaryLine, terminalTable } from './report.ts';
import { runRow, type RowResult } from './run-row.ts';
import { ROWS, type ProofRow } from './rows.ts';
import { knownSecrets, needlesFor, scanForSecrets } from './secret-scan.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Options {
  readonly ids: readonly string[];
  readonly fast: boolean;
  readonly durationMinutes: number;
  readonly report: string;
  readonly keep: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const ids: string[] = [];
  let fast = false;
  let durationMinutes = 10;
  let report = path.join(root, 'docs', 'proof.md');
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--fast') fast = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--duration') durationMinutes = Number(argv[++i]);
    else if (arg === '--report') report = path.resolve(argv[++i] ?? '');
    else if (/^[RB]\d+$/i.test(arg)) ids.push(arg.toUpperCase());
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (!Number.isFinite(durationMinutes) || durationMinutes <= 0)
    throw new UsageError('--duration takes a number of minutes > 0');
  const unknown = ids.filter((id) => !ROWS.some((r) => r.id === id));
  if (unknown.length > 0) throw new UsageError(`no such row: ${unknown.join(', ')}`);
  return { ids, fast, durationMinutes, report, keep };
}

/**
 * The rows to run, benchmarks first: their figures are rates and peaks that the heat and left-over processes of
 * the fault scenarios would skew, while a scenario's criterion is a count that a warm machine does not change.
 */
function selectRows(options: Options): ProofRow[] {
  // `--fast R21` runs the fast rows and R21.
  const selected =
    options.ids.length === 0 && !options.fast
      ? [...ROWS]
      : ROWS.filter((r) => options.ids.includes(r.id) || (options.fast && r.fast));
  const isBenchmark = (row: ProofRow): boolean => row.id.startsWith('B');
  return [...selected.filter(isBenchmark), ...selected.filter((row) => !isBenchmark(row))];
}

/** R17 over the directories of every row this run executed. */
function secretScanResult(row: ProofRow, tempRoot: string, ran: readonly RowResult[]): RowResult {
  const started = Date.now();
  const secrets = knownSecrets(root);
  const scan = scanForSecrets([tempRoot], needlesFor(secrets));
  const runs = ran.filter((r) => r.row.run.kind === 'vitest' || r.row.run.kind === 'script').length;
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  if (runs === 0) {
    return {
      row,
      verdict: 'n.a.',
      measured: 'no other row ran in this run, so there was nothing to search',
      seconds,
    };
  }
  const where = [...new Set(scan.hits.map((h) => `${path.relative(tempRoot, h.file)}: ${h.needle}`))];
  const figure =
    `${scan.hits.length} hits in ${scan.filesScanned} files (${(scan.bytesScanned / 1024 ** 2).toFixed(1)} MB) ` +
    `of ${runs} rows, ${secrets.length} secrets and their base64 plus KSCBasic, session headers, bearer JWTs`;
  return {
    row,
    verdict: scan.hits.length === 0 ? 'pass' : 'fail',
    measured: scan.hits.length === 0 ? figure : `${figure}: ${where.slice(0, 8).join('; ')}`,
    seconds,
  };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const machine = describeMachine(root);
  const rows = selectRows(options);
  // Benchmarks and scripts start `kconnect` processes: they measure the compiled code users install.
  const compiled = rows.some((r) => r.run.kind === 'script');
  if (compiled) {
    console.log('proof: npm run build (the benchmark and script rows run dist/)');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  const tempRoot = mkdtempSync(path.join(os.tmpdir(), 'kconnect-proof-'));
  console.log(`proof: ${rows.length} rows, temp root ${tempRoot}, load ${machine.loadAverage}`);
  const results: RowResult[] = [];
  const scanRows: ProofRow[] = [];
  for (const row of rows) {
    if (row.run.kind === 'secretScan') {
      scanRows.push(row);
      continue;
    }
    const dir = path.join(tempRoot, row.id);
    mkdirSync(dir, { recursive: true });
    process.stdout.write(`${row.id} ${row.scenario} … `);
    const env = {
      KCONNECT_PROOF_SOAK_MINUTES: String(options.durationMinutes),
      ...(row.run.kind === 'script' ? { KCONNECT_PREFER_DIST: '1' } : {}),
    };
    const result = await runRow(row, { root, dir, env });
    console.log(`${result.verdict} (${result.seconds} s): ${result.measured}`);
    results.push(result);
  }
  for (const row of scanRows) results.push(secretScanResult(row, tempRoot, results));
  const order = new Map(ROWS.map((r, i) => [r.id, i]));
  results.sort((a, b) => order.get(a.row.id)! - order.get(b.row.id)!);

  const notRun = ROWS.filter((r) => !rows.includes(r)).map((r) => r.id);
  const command = `npm run proof${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  writeFileSync(options.report, markdownReport({ machine, command, results, notRun, tempRoot, compiled }));
  console.log(`\n${terminalTable(results)}\n\n${summaryLine(results)}; report: ${options.report}`);
  if (!options.keep) rmSync(tempRoot, { recursive: true, force: true });
  return results.some((r) => r.verdict === 'fail') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `proof: ${error.message}` : error);
    process.exit(2);
  },
);
