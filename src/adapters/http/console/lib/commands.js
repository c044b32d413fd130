// @ts-check
// Command calls. Every action of the console is one (`POST /v1/commands/{name}`), so the service's scopes apply
// and its audit log names the token.

import { api } from './api.js';
import { CommandUnavailable } from './catalogue.js';
import { session, connectionQuery } from './session.js';

/** @import { Use } from './uses.js' */

/**
 * @typedef {object} ResultTable seed 001's Result: the small table every command returns
 * @property {string} title
 * @property {string[]} columns
 * @property {unknown[][]} rows
 */

/**
 * @typedef {object} CommandError
 * @property {string} failureIndicator
 * @property {number} statusCode
 * @property {string} code
 * @property {string} message
 * @property {string} [item]
 */

/**
 * What every command answers. `C` and `K` are what a page expects in `context` and `keyFields`: the service
 * documents them per command in its OpenAPI document, and the page trusts it to keep to them.
 *
 * @template [C=unknown]
 * @template [K=Record<string, unknown>]
 * @typedef {object} CommandResult
 * @property {'Successful' | 'Partially Successful' | 'Failed'} status
 * @property {unknown} raw
 * @property {C} context
 * @property {K} keyFields
 * @property {ResultTable | undefined} result
 * @property {CommandError[]} errors
 */

/**
 * Runs a command by name on a connection (default: the chosen one); answers its CommandResult (a refusal is one
 * too).
 *
 * @template [C=unknown]
 * @template [K=Record<string, unknown>]
 * @param {string} name
 * @param {unknown} input
 * @param {string} [connection]
 * @returns {Promise<CommandResult<C, K>>}
 */
export async function callCommand(name, input, connection) {
  const { body } = await api(`/v1/commands/${encodeURIComponent(name)}${connectionQuery('?', connection)}`, {
    method: 'POST',
    body: JSON.stringify(input ?? {}),
  });
  return /** @type {CommandResult<C, K>} */ (body);
}

/**
 * Runs the command of one of the console's uses: the catalogue must have it, with every field `input` names.
 *
 * @template [C=unknown]
 * @template [K=Record<string, unknown>]
 * @param {Use} use
 * @param {Record<string, unknown>} input
 * @param {string} [connection] default: the chosen (KSC) one
 * @returns {Promise<CommandResult<C, K>>}
 * @throws {CommandUnavailable} when the service lacks the command or a field
 */
export async function runCommand(use, input, connection) {
  const undeclared = Object.keys(input).filter((field) => !use.fields.includes(field));
  if (undeclared.length > 0) {
    // A page sent a field its use does not list: the start-up check would not have caught a missing one.
    throw new Error(
      `The console sends ${undeclared.join(', ')} to ${use.command} without listing it in uses.js`,
    );
  }
  if (session.catalogue === undefined)
    throw new CommandUnavailable(use, 'The command catalogue is not loaded.');
  const entry = session.catalogue.require(use);
  return callCommand(entry.name, input, connection);
}

/**
 * The first error's message of a failed result.
 *
 * @param {CommandResult<unknown, unknown> | undefined} result
 */
export function firstError(result) {
  return result?.errors?.[0]?.message ?? 'no answer';
}
