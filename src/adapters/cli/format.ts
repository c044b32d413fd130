import { randomBytes } from 'node:crypto';
import { renderTable } from '../../commands/core/render.ts';
import type { CommandErrorEntry, CommandResult, PlainJson } from '../../commands/core/types.ts';
import { ERROR_CODES, type ErrorCode } from '../../errors.ts';
import type { CliStream } from './cli-io.ts';

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

/** A stream that says when it can take more (`process.stdout`); a test's buffer takes everything at once. */
interface DrainableStream extends CliStream {
  once(event: 'drain' | 'close' | 'error', listener: (error?: unknown) => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', listener: (error?: unknown) => void): unknown;
}

function drainable(stream: CliStream): stream is DrainableStream {
  const candidate = stream as Partial<DrainableStream>;
  return typeof candidate.once === 'function' && typeof candidate.removeListener === 'function';
}

/** Resolves once `stream` can take more (or has closed: nothing more will be taken); rejects on its error. */
function drained(stream: DrainableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown): void => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      stream.removeListener('error', failed);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    };
    const failed = (error?: unknown): void => done(error ?? new Error('the output stream failed'));
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', failed);
  });
}

/**
 * Writes records as `--format ndjson` lines (one JSON object per line, as {@link formatResult} writes a whole
 * context) as they arrive, waiting for the stream to drain when it asks to: memory stays flat however many
 * records there are, and a slow reader slows the reading of pages instead of filling the heap. Answers how many
 * were written; what the source throws is the caller's to report.
 */
export async function writeNdjsonRecords(
  records: AsyncIterable<PlainJson>,
  out: CliStream,
  afterRecord: () => void = () => undefined,
): Promise<number> {
  let written = 0;
  for await (const record of records) {
    const more = out.write(`${JSON.stringify(record)}\n`);
    written++;
    afterRecord();
    if (more === false && drainable(out)) await drained(out);
  }
  return written;
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
