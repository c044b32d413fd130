// @ts-check
// The overview: the connections with their health, the general status of the chosen Administration Server, and
// charts of its hosts (by status, by real-time protection, the most infected) and of its recent events; with a
// KICS for Networks connection, the OT part below (pages/ot-overview.js).

import { read } from '../lib/api.js';
import { barChart, timeChart } from '../lib/charts.js';
import { firstError, runCommand } from '../lib/commands.js';
import { badge, failure, h, hostLink, muted } from '../lib/dom.js';
import { connectionQuery, isKsc, kicsConnection, session } from '../lib/session.js';
import { USES } from '../lib/uses.js';
import { lazySection, show } from '../lib/view.js';
import { connectionTable, otOverviewSections } from './ot-overview.js';

/** @import { CommandResult } from '../lib/commands.js' */
/** @import { Connection } from '../lib/session.js' */

/**
 * The host attributes the charts count.
 *
 * @typedef {object} HostCounts
 * @property {string} KLHST_WKS_HOSTNAME
 * @property {string} KLHST_WKS_DN
 * @property {string} [statusName]
 * @property {string} [rtpStateDescription]
 * @property {number} [KLHST_WKS_VIRUS_COUNT]
 */

/**
 * @typedef {object} EventCounts
 * @property {string} rise_time
 * @property {number} [GNRL_EA_SEVERITY]
 */

/**
 * How many hosts the charts read at most, in one `list_hosts` call: past it they say they counted a part.
 * One call of a few attributes per host is cheap next to a page of the host list.
 */
const HOST_SAMPLE = 5000;
const HOST_FIELDS = [
  'KLHST_WKS_HOSTNAME',
  'KLHST_WKS_DN',
  'KLHST_WKS_STATUS_ID',
  'KLHST_WKS_RTP_STATE',
  'KLHST_WKS_VIRUS_COUNT',
];
const EVENT_DAYS = 7;
/** The most `list_recent_events` answers in one call; past it the chart says it counted the newest only. */
const EVENT_SAMPLE = 500;
const STATUS_ORDER = ['OK', 'Warning', 'Critical'];
/** Severities by `GNRL_EA_SEVERITY`, worst first, with the colours of the events page. */
const SEVERITIES = [
  { id: 4, label: 'Critical', colour: '#c0392b' },
  { id: 3, label: 'Error', colour: '#d35400' },
  { id: 2, label: 'Warning', colour: '#a86200' },
  { id: 1, label: 'Info', colour: '#2f6fb3' },
];

/**
 * How many records there are of each key, largest first, unless `order` puts some keys first.
 *
 * @template R
 * @param {readonly R[]} records
 * @param {(record: R) => string} key
 * @param {readonly string[]} [order]
 * @returns {[string, number][]}
 */
function countBy(records, key, order = []) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const record of records) counts.set(key(record), (counts.get(key(record)) ?? 0) + 1);
  const rank = (/** @type {string} */ k) => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...counts].sort(([a, x], [b, y]) => rank(a) - rank(b) || y - x || a.localeCompare(b));
}

/**
 * A note when the charts counted only part of what there is.
 *
 * @param {number} counted
 * @param {number} total
 * @param {string} what
 */
function partNote(counted, total, what) {
  return counted < total ? muted(`Counted over the first ${counted} of ${total} ${what}.`) : null;
}

/** @param {number} seconds the start of a day, Unix seconds */
const dayLabel = (seconds) =>
  new Date(seconds * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

/**
 * The events of the last days by day and severity, from the events route (not audited; the service's queue).
 *
 * @returns {Promise<import('../lib/dom.js').Child[]>}
 */
async function eventsChart() {
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const first = new Date(today);
  first.setDate(first.getDate() - (EVENT_DAYS - 1));
  const query = new URLSearchParams({ limit: String(EVENT_SAMPLE), since: first.toISOString() });
  /** @type {{ events: EventCounts[] }} */
  const body = await read(`/v1/events?${query}${connectionQuery('&')}`);
  const days = Array.from({ length: EVENT_DAYS }, (_, i) => {
    const day = new Date(first);
    day.setDate(day.getDate() + i);
    return day;
  });
  const dayOf = (/** @type {string} */ time) => {
    const at = new Date(time);
    return days.findLastIndex((day) => day.getTime() <= at.getTime());
  };
  const series = SEVERITIES.map((severity) => ({ ...severity, values: days.map(() => 0) }));
  for (const event of body.events) {
    const day = dayOf(event.rise_time);
    const line = series.find((s) => s.id === event.GNRL_EA_SEVERITY);
    if (day >= 0 && line !== undefined) line.values[day] = (line.values[day] ?? 0) + 1;
  }
  const totals = series.map((s) => `${s.values.reduce((a, b) => a + b, 0)} ${s.label}`).join(', ');
  return [
    timeChart(
      days.map((day) => day.getTime() / 1000),
      series,
      {
        testId: 'events-chart',
        summary: `Events per day over the last ${EVENT_DAYS} days by severity: ${totals}.`,
        timeHeading: 'Day',
        timeLabel: dayLabel,
      },
    ),
    body.events.length >= EVENT_SAMPLE
      ? muted(`Counted over the newest ${EVENT_SAMPLE} events of these days.`)
      : null,
  ];
}

/**
 * @typedef {object} ServerStatusKeys
 * @property {string} Status
 * @property {string[]} Reasons
 */

export function overviewPage() {
  /** @type {Promise<CommandResult<HostCounts[], { TotalHostCount: number }>>} */
  const hosts = runCommand(USES.listHosts, { limit: HOST_SAMPLE, fields: HOST_FIELDS });
  /**
   * A chart of the hosts, or the reason there is none.
   *
   * @param {(hosts: HostCounts[]) => import('../lib/dom.js').Child} chart
   */
  const hostChart = async (chart) => {
    const result = await hosts;
    if (result.status === 'Failed') return failure(firstError(result));
    const counted = result.context;
    return [chart(counted), partNote(counted.length, result.keyFields.TotalHostCount, 'hosts')];
  };
  /** @type {Promise<Connection[]>} */
  const connections = read('/v1/connections').then((body) => {
    const listed = /** @type {{ connections: Connection[] }} */ (body).connections;
    session.connections = listed;
    return listed;
  });
  show(
    h('h1', { text: 'Overview' }),
    lazySection(
      'Connections',
      async () => connectionTable((await connections).filter(isKsc), 'connections'),
      'connections-section',
    ),
    lazySection(
      `General status of the Administration Server (${session.connection})`,
      async () => {
        /** @type {CommandResult<unknown, ServerStatusKeys>} */
        const result = await runCommand(USES.serverStatus, {});
        if (result.status === 'Failed') return failure(firstError(result));
        const keys = result.keyFields;
        return [
          h('p', {}, 'Status: ', badge(keys.Status)),
          keys.Reasons.length === 0
            ? muted('No reasons: nothing needs attention.')
            : h(
                'ul',
                { 'data-testid': 'status-reasons' },
                keys.Reasons.map((reason) => h('li', { text: reason })),
              ),
        ];
      },
      'server-status',
    ),
    h(
      'div',
      { class: 'grid2' },
      lazySection(
        'Hosts by status',
        () =>
          hostChart((list) =>
            barChart(
              countBy(list, (x) => x.statusName ?? 'Unknown', STATUS_ORDER).map(([label, value]) => ({
                label,
                value,
                kind: label,
              })),
              { testId: 'status-chart', labelHeading: 'Status', valueHeading: 'Hosts' },
            ),
          ),
        'hosts-by-status',
      ),
      lazySection(
        'Hosts by real-time protection',
        () =>
          hostChart((list) =>
            barChart(
              countBy(list, (x) => x.rtpStateDescription ?? 'Unknown').map(([label, value]) => ({
                label,
                value,
                kind: /^Running/.test(label) ? 'ok' : 'quiet',
              })),
              { testId: 'rtp-chart', labelHeading: 'Real-time protection', valueHeading: 'Hosts' },
            ),
          ),
        'hosts-by-protection',
      ),
    ),
    h(
      'div',
      { class: 'grid2' },
      lazySection(`Events of the last ${EVENT_DAYS} days by severity`, eventsChart, 'events-by-day'),
      lazySection(
        'Most infected hosts',
        () =>
          hostChart((list) => {
            const infected = list
              .filter((x) => (x.KLHST_WKS_VIRUS_COUNT ?? 0) > 0)
              .sort((a, b) => (b.KLHST_WKS_VIRUS_COUNT ?? 0) - (a.KLHST_WKS_VIRUS_COUNT ?? 0))
              .slice(0, 10);
            if (infected.length === 0) return muted('No host has found a threat.');
            return barChart(
              infected.map((x) => ({
                label: x.KLHST_WKS_DN,
                labelNode: hostLink(x.KLHST_WKS_HOSTNAME, x.KLHST_WKS_DN),
                value: x.KLHST_WKS_VIRUS_COUNT ?? 0,
                kind: 'Critical',
              })),
              { testId: 'infected-chart', labelHeading: 'Host', valueHeading: 'Threats found' },
            );
          }),
        'most-infected',
      ),
    ),
    // The OT part only when the service has a KICS connection this token may use.
    kicsConnection() === undefined
      ? null
      : otOverviewSections(connections.then((listed) => listed.filter((c) => !isKsc(c)))),
  );
}
