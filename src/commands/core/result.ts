import { z } from 'zod';
import { ERROR_CODES, KconnectError } from '../../errors.ts';
import type { WireJson } from '../../wire/json.ts';
import type { CommandErrorEntry, CommandResult, CommandStatus, PlainJson, ResultTable } from './types.ts';

/** A table with one row: seed 001's summaries ("Hosts Count: 1"). */
export function summaryTable(title: string, values: Readonly<Record<string, PlainJson>>): ResultTable {
  return { title, columns: Object.keys(values), rows: [Object.values(values)] };
}

/** A table of records, one column per attribute (upper-cased, as seed 001's Result tables show them). */
export function recordsTable(
  title: string,
  records: readonly PlainJson[],
  columns?: readonly string[],
): ResultTable {
  const objects = records.filter(
    (r): r is { [key: string]: PlainJson } => r !== null && typeof r === 'object' && !Array.isArray(r),
  );
  const keys = columns ?? [...new Set(objects.flatMap((r) => Object.keys(r)))];
  return {
    title,
    columns: keys.map((k) => k.toUpperCase()),
    rows: objects.map((r) => keys.map((k) => r[k] ?? null)),
  };
}

/**
 * A table of `items`, one row each; with no item, a one-row summary saying `countLabel`: 0, as seed 001's results
 * show an empty list.
 */
export function itemsTable<T>(
  title: string,
  items: readonly T[],
  countLabel: string,
  columns: readonly string[],
  row: (item: T) => readonly PlainJson[],
): ResultTable {
  return items.length === 0
    ? summaryTable(title, { [countLabel]: 0 })
    : { title, columns, rows: items.map((item) => row(item)) };
}

/** A flag in a table cell, in words. */
export function yesNo(value: boolean): 'Yes' | 'No' {
  return value ? 'Yes' : 'No';
}

/** The status of a command over array input: all, some or none of the items succeeded. */
export function statusOf(succeeded: number, failed: number): CommandStatus {
  if (failed === 0) return 'Successful';
  return succeeded > 0 ? 'Partially Successful' : 'Failed';
}

/** The error entry of a thrown error: its code's HTTP status and its message (never a secret: see the client). */
export function errorEntry(title: string, error: unknown, item?: string): CommandErrorEntry {
  const base = { failureIndicator: `${title} failed.`, ...(item === undefined ? {} : { item }) };
  if (error instanceof KconnectError) {
    return {
      ...base,
      statusCode: ERROR_CODES[error.code].httpStatus,
      code: error.code,
      message: error.message,
    };
  }
  // Not ours: a bug. Say so without leaking internals beyond the message.
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, statusCode: 500, code: 'INTERNAL', message };
}

/** A failed result: no data, the errors. */
export function failedResult(title: string, errors: readonly CommandErrorEntry[]): CommandResult<never> {
  return {
    status: 'Failed',
    raw: null,
    context: null,
    keyFields: {} as never,
    result: { title, columns: [], rows: [] },
    errors,
  };
}

/** An input error naming the field and the reason, as seed 001's "The value for parameter (…) is invalid." */
export function inputErrors(title: string, error: z.ZodError): CommandErrorEntry[] {
  return error.issues.map((issue) => {
    const field = issue.path.length === 0 ? 'input' : issue.path.join('.');
    return {
      failureIndicator: `${title} failed.`,
      statusCode: 400,
      code: 'INVALID_INPUT',
      message: `The value for parameter (${field}) is invalid: ${issue.message}.`,
    };
  });
}

/** Thrown by a command for bad input it can only see at run time (after the schema). */
export function invalidInput(field: string, reason: string): KconnectError {
  return new KconnectError('INVALID_INPUT', `The value for parameter (${field}) is invalid: ${reason}.`);
}

/** Any {@link PlainJson} value. */
export const plainJsonSchema: z.ZodType<PlainJson> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(plainJsonSchema),
    z.record(z.string(), plainJsonSchema),
  ]),
);
const wireJson: z.ZodType<WireJson> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.bigint(),
    z.string(),
    z.array(wireJson),
    z.record(z.string(), wireJson),
  ]),
);

/** The output schema of a command: the contract of DESIGN.md with the command's own key fields. */
export function commandOutputSchema<KeyFields extends z.ZodType>(keyFields: KeyFields) {
  return z.object({
    status: z.enum(['Successful', 'Partially Successful', 'Failed']),
    raw: wireJson,
    context: plainJsonSchema,
    keyFields: z.union([keyFields, z.object({}).strict()]),
    result: z.object({
      title: z.string(),
      columns: z.array(z.string()),
      rows: z.array(z.array(plainJsonSchema)),
    }),
    errors: z.array(
      z.object({
        failureIndicator: z.string(),
        statusCode: z.number().int(),
        message: z.string(),
        code: z.string(),
        item: z.string().optional(),
      }),
    ),
  });
}
