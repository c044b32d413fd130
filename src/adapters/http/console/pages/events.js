// @ts-check
// The newest events, newest first, with new ones added every few seconds from `GET /v1/events?since=…`: a live
// view, not an intake (a gap wider than one look loses its older events).

import { read, SignedOut } from '../lib/api.js';
import { failure, fill, h, hostLink, table, time } from '../lib/dom.js';
import { connectionQuery } from '../lib/session.js';
import { describe, every, show } from '../lib/view.js';

const EVENTS_POLL_MS = 3000;
const MAX_EVENT_ROWS = 500;
const SEVERITIES = [
  ['', 'any severity'],
  ['4', 'Critical'],
  ['3', 'Error'],
  ['2', 'Warning'],
  ['1', 'Info'],
];

/**
 * @typedef {object} EventRow
 * @property {string} rise_time
 * @property {number} [event_db_id]
 * @property {number} [event_id]
 * @property {string} [severityName]
 * @property {number} [GNRL_EA_SEVERITY]
 * @property {string} [event_type]
 * @property {string} [event_type_display_name]
 * @property {string} [hostname]
 * @property {string} [hostdn]
 * @property {string} [GNRL_EA_DESCRIPTION]
 * @property {string} [task_display_name]
 */

export function eventsPage() {
  const seen = new Set();
  /** @type {string | undefined} */
  let newest;
  let paused = false;
  /** @type {EventRow[]} */
  const rows = [];
  const severity = h(
    'select',
    { id: 'event-severity', onchange: () => redraw() },
    SEVERITIES.map(([value, text]) => h('option', { value, text })),
  );
  const pause = h('button', {
    type: 'button',
    class: 'quiet',
    text: 'Pause',
    onclick: () => {
      paused = !paused;
      pause.textContent = paused ? 'Resume' : 'Pause';
    },
  });
  const counter = h('p', { class: 'muted', 'data-testid': 'event-count' });
  const holder = h('div', {});
  const problem = h('div', {});
  /** @param {EventRow} e */
  const keyOf = (e) => `${e.event_db_id ?? ''}/${e.event_id ?? ''}/${e.rise_time}`;

  function redraw() {
    const wanted = severity.value;
    const shown = wanted === '' ? rows : rows.filter((e) => String(e.GNRL_EA_SEVERITY) === wanted);
    counter.textContent = `${shown.length} events shown, newest first; new ones appear every few seconds`;
    fill(
      holder,
      table(
        shown,
        [
          ['Time', (e) => time(e.rise_time)],
          ['Severity', (e) => e.severityName],
          ['Event', (e) => e.event_type_display_name ?? e.event_type],
          ['Host', (e) => hostLink(e.hostname, e.hostdn)],
          ['Description', (e) => e.GNRL_EA_DESCRIPTION],
          ['Task', (e) => e.task_display_name],
        ],
        { testId: 'events', rowClass: (e) => `sev-${e.GNRL_EA_SEVERITY}` },
      ),
    );
  }

  async function poll() {
    if (paused) return true;
    const query = new URLSearchParams({ limit: '200' });
    if (newest !== undefined) query.set('since', newest);
    /** @type {{ events: EventRow[] }} */
    let body;
    try {
      body = await read(`/v1/events?${query}${connectionQuery('&')}`);
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      fill(problem, failure(describe(error)));
      return true;
    }
    fill(problem);
    const fresh = body.events.filter((e) => !seen.has(keyOf(e)));
    for (const e of fresh) seen.add(keyOf(e));
    if (body.events[0]?.rise_time !== undefined) newest = body.events[0].rise_time;
    if (fresh.length > 0 || rows.length === 0) {
      rows.unshift(...fresh);
      rows.splice(MAX_EVENT_ROWS);
      redraw();
    }
    return true;
  }

  show(
    h('h1', { text: 'Events' }),
    h('div', { class: 'row' }, h('label', {}, 'Severity', severity), pause),
    problem,
    counter,
    holder,
  );
  poll().then(
    () => every(EVENTS_POLL_MS, poll),
    (error) => {
      if (!(error instanceof SignedOut)) fill(problem, failure(String(error)));
    },
  );
}
