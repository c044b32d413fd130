// @ts-check
// The OT events of KICS for Networks, live: the newest of the last hour first, then every few seconds the events
// after the newest id (KICS lists events by id, so new ones never shift what was read). An event opens in an
// editor: its status and mark (respond scope) and its traffic as a download.

import { failure, fill, h, muted } from '../lib/dom.js';
import { downloadCommandFile } from '../lib/download.js';
import { choicesOf, deviceLink, kicsName, newestEvents, runKics } from '../lib/kics.js';
import { errorList, statusBadge } from '../lib/result-view.js';
import { can, session } from '../lib/session.js';
import { OPTIONAL_USES, OT_USES } from '../lib/uses.js';
import { describe, every, show } from '../lib/view.js';
import { eventTable } from './ot-device.js';

/** @import { KicsEventRow } from '../lib/kics.js' */

const EVENTS_POLL_MS = 3000;
const MAX_EVENT_ROWS = 500;
/** How far back the page starts. */
const FIRST_WINDOW_MS = 3_600_000;
/** KICS shows one of eight icons beside an event; 0 is none. */
const MARKS = [0, 1, 2, 3, 4, 5, 6, 7];

export function otEventsPage() {
  /** @type {KicsEventRow[]} */
  let rows = [];
  /** @type {number | undefined} */
  let lastId;
  let paused = false;

  const severity = h(
    'select',
    { id: 'ot-event-severity', onchange: () => redraw() },
    h('option', { value: '', text: 'any severity' }),
    ['Critical', 'Warning', 'Info'].map((value) => h('option', { value, text: value })),
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
  const counter = h('p', { class: 'muted', 'data-testid': 'ot-event-count' });
  const holder = h('div', {});
  const problem = h('div', {});
  const editor = h('section', { class: 'card', 'data-testid': 'ot-event-editor', hidden: true });

  function redraw() {
    const wanted = severity.value;
    const shown = wanted === '' ? rows : rows.filter((e) => e.severity === wanted);
    counter.textContent = `${shown.length} events shown, newest first; new ones appear every few seconds`;
    fill(
      holder,
      eventTable(shown, {
        testId: 'ot-events',
        extra: [
          [
            'Devices',
            (e) =>
              h(
                'span',
                {},
                e.devices.flatMap((d) => [deviceLink(d.id, d.name), ' ']),
              ),
          ],
          [
            'Open',
            (e) =>
              h('button', {
                type: 'button',
                class: 'quiet',
                text: 'Open',
                'aria-label': `Open event ${e.id}`,
                'data-event-id': e.id,
                onclick: () => openEditor(e.id),
              }),
          ],
        ],
      }),
    );
  }

  /** @param {number} id */
  function openEditor(id) {
    const event = rows.find((e) => e.id === id);
    if (event === undefined) return;
    editor.hidden = false;
    const log = h('div', { 'data-testid': 'ot-event-log' });
    /** @type {(Node | null)[]} */
    const controls = [];
    if (can('respond')) {
      const status = h(
        'select',
        { id: 'ot-event-status' },
        choicesOf(OT_USES.updateEvent, 'status').map(({ value, text }) =>
          h('option', { value, text, selected: value === event.status }),
        ),
      );
      const mark = h(
        'select',
        { id: 'ot-event-mark' },
        MARKS.map((value) =>
          h('option', {
            value: String(value),
            text: value === 0 ? 'none' : String(value),
            selected: value === event.mark,
          }),
        ),
      );
      const save = h('button', { id: 'ot-event-save', type: 'button', text: 'Save' });
      save.addEventListener('click', async () => {
        save.disabled = true;
        try {
          /** @type {import('../lib/commands.js').CommandResult<KicsEventRow[]>} */
          const result = await runKics(OT_USES.updateEvent, {
            eventIds: [id],
            status: status.value,
            mark: Number(mark.value),
            idempotencyKey: crypto.randomUUID(),
          });
          fill(
            log,
            h('p', {}, statusBadge(result.status), ` ${result.result?.title ?? ''}`),
            errorList(result.errors),
          );
          const updated = result.status === 'Failed' ? undefined : result.context[0];
          if (updated !== undefined) {
            rows = rows.map((e) => (e.id === id ? { ...e, ...updated } : e));
            redraw();
          }
        } catch (error) {
          fill(log, failure(describe(error)));
        } finally {
          save.disabled = false;
        }
      });
      controls.push(h('label', {}, 'Status', status), h('label', {}, 'Mark', mark), save);
    } else {
      controls.push(muted('Your token has no respond scope: changing an event needs it.'));
    }
    if (session.catalogue?.find(OPTIONAL_USES.eventTraffic.command) !== undefined) {
      const download = h('button', {
        id: 'ot-event-traffic',
        type: 'button',
        class: 'quiet',
        text: 'Download traffic',
      });
      download.addEventListener('click', async () => {
        download.disabled = true;
        try {
          const answer = await downloadCommandFile(
            OPTIONAL_USES.eventTraffic.command,
            { eventIds: [id] },
            { connection: kicsName(), fallbackName: `event-${id}.pcap` },
          );
          fill(
            log,
            answer.ok
              ? h('p', { text: `Downloaded ${answer.fileName} (${answer.bytes} bytes).` })
              : [h('p', {}, statusBadge(answer.result.status), ' Traffic'), errorList(answer.result.errors)],
          );
        } catch (error) {
          fill(log, failure(describe(error)));
        } finally {
          download.disabled = false;
        }
      });
      controls.push(download);
    }
    fill(
      editor,
      h('h2', { text: `Event ${id}: ${event.title}` }),
      event.description ? h('p', { text: event.description }) : null,
      h('div', { class: 'actions' }, controls),
      log,
    );
  }

  async function poll() {
    if (paused) return true;
    const read = await newestEvents(
      lastId === undefined
        ? { since: new Date(Date.now() - FIRST_WINDOW_MS).toISOString() }
        : { afterId: lastId },
      { keep: MAX_EVENT_ROWS, calls: 10 },
    );
    if (read.error !== undefined) {
      fill(problem, failure(read.error));
      return true;
    }
    fill(problem);
    // `afterId` is given in the filter of later calls: newestEvents reads on from it.
    lastId = read.lastId ?? lastId;
    if (read.events.length > 0 || rows.length === 0) {
      rows = [...[...read.events].reverse(), ...rows].slice(0, MAX_EVENT_ROWS);
      redraw();
    }
    return true;
  }

  show(
    h('h1', { text: 'OT events' }),
    h('div', { class: 'row' }, h('label', {}, 'Severity', severity), pause),
    editor,
    problem,
    counter,
    holder,
  );
  poll().then(
    () => every(EVENTS_POLL_MS, poll),
    (error) => fill(problem, failure(describe(error))),
  );
}
