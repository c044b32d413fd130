// @ts-check
// How a CommandResult looks on a page: its status, its errors and its Result table.

import { badge, h, table } from './dom.js';

/** @import { CommandError, CommandResult, ResultTable } from './commands.js' */

/**
 * The status as a badge (`Partially Successful` gets the class `Partially-Successful`).
 *
 * @param {CommandResult<unknown, unknown>['status']} status
 */
export function statusBadge(status) {
  return badge(status, status.replace(' ', '-'));
}

/**
 * Seed 001's Result: the small table every command returns.
 *
 * @param {ResultTable | undefined} result
 */
export function resultTable(result) {
  if (!result || !Array.isArray(result.columns) || result.columns.length === 0) return null;
  return h(
    'div',
    {},
    h('h2', { text: result.title }),
    table(
      result.rows,
      result.columns.map((column, i) => [column, (row) => row[i]]),
      { testId: 'result-table' },
    ),
  );
}

/** @param {CommandError[] | undefined} errors */
export function errorList(errors) {
  if (!Array.isArray(errors) || errors.length === 0) return null;
  return h(
    'ul',
    { class: 'error', 'data-testid': 'errors' },
    errors.map((e) =>
      h('li', { text: `${e.item ? `${e.item}: ` : ''}${e.message} (${e.statusCode} ${e.code})` }),
    ),
  );
}
