/**
 * How tests and benchmarks hand a figure to `npm run proof` (proof/run.ts): one JSON line per figure appended to
 * the file named by `KCONNECT_PROOF_OUT`. Without that variable (a plain `vitest run`, `npm run bench`) it does
 * nothing, so calling it never changes what a test asserts or prints.
 */
import { appendFileSync } from 'node:fs';

/** The variable naming the file figures are appended to. */
export const PROOF_OUT_ENV = 'KCONNECT_PROOF_OUT';

export interface ProofFigure {
  /** What was measured, in words a reader of docs/proof.md understands: `0 lost, 0 duplicated of 1,000,000`. */
  readonly figure: string;
  /** Whether the measured figure meets the row's pass criterion. */
  readonly pass: boolean;
  /** The raw numbers behind the figure, for whoever wants to compare runs. */
  readonly measured?: Readonly<Record<string, number | string | boolean>>;
}

/** One line of the figures file. */
export interface ProofFigureLine extends ProofFigure {
  readonly id: string;
  readonly at: string;
}

/** Records a figure for row `id` (`R3`, `B5`) when the proof runs this file; a no-op otherwise. */
export function recordFigure(id: string, figure: ProofFigure): void {
  const file = process.env[PROOF_OUT_ENV];
  if (file === undefined || file === '') return;
  const line: ProofFigureLine = { id, at: new Date().toISOString(), ...figure };
  // appendFileSync with one write per line: figures from parallel test workers never interleave mid-line.
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** Formats a count with thousands separators, the way figures read in the report. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
