import { describe, expect, it } from 'vitest';
import {
  defaultFormat,
  exitCodeOf,
  formatResult,
  PARTIAL_SUCCESS_EXIT_CODE,
  stringifyLossless,
} from '../../../src/adapters/cli/format.ts';
import type { CommandResult } from '../../../src/commands/core/types.ts';
import { ERROR_CODES, type ErrorCode } from '../../../src/errors.ts';
import { parseWireJson } from '../../../src/ksc/index.ts';

const BIG = 2n ** 60n + 7n;

const success: CommandResult = {
  status: 'Successful',
  raw: { PxgRetVal: { type: 'long', value: BIG } },
  context: [
    { id: '1152921504606846983', name: 'a|b' },
    { id: '2', name: 'c' },
  ],
  keyFields: { Count: 2 },
  result: {
    title: 'Things',
    columns: ['ID', 'NAME'],
    rows: [
      ['1152921504606846983', 'a|b'],
      ['2', 'c'],
    ],
  },
  errors: [],
};

function failed(code: ErrorCode, status: CommandResult['status'] = 'Failed'): CommandResult {
  return {
    ...success,
    status,
    errors: [
      {
        failureIndicator: 'Things failed.',
        statusCode: ERROR_CODES[code].httpStatus,
        code,
        message: 'why',
        item: 'x',
      },
      { failureIndicator: 'Things failed.', statusCode: 500, code: 'INTERNAL', message: 'second' },
    ],
  };
}

describe('CLI output', () => {
  it('json: the whole result, with longs beyond 2^53 as exact numbers', () => {
    const { stdout, stderr } = formatResult(success, 'json');
    expect(stderr).toBe('');
    expect(stdout).toContain('"value": 1152921504606846983');
    expect(parseWireJson(stdout)).toEqual(success);
    expect(stringifyLossless({ a: [BIG, -BIG], s: 'x' })).toBe(`{"a":[${BIG},-${BIG}],"s":"x"}`);
    // A string that looks like the internal marker stays a string.
    expect(stringifyLossless({ s: '\u0000bigint-0:1' })).toBe('{"s":"\\u0000bigint-0:1"}');
  });

  it('ndjson: one line per context record; errors on stderr', () => {
    const { stdout, stderr } = formatResult(failed('NOT_FOUND', 'Partially Successful'), 'ndjson');
    expect(stdout).toBe('{"id":"1152921504606846983","name":"a|b"}\n{"id":"2","name":"c"}\n');
    expect(stderr).toBe(
      'error: Things failed. [x] why (404 NOT_FOUND)\nerror: Things failed. second (500 INTERNAL)\n',
    );
    expect(formatResult({ ...success, context: { one: 1 } }, 'ndjson').stdout).toBe('{"one":1}\n');
    expect(formatResult({ ...success, context: null }, 'ndjson').stdout).toBe('');
  });

  it('table, html, markdown: the result table, escaped; the table ends with the status', () => {
    expect(formatResult(success, 'table').stdout).toBe(
      'Things\nID                   NAME\n-------------------  ----\n1152921504606846983  a|b\n2                    c\nSuccessful\n',
    );
    expect(formatResult(failed('ACCESS_DENIED'), 'table').stdout.endsWith('c\nFailed (2 errors)\n')).toBe(
      true,
    );
    const noData = { ...failed('ACCESS_DENIED'), result: { title: 'Things', columns: [], rows: [] } };
    expect(formatResult(noData, 'table').stdout).toBe('Failed (2 errors)\n');
    expect(formatResult(success, 'markdown').stdout).toContain('| 1152921504606846983 | a\\|b |');
    expect(formatResult(success, 'html').stdout).toContain('<td>a|b</td>');
  });

  it('table on a terminal, json otherwise', () => {
    expect(defaultFormat(true)).toBe('table');
    expect(defaultFormat(false)).toBe('json');
    expect(defaultFormat(undefined)).toBe('json');
  });

  it('exit codes: 0, 10 for partial success, else the first error’s CLI code', () => {
    expect(exitCodeOf(success)).toBe(0);
    expect(exitCodeOf(failed('NOT_FOUND', 'Partially Successful'))).toBe(PARTIAL_SUCCESS_EXIT_CODE);
    const expected: Record<string, number> = {
      INVALID_INPUT: 2,
      UNAUTHENTICATED: 3,
      ACCESS_DENIED: 4,
      NOT_FOUND: 5,
      CONFLICT: 6,
      UPSTREAM_ERROR: 8,
      UPSTREAM_UNAVAILABLE: 8,
      TIMEOUT: 9,
      INTERNAL: 1,
    };
    for (const [code, exit] of Object.entries(expected))
      expect(exitCodeOf(failed(code as ErrorCode))).toBe(exit);
    expect(new Set(Object.values(ERROR_CODES).map((c) => c.exitCode)).has(PARTIAL_SUCCESS_EXIT_CODE)).toBe(
      false,
    );
    const unknown = {
      ...success,
      status: 'Failed' as const,
      errors: [{ ...failed('CONFLICT').errors[0]!, code: 'ODD' }],
    };
    expect(exitCodeOf(unknown)).toBe(1);
  });
});
