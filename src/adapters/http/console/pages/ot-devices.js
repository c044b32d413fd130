// @ts-check
// The OT devices of KICS for Networks: filters by status, category, security state and CVE (the choices the
// command's input offers, in words) and pages of `kics_list_devices` sorted by id.

import { firstError } from '../lib/commands.js';
import { failure, h, pageButton, table, time } from '../lib/dom.js';
import { choicesOf, codeBadge, deviceLink, runKics } from '../lib/kics.js';
import { OT_USES } from '../lib/uses.js';
import { lazySection, show } from '../lib/view.js';

/** @import { CommandResult } from '../lib/commands.js' */

/**
 * A device as `kics_list_devices` answers it (the fields the list shows).
 *
 * @typedef {object} DeviceRow
 * @property {number} id
 * @property {string} name
 * @property {string} status
 * @property {string} statusText
 * @property {string} categoryText
 * @property {string} securityState
 * @property {string} securityStateText
 * @property {string[]} ipAddresses
 * @property {string[]} cves
 * @property {string} lastSeen
 */

const PAGE_SIZES = ['50', '200', '1000'];
/** The filters, their address parameters and the command's fields. */
const FILTERS = /** @type {const} */ ([
  ['status', 'status', 'Status'],
  ['category', 'category', 'Category'],
  ['state', 'securityState', 'Security state'],
]);
const CVE = /^CVE-\d{4}-\d{4,}$/i;

/**
 * The devices page's address for its filters, a page size and an offset.
 *
 * @param {Record<string, string>} filters
 * @param {string} size
 * @param {number} offset
 */
function devicesHash(filters, size, offset) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== '') query.set(key, value);
  if (size !== '200') query.set('size', size);
  if (offset > 0) query.set('offset', String(offset));
  return `#/ot/devices?${query}`;
}

/** @param {URLSearchParams} params */
export function otDevicesPage(params) {
  /** @type {Record<string, string>} */
  const given = {};
  for (const [key] of FILTERS) given[key] = params.get(key) ?? '';
  given['cve'] = params.get('cve') ?? '';
  const askedSize = params.get('size') ?? '';
  const size = PAGE_SIZES.includes(askedSize) ? askedSize : '200';
  const offset = Math.max(0, Math.floor(Number(params.get('offset') ?? 0)) || 0);

  const selects = FILTERS.map(([key, field, label]) => {
    const select = h(
      'select',
      { id: `ot-device-${key}` },
      h('option', { value: '', text: 'any' }),
      choicesOf(OT_USES.devices, field).map(({ value, text }) =>
        h('option', { value, text, selected: value === given[key] }),
      ),
    );
    return /** @type {const} */ ([key, label, select]);
  });
  const cve = h('input', {
    id: 'ot-device-cve',
    type: 'search',
    value: given['cve'],
    placeholder: 'CVE-2021-44228',
    pattern: 'CVE-\\d{4}-\\d{4,}',
    title: 'a CVE id such as CVE-2021-44228',
  });
  const perPage = h(
    'select',
    { id: 'ot-device-page-size' },
    PAGE_SIZES.map((value) => h('option', { value, text: value, selected: value === size })),
  );
  const current = () => {
    /** @type {Record<string, string>} */
    const chosen = { cve: cve.value.trim() };
    for (const [key, , select] of selects) chosen[key] = select.value;
    return chosen;
  };
  const form = h(
    'form',
    {
      class: 'row',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = devicesHash(current(), perPage.value, 0);
      },
    },
    selects.map(([, label, select]) => h('label', {}, label, select)),
    h('label', {}, 'Vulnerable to', cve),
    h('label', {}, 'Per page', perPage),
    h('button', { type: 'submit', text: 'Filter' }),
  );

  show(
    h('h1', { text: 'OT devices' }),
    form,
    lazySection(
      'Devices KICS for Networks has seen',
      async () => {
        /** @type {Record<string, unknown>} */
        const input = { limit: Number(size), offset };
        for (const [key, field] of FILTERS) if (given[key]) input[field] = [given[key]];
        if (given['cve'] && CVE.test(given['cve'])) input['cve'] = given['cve'];
        /** @type {CommandResult<DeviceRow[], { DevicesCount: number, MoreAvailable: boolean }>} */
        const result = await runKics(OT_USES.devices, input);
        if (result.status === 'Failed') return failure(firstError(result));
        const devices = result.context;
        const more = result.keyFields.MoreAvailable;
        const shown = devices.length === 0 ? 'No' : `${offset + 1}–${offset + devices.length}`;
        /**
         * @param {string} label
         * @param {number} to
         * @param {boolean} enabled
         */
        const page = (label, to, enabled) => pageButton(label, devicesHash(given, size, to), enabled);
        return [
          h(
            'div',
            { class: 'row' },
            h('p', {
              class: 'muted',
              'data-testid': 'ot-device-count',
              text: `${shown} matching devices${more ? ', more on the next page' : ''}`,
            }),
            page('Previous', Math.max(0, offset - Number(size)), offset > 0),
            page('Next', offset + Number(size), more),
          ),
          table(
            devices,
            [
              ['Id', (d) => d.id, 'num'],
              ['Device', (d) => deviceLink(d.id, d.name)],
              ['Status', (d) => codeBadge(d.status, d.statusText)],
              ['Category', (d) => d.categoryText],
              ['Security state', (d) => codeBadge(d.securityState, d.securityStateText)],
              ['IP addresses', (d) => d.ipAddresses],
              ['Vulnerabilities', (d) => d.cves.length, 'num'],
              ['Last seen', (d) => time(d.lastSeen)],
            ],
            { testId: 'ot-devices' },
          ),
        ];
      },
      'ot-devices-section',
    ),
  );
}
