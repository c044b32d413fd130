import { randomBytes } from 'node:crypto';
import { renderTable } from '../../commands/core/render.ts';
import type { CommandErrorEntry, CommandResult } from '../../commands/core/types.ts';
import { ERROR_CODES, type ErrorCode } from '../../errors.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'html', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `Partially Successful`: some items of an array input failed. Above every code of `ERROR_CODES`. */
export const PARTIAL_SUCCESS_EXIT_CODE = 10;
/** Stopped with Ctrl-C (128 + SIGINT, as shells report it). */
export const INTERRUPTED_EXIT_CODE = 130;

/** People at a terminal get the table; scripts and pipes get the whole result as JSON. */
export function defaultFormat(stdoutIsTTY: boolean | undefined): OutputFormat {
  return stdoutIsTTY === true ? 'table' : 'json';
}

/** What a result writes: data on stdout; in the text formats, errors on stderr so a pipe only sees data. */
export interface FormattedResult {
  readonly stdout: string;
  readonly stderr: string;
}

export function formatResult(result: CommandResult, format: OutputFormat): FormattedResult {
  switch (format) {
    case 'json':
      return { stdout: `${stringifyLossless(result, 2)}\n`, stderr: '' };
    case 'ndjson':
      return { stdout: ndjson(result), stderr: errorLines(result.errors) };
    case 'html':
      return { stdout: `${renderTable(result.result, 'html')}\n`, stderr: errorLines(result.errors) };
    case 'markdown':
      return { stdout: renderTable(result.result, 'markdown'), stderr: errorLines(result.errors) };
    case 'table':
      return {
        // A failure without data has no table to show, only its status and errors.
        stdout: `${noTable(result) ? '' : renderTable(result.result, 'text')}${statusLine(result)}\n`,
        stderr: errorLines(result.errors),
      };
  }
}

function noTable(result: CommandResult): boolean {
  return result.status === 'Failed' && result.result.columns.length === 0;
}

function statusLine(result: CommandResult): string {
  const failures = result.errors.length;
  return failures === 0 ? result.status : `${result.status} (${failures} error${failures === 1 ? '' : 's'})`;
}

function errorLines(errors: readonly CommandErrorEntry[]): string {
  return errors
    .map((e) => {
      const item = e.item === undefined ? '' : ` [${e.item}]`;
      return `error: ${e.failureIndicator}${item} ${e.message} (${e.statusCode} ${e.code})\n`;
    })
    .join('');
}

/** The context records, one JSON line each: an array gives a line per element, a record one line. */
function ndjson(result: CommandResult): string {
  const context = result.context;
  if (context === null) return '';
  const records = Array.isArray(context) ? context : [context];
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** 0 success; {@link PARTIAL_SUCCESS_EXIT_CODE} partial; otherwise the CLI code of the first error's code. */
export function exitCodeOf(result: CommandResult): number {
  if (result.status === 'Successful') return 0;
  if (result.status === 'Partially Successful') return PARTIAL_SUCCESS_EXIT_CODE;
  const code = result.errors[0]?.code;
  return code !== undefined && code in ERROR_CODES ? ERROR_CODES[code as ErrorCode].exitCode : 1;
}

/** Per-process marker for bigints; unguessable, so no string in the data can forge it. */
const NONCE = randomBytes(12).toString('hex');
const BIGINT_MARK = `\u0000bigint-${NONCE}:`;
const BIGINT_PATTERN = new RegExp(`"\\\\u0000bigint-${NONCE}:(-?\\d+)"`, 'g');

/**
 * JSON of a result with longs beyond 2^53 (bigint in `raw`) written as exact integer literals, as
 * `stringifyWireJson` does, but indented for people.
 */
export function stringifyLossless(value: unknown, indent?: number): string {
  let sawBigint = false;
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v !== 'bigint') return v;
      sawBigint = true;
      return `${BIGINT_MARK}${v.toString()}`;
    },
    indent,
  );
  return sawBigint ? text.replace(BIGINT_PATTERN, '$1') : text;
}
