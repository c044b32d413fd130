// @ts-check
// The audit log: every command call, newest first, filtered by command, paged back with "Older entries".

import { api, problemOf } from '../lib/api.js';
import { badge, failure, fill, h, muted, table, time } from '../lib/dom.js';
import { can, session } from '../lib/session.js';
import { show } from '../lib/view.js';

/**
 * @typedef {object} AuditEntry
 * @property {string} at
 * @property {{ id: string, name: string } | null} token
 * @property {string} command
 * @property {string} connection
 * @property {string[]} hosts
 * @property {string} outcome
 * @property {number} statusCode
 * @property {number} durationMs
 * @property {string | null} message
 * @property {string} requestId
 */

/**
 * @param {URLSearchParams} params
 * @param {() => void} refresh shows the page again
 */
export function auditPage(params, refresh) {
  if (!can('admin')) {
    show(h('h1', { text: 'Audit log' }), muted('Reading the audit log needs the admin scope.'));
    return;
  }
  const commandName = params.get('command') ?? '';
  const filter = h(
    'select',
    { id: 'audit-command' },
    h('option', { value: '', text: 'every command' }),
    (session.catalogue?.entries ?? []).map((c) =>
      h('option', { value: c.name, text: c.name, selected: c.name === commandName }),
    ),
  );
  filter.addEventListener('change', () => {
    location.hash = filter.value === '' ? '#/audit' : `#/audit?command=${encodeURIComponent(filter.value)}`;
  });
  /** @type {AuditEntry[]} */
  const entries = [];
  const holder = h('div', {});
  const more = h('button', { type: 'button', class: 'quiet', text: 'Older entries', hidden: true });
  /** @type {string | null} */
  let next = `/v1/audit?limit=100${commandName === '' ? '' : `&command=${encodeURIComponent(commandName)}`}`;

  async function load() {
    if (next === null) return;
    const { status, body } = await api(next);
    if (status !== 200) {
      fill(holder, failure(problemOf(status, body)));
      return;
    }
    const page = /** @type {{ entries: AuditEntry[], next: string | null }} */ (body);
    entries.push(...page.entries);
    next = page.next;
    more.hidden = next === null;
    fill(
      holder,
      table(
        entries,
        [
          ['Time', (e) => time(e.at)],
          ['Who', (e) => e.token?.name ?? '(no valid token)'],
          ['Command', (e) => e.command],
          ['Connection', (e) => e.connection],
          ['Hosts', (e) => e.hosts],
          ['Outcome', (e) => badge(e.outcome, e.outcome.replace(' ', '-'))],
          ['HTTP', (e) => e.statusCode, 'num'],
          ['ms', (e) => e.durationMs, 'num'],
          ['Message', (e) => e.message ?? ''],
          ['Request id', (e) => e.requestId],
        ],
        { testId: 'audit' },
      ),
    );
  }

  more.addEventListener('click', () => load());
  show(
    h('h1', { text: 'Audit log' }),
    h(
      'div',
      { class: 'row' },
      h('label', {}, 'Command', filter),
      h('button', { type: 'button', class: 'quiet', text: 'Refresh', onclick: () => refresh() }),
    ),
    holder,
    more,
  );
  load();
}
