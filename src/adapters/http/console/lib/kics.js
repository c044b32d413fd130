// @ts-check
// The OT section's side of the service: its commands run on the KICS for Networks connection (not the KSC one
// the header chooses), the choices of its filters in words, and reading the newest events of a window.

import { runCommand } from './commands.js';
import { badge, h } from './dom.js';
import { kicsConnection, session } from './session.js';
import { OT_USES } from './uses.js';

/** @import { CommandResult } from './commands.js' */
/** @import { Use } from './uses.js' */

/**
 * Badge classes (the stylesheet's colours) for KICS codes: an unauthorized device is the one to look at.
 *
 * @type {Readonly<Record<string, string>>}
 */
const KINDS = {
  Recognized: 'ok',
  Unauthorized: 'bad',
  Archived: 'quiet',
  Ok: 'ok',
  Warning: 'Warning',
  Critical: 'Critical',
  Resolved: 'ok',
  Active: 'Warning',
};

/**
 * A coloured label of a KICS code, in words.
 *
 * @param {string} code
 * @param {string} [text] the record's own words
 */
export function codeBadge(code, text) {
  return badge(text ?? code, KINDS[code] ?? 'quiet');
}

/**
 * The choices of an input field (an enum, or an array of one), as the catalogue describes the command: each code
 * with its words, which the command's schema carries (`x-enum-words`), or the code itself when it has none.
 *
 * @param {Use} use
 * @param {string} field
 * @returns {{ value: string, text: string }[]}
 */
export function choicesOf(use, field) {
  const property = session.catalogue?.fieldOf(use, field);
  const schema = property?.enum === undefined ? property?.items : property;
  const words = schema?.['x-enum-words'] ?? {};
  return (schema?.enum ?? [])
    .filter((value) => typeof value === 'string')
    .map((value) => ({ value, text: Object.hasOwn(words, value) ? (words[value] ?? value) : value }));
}

/** The name of the KICS connection; the OT pages are shown only when there is one. */
export function kicsName() {
  return kicsConnection()?.name ?? '';
}

/**
 * Runs an OT use on the KICS connection.
 *
 * @template [C=unknown]
 * @template [K=Record<string, unknown>]
 * @param {Use} use
 * @param {Record<string, unknown>} input
 * @returns {Promise<CommandResult<C, K>>}
 */
export function runKics(use, input) {
  return runCommand(use, input, kicsName());
}

/**
 * A link to an OT device's page.
 *
 * @param {unknown} id
 * @param {unknown} name
 */
export function deviceLink(id, name) {
  const text = typeof name === 'string' && name !== '' ? name : `Device ${String(id)}`;
  if (typeof id !== 'number') return text;
  return h('a', { href: `#/ot/device/${id}`, text });
}

/**
 * An OT event as `kics_list_events` answers it (the fields the pages show).
 *
 * @typedef {object} KicsEventRow
 * @property {number} id
 * @property {string} title
 * @property {string} severity
 * @property {string} status
 * @property {string} [statusText]
 * @property {string} [technologyText]
 * @property {string} [protocol]
 * @property {string} startTime
 * @property {string[]} sourceIps
 * @property {string[]} destinationIps
 * @property {{ id: number, name: string, ipAddress?: string }[]} devices
 * @property {number} mark
 * @property {string} [description]
 */

/**
 * @typedef {object} EventKeys
 * @property {number | null} LastEventId
 * @property {boolean} MoreAvailable
 */

/** Events one call reads: the command's own paging reads them 1,000 a request. */
const EVENTS_PER_CALL = 1000;

/**
 * The newest `keep` events of a filter since a time, oldest first, and the id to read on from. KICS lists events
 * by id only (spec §9), so the window is read forward by `afterId` and its head dropped; `calls` bounds the work
 * for a busy window (the events then are the newest of what was read, and `complete` is false).
 *
 * @param {Record<string, unknown>} filter
 * @param {{ keep: number, calls: number }} bounds
 * @returns {Promise<{ events: KicsEventRow[], lastId: number | undefined, complete: boolean, error?: string }>}
 */
export async function newestEvents(filter, bounds) {
  /** @type {KicsEventRow[]} */
  let events = [];
  /** @type {number | undefined} */
  let lastId;
  for (let call = 0; call < bounds.calls; call++) {
    /** @type {CommandResult<KicsEventRow[], EventKeys>} */
    const result = await runKics(OT_USES.events, {
      ...filter,
      limit: EVENTS_PER_CALL,
      ...(lastId === undefined ? {} : { afterId: lastId }),
    });
    if (result.status === 'Failed') {
      return { events, lastId, complete: false, error: result.errors[0]?.message ?? 'no answer' };
    }
    events = [...events, ...result.context].slice(-bounds.keep);
    lastId = result.keyFields.LastEventId ?? lastId;
    if (!result.keyFields.MoreAvailable) return { events, lastId, complete: true };
  }
  return { events, lastId, complete: false };
}
