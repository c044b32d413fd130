// @ts-check
// The overview's OT part: the KICS for Networks connections' health, and a small summary of the plant — devices
// by status and the last days' events by severity, each with its numbers as a table.

import { barChart } from '../lib/charts.js';
import { firstError } from '../lib/commands.js';
import { badge, failure, h, muted, table } from '../lib/dom.js';
import { kicsName, runKics } from '../lib/kics.js';
import { OT_USES } from '../lib/uses.js';
import { lazySection } from '../lib/view.js';

/** @import { CommandResult } from '../lib/commands.js' */
/** @import { Connection } from '../lib/session.js' */

/** How many devices and events the summary counts at most, one call each; past it the chart says so. */
const SAMPLE = 5000;
const EVENT_DAYS = 7;
const STATUS_ORDER = ['Unauthorized', 'Recognized', 'Archived'];
const SEVERITY_ORDER = ['Critical', 'Warning', 'Info'];

/**
 * How many records there are of each code, in `order` (codes it does not name after, by count).
 *
 * @template R
 * @param {readonly R[]} records
 * @param {(record: R) => string} key
 * @param {readonly string[]} order
 * @returns {[string, number][]}
 */
function countBy(records, key, order) {
  /** @type {Map<string, number>} */
  const counts = new Map(order.map((code) => [code, 0]));
  for (const record of records) counts.set(key(record), (counts.get(key(record)) ?? 0) + 1);
  return [...counts];
}

/**
 * The connections' health table of the overview (KSC's or KICS').
 *
 * @param {Connection[]} connections
 * @param {string} testId
 */
export function connectionTable(connections, testId) {
  return table(
    connections,
    [
      ['Connection', (c) => (c.default ? `${c.name} (default)` : c.name)],
      ['Health', (c) => (c.ok ? badge('OK', 'ok') : badge('Not answering', 'bad'))],
      ['Latency (ms)', (c) => c.durationMs, 'num'],
      ['Problem', (c) => c.error ?? ''],
    ],
    { testId },
  );
}

/**
 * The OT sections of the overview.
 *
 * @param {Promise<Connection[]>} kicsConnections the KICS connections with their health
 */
export function otOverviewSections(kicsConnections) {
  return [
    h('h2', { class: 'section-title', text: `KICS for Networks (${kicsName()})` }),
    h(
      'div',
      { class: 'grid2' },
      lazySection(
        'OT connection',
        async () => connectionTable(await kicsConnections, 'ot-connections'),
        'ot-connections-section',
      ),
      lazySection(
        'OT devices by status',
        async () => {
          /** @type {CommandResult<{ status: string, statusText: string }[], { MoreAvailable: boolean }>} */
          const result = await runKics(OT_USES.devices, { limit: SAMPLE });
          if (result.status === 'Failed') return failure(firstError(result));
          const words = new Map(result.context.map((d) => [d.status, d.statusText]));
          return [
            barChart(
              countBy(result.context, (d) => d.status, STATUS_ORDER).map(([code, value]) => ({
                label: words.get(code) ?? code,
                labelNode: h('a', {
                  href: `#/ot/devices?status=${encodeURIComponent(code)}`,
                  text: words.get(code) ?? code,
                }),
                value,
                kind: code === 'Unauthorized' ? 'Critical' : code === 'Recognized' ? 'ok' : 'quiet',
              })),
              { testId: 'ot-status-chart', labelHeading: 'Status', valueHeading: 'Devices' },
            ),
            result.keyFields.MoreAvailable ? muted(`Counted over the first ${SAMPLE} devices.`) : null,
          ];
        },
        'ot-devices-by-status',
      ),
    ),
    lazySection(
      `OT events of the last ${EVENT_DAYS} days by severity`,
      async () => {
        const since = new Date(Date.now() - EVENT_DAYS * 86_400_000).toISOString();
        /** @type {CommandResult<{ severity: string }[], { MoreAvailable: boolean }>} */
        const result = await runKics(OT_USES.events, { since, limit: SAMPLE });
        if (result.status === 'Failed') return failure(firstError(result));
        return [
          barChart(
            countBy(result.context, (e) => e.severity, SEVERITY_ORDER).map(([label, value]) => ({
              label,
              value,
              kind: label === 'Info' ? '' : label,
            })),
            { testId: 'ot-severity-chart', labelHeading: 'Severity', valueHeading: 'Events' },
          ),
          result.keyFields.MoreAvailable
            ? muted(`Counted over the first ${SAMPLE} events of these days.`)
            : null,
        ];
      },
      'ot-events-by-severity',
    ),
  ];
}
