/**
 * The proof's report: one table row per spec row, printed to the terminal and written as docs/proof.md with
 * the date, the commit and the machine, so a reader knows what the figures were measured on.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { RowResult } from './run-row.ts';

export interface Machine {
  readonly date: string;
  readonly commit: string;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly loadAverage: string;
}

export function describeMachine(root: string): Machine {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout (a packed tarball): the report says so instead of failing.
  }
  return {
    date: new Date().toISOString(),
    commit,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
  };
}

/** Pipes and line breaks would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function verdictOf(result: RowResult): string {
  if (result.verdict === 'n.a.') return 'n.a.';
  const limit = result.row.limit === undefined ? '' : ` (limit: ${result.row.limit})`;
  return `${result.verdict}${limit}`;
}

export function markdownTable(results: readonly RowResult[]): string {
  const lines = [
    '| id | scenario | injected | criterion | measured | result | s |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.row.id} | ${cell(r.row.scenario)} | ${cell(r.row.injected)} | ${cell(r.row.criterion)} | ` +
        `${cell(r.measured)} | **${cell(verdictOf(r))}** | ${r.seconds} |`,
    );
  }
  return lines.join('\n');
}

export interface ReportInput {
  readonly machine: Machine;
  readonly command: string;
  readonly results: readonly RowResult[];
  /** Rows of the registry this run did not run (a subset or --fast), so the report never reads as complete. */
  readonly notRun: readonly string[];
  readonly tempRoot: string;
  /** Whether the benchmark and script rows ran the compiled code (`npm run build` at the start). */
  readonly compiled: boolean;
}

export function summaryLine(results: readonly RowResult[]): string {
  const n = (v: RowResult['verdict']): number => results.filter((r) => r.verdict === v).length;
  return `${n('pass')} pass, ${n('fail')} fail, ${n('n.a.')} n.a. of ${results.length} rows run`;
}

export function markdownReport(input: ReportInput): string {
  const m = input.machine;
  return [
    '# The proof: every reliability scenario and benchmark target',
    '',
    'Written by `npm run proof` (proof/run.ts); do not edit by hand. The rows and their pass criteria come from',
    '`../shared/spec/performance-and-reliability.md` (R1–R24, B1–B8); proof/rows.ts says how each one runs.',
    '',
    '## How to run it',
    '',
    '- `npm run proof` runs every row (long: R1 at 1,000,000 events and 100 kills, the benchmarks);',
    '  `npm run proof -- R3 B5` runs those rows; `npm run proof -- --fast` runs the rows that finish in seconds',
    '  (what CI runs, test/proof/proof-fast.test.ts); `--duration <minutes>` sets the soak (R21, default 10).',
    '- The benchmark rows (B) run first, on the machine as it was at the start; then the scenarios (R).',
    '- A run with benchmark or script rows builds first (`npm run build`) and runs those rows on the compiled',
    '  code (`KCONNECT_PREFER_DIST=1`): what users install, without the TypeScript loader of a checkout.',
    '- Each row runs in its own directory under a temporary root, at debug log level, with `TMPDIR` inside it;',
    '  R17 then searches every log, database file and crash report there for the secrets the runs used.',
    '- `--report <file>` writes the report elsewhere (default docs/proof.md); `--keep` keeps the temp root.',
    '- A row passes when its runner succeeds and every figure it recorded meets the criterion; tests and',
    '  benchmarks record figures with `recordFigure` (test/support/proof-figure.ts) where they assert.',
    '  A row whose tests pass without a recorded figure shows the test count: the criterion is their assertions.',
    '',
    '## This run',
    '',
    `- Date: ${m.date}`,
    `- Commit: ${m.commit}`,
    `- Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, load average at start ${m.loadAverage}`,
    `- Command: \`${input.command}\``,
    `- Code under test: ${input.compiled ? 'compiled (dist/) for the benchmark and script rows; the tests from the sources' : 'the sources (no benchmark or script row ran)'}`,
    `- Result: ${summaryLine(input.results)}`,
    input.notRun.length === 0
      ? '- Every row of the registry ran.'
      : `- Not run this time: ${input.notRun.join(', ')}`,
    '',
    markdownTable(input.results),
    '',
  ].join('\n');
}

/** A compact table for the terminal. */
export function terminalTable(results: readonly RowResult[]): string {
  return results
    .map(
      (r) => `${r.row.id.padEnd(4)} ${r.verdict.padEnd(5)} ${String(r.seconds).padStart(6)}s  ${r.measured}`,
    )
    .join('\n');
}
