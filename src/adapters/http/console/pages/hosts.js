// @ts-check
// The hosts: a search by name, FQDN or IPv4 address and a status filter, built into a KSC filter here, and
// pages of `list_hosts` sorted by name.

import { firstError, runCommand } from '../lib/commands.js';
import { badge, failure, h, hostLink, pageButton, table, time } from '../lib/dom.js';
import { USES } from '../lib/uses.js';
import { lazySection, show } from '../lib/view.js';

/** @import { CommandResult } from '../lib/commands.js' */

/**
 * The host attributes the list shows (seed 001's sample with the decoded status).
 *
 * @typedef {object} HostRow
 * @property {string} KLHST_WKS_HOSTNAME
 * @property {string} KLHST_WKS_DN
 * @property {string} [ipAddress]
 * @property {string} [KLHST_WKS_OS_NAME]
 * @property {string} [statusName]
 * @property {string} [rtpStateDescription]
 * @property {number} [KLHST_WKS_VIRUS_COUNT]
 * @property {string} [KLHST_WKS_LAST_NAGENT_CONNECTED]
 */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const PAGE_SIZES = ['50', '200', '1000'];
const STATUSES = [
  ['', 'any status'],
  ['0', 'OK'],
  ['1', 'Critical'],
  ['2', 'Warning'],
];

/**
 * The search text as a literal inside a KSC filter string: quotes doubled, wildcard characters bracketed.
 *
 * @param {string} text
 */
function filterLiteral(text) {
  return text.replace(/"/g, '""').replace(/[*?[]/g, (c) => `[${c}]`);
}

/**
 * @param {string} search
 * @param {string} statusId
 * @returns {string | undefined}
 */
function hostFilter(search, statusId) {
  const parts = [];
  const ip = IPV4.exec(search);
  if (ip) {
    const long = ip.slice(1).reduce((n, octet) => n * 256 + Number(octet), 0);
    parts.push(`(KLHST_WKS_IP_LONG = ${long})`);
  } else if (search !== '') {
    const pattern = `"*${filterLiteral(search)}*"`;
    parts.push(`(|(KLHST_WKS_DN = ${pattern})(KLHST_WKS_FQDN = ${pattern}))`);
  }
  if (statusId !== '') parts.push(`(KLHST_WKS_STATUS_ID = ${Number(statusId)})`);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : `(&${parts.join('')})`;
}

/**
 * The hosts page's address for a search, a status, a page size and an offset.
 *
 * @param {string} search
 * @param {string} statusId
 * @param {string} size
 * @param {number} offset
 */
function hostsHash(search, statusId, size, offset) {
  const query = new URLSearchParams();
  if (search !== '') query.set('q', search);
  if (statusId !== '') query.set('status', statusId);
  if (size !== '200') query.set('size', size);
  if (offset > 0) query.set('offset', String(offset));
  return `#/hosts?${query}`;
}

/** @param {URLSearchParams} params */
export function hostsPage(params) {
  const search = params.get('q') ?? '';
  const statusId = params.get('status') ?? '';
  const askedSize = params.get('size') ?? '';
  const size = PAGE_SIZES.includes(askedSize) ? askedSize : '200';
  const offset = Math.max(0, Math.floor(Number(params.get('offset') ?? 0)) || 0);
  const input = h('input', {
    id: 'host-search',
    type: 'search',
    value: search,
    placeholder: 'name, FQDN or IPv4 address',
  });
  const status = h(
    'select',
    { id: 'host-status' },
    STATUSES.map(([value, text]) => h('option', { value, text, selected: value === statusId })),
  );
  const perPage = h(
    'select',
    { id: 'host-page-size' },
    PAGE_SIZES.map((value) => h('option', { value, text: value, selected: value === size })),
  );
  const form = h(
    'form',
    {
      class: 'row',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = hostsHash(input.value.trim(), status.value, perPage.value, 0);
      },
    },
    h('label', {}, 'Search', input),
    h('label', {}, 'Status', status),
    h('label', {}, 'Per page', perPage),
    h('button', { type: 'submit', text: 'Search' }),
  );
  show(
    h('h1', { text: 'Hosts' }),
    form,
    lazySection(
      'Managed hosts',
      async () => {
        const filter = hostFilter(search, statusId);
        /** @type {CommandResult<HostRow[], { TotalHostCount: number }>} */
        const result = await runCommand(USES.listHosts, {
          limit: Number(size),
          offset,
          ...(filter ? { filter } : {}),
        });
        if (result.status === 'Failed') return failure(firstError(result));
        const hosts = result.context;
        const total = result.keyFields.TotalHostCount;
        const shown = hosts.length === 0 ? '0' : `${offset + 1}–${offset + hosts.length}`;
        /**
         * @param {string} label
         * @param {number} to
         * @param {boolean} enabled
         */
        const page = (label, to, enabled) =>
          pageButton(label, hostsHash(search, statusId, size, to), enabled);
        return [
          h(
            'div',
            { class: 'row' },
            h('p', {
              class: 'muted',
              'data-testid': 'host-count',
              text: `${shown} of ${total} matching hosts`,
            }),
            page('Previous', Math.max(0, offset - Number(size)), offset > 0),
            page('Next', offset + Number(size), offset + hosts.length < total),
          ),
          table(
            hosts,
            [
              ['Host', (x) => hostLink(x.KLHST_WKS_HOSTNAME, x.KLHST_WKS_DN)],
              ['IP address', (x) => x.ipAddress],
              ['Operating system', (x) => x.KLHST_WKS_OS_NAME],
              ['Status', (x) => badge(x.statusName ?? '?')],
              ['Real-time protection', (x) => x.rtpStateDescription],
              ['Threats', (x) => x.KLHST_WKS_VIRUS_COUNT, 'num'],
              ['Agent last connected', (x) => time(x.KLHST_WKS_LAST_NAGENT_CONNECTED)],
            ],
            { testId: 'hosts' },
          ),
        ];
      },
      'hosts-section',
    ),
  );
}
