/**
 * Runs one row of the proof in its own directory: a vitest file or a benchmark as a child process, with the
 * figures file, debug logging and TMPDIR pointing into that directory, so everything the run writes (logs,
 * databases, crash reports) lands where the secret scan (R17) will look.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { ProofFigureLine } from '../test/support/proof-figure.ts';
import type { ProofRow } from './rows.ts';

export type Verdict = 'pass' | 'fail' | 'n.a.';

export interface RowResult {
  readonly row: ProofRow;
  readonly verdict: Verdict;
  /** The measured figure, or the reason a row has none. */
  readonly measured: string;
  readonly seconds: number;
}

export interface RowRunContext {
  readonly root: string;
  /** This row's directory under the proof's temp root. */
  readonly dir: string;
  /** Secret values the runs use, handed to them through the environment (R17 scans for them afterwards). */
  readonly env: Readonly<Record<string, string>>;
}

interface ChildOutcome {
  readonly code: number | null;
  readonly tail: string;
}

/** Runs a command with its output teed into `<dir>/output.log`; keeps the last lines for the report. */
function runChild(
  command: string,
  args: readonly string[],
  ctx: RowRunContext,
  env: Record<string, string>,
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(path.join(ctx.dir, 'output.log'));
    const child = spawn(command, args, { cwd: ctx.root, env: { ...process.env, ...env }, stdio: 'pipe' });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
      if (process.env['KCONNECT_PROOF_VERBOSE'] === '1') process.stderr.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      log.end(() => resolve({ code, tail }));
    });
  });
}

function readFigures(file: string, id: string): ProofFigureLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProofFigureLine)
    .filter((line) => line.id === id);
}

interface VitestSummary {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
}

function readVitestSummary(file: string): VitestSummary | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as VitestSummary;
}

/** The last non-empty lines of a child's output: what a failing row shows as its reason. */
function lastLines(text: string, n = 3): string {
  return text
    .split('\n')
    .map((l) => stripVTControlCharacters(l).trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' / ')
    .slice(0, 400);
}

export async function runRow(row: ProofRow, ctx: RowRunContext): Promise<RowResult> {
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  if (row.run.kind === 'notApplicable') {
    return { row, verdict: 'n.a.', measured: row.run.reason, seconds: 0 };
  }
  if (row.run.kind === 'secretScan') {
    // Run by proof/run.ts after every other row, over all their directories.
    throw new Error('the secret scan runs after the other rows');
  }
  mkdirSync(ctx.dir, { recursive: true });
  const figuresFile = path.join(ctx.dir, 'figures.ndjson');
  const tmp = path.join(ctx.dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const env: Record<string, string> = {
    ...ctx.env,
    ...row.run.env,
    KCONNECT_PROOF_OUT: figuresFile,
    KCONNECT_LOG_LEVEL: 'debug',
    // Every mkdtemp of the run lands here, so R17 searches what the run wrote.
    TMPDIR: tmp,
  };
  let outcome: ChildOutcome;
  let summary: VitestSummary | undefined;
  if (row.run.kind === 'vitest') {
    const json = path.join(ctx.dir, 'vitest.json');
    const args = [
      'vitest',
      'run',
      ...row.run.files,
      ...(row.run.testName === undefined ? [] : ['-t', row.run.testName]),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${json}`,
    ];
    outcome = await runChild('npx', args, ctx, env);
    summary = readVitestSummary(json);
  } else {
    const args = ['--expose-gc', '--import', 'tsx', row.run.file, ...(row.run.args ?? [])];
    outcome = await runChild(process.execPath, args, ctx, env);
  }
  return judge(row, outcome, summary, readFigures(figuresFile, row.id), seconds());
}

/** A row passes when its runner succeeded and every figure it recorded met the criterion. */
function judge(
  row: ProofRow,
  outcome: ChildOutcome,
  summary: VitestSummary | undefined,
  figures: readonly ProofFigureLine[],
  seconds: number,
): RowResult {
  const ok = outcome.code === 0;
  const tests =
    summary === undefined
      ? ''
      : `${summary.numPassedTests} tests passed` +
        (summary.numFailedTests > 0 ? `, ${summary.numFailedTests} failed` : '');
  if (figures.length > 0) {
    const text = figures.map((f) => f.figure).join('; ');
    const pass = ok && figures.every((f) => f.pass);
    const why = ok ? '' : ` — runner failed (exit ${outcome.code}): ${lastLines(outcome.tail)}`;
    return { row, verdict: pass ? 'pass' : 'fail', measured: `${text}${why}`, seconds };
  }
  if (!ok) {
    return {
      row,
      verdict: 'fail',
      measured: `${tests ? `${tests} — ` : ''}exit ${outcome.code}: ${lastLines(outcome.tail)}`,
      seconds,
    };
  }
  if (row.run.kind === 'vitest' && summary !== undefined && summary.numPassedTests > 0) {
    // The tests assert the criterion themselves; their count is the figure until they record a finer one.
    return { row, verdict: 'pass', measured: `${tests} (the criterion is their assertions)`, seconds };
  }
  if (row.run.kind === 'vitest') {
    return { row, verdict: 'fail', measured: 'no test ran (the -t pattern matched nothing?)', seconds };
  }
  return {
    row,
    verdict: 'fail',
    measured: `the benchmark ran but recorded no figure: ${lastLines(outcome.tail, 4)}`,
    seconds,
  };
}
