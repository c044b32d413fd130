// @ts-check
// The vulnerabilities KICS for Networks found, one entry per CVE per device: filters by CVE and lowest CVSS score,
// pages of `kics_list_vulnerabilities`.

import { firstError } from '../lib/commands.js';
import { failure, h, pageButton, table, time } from '../lib/dom.js';
import { deviceLink, runKics } from '../lib/kics.js';
import { OT_USES } from '../lib/uses.js';
import { lazySection, show } from '../lib/view.js';

/** @import { CommandResult } from '../lib/commands.js' */

/**
 * @typedef {object} VulnerabilityRow
 * @property {number} id
 * @property {string} cveId
 * @property {number} cvsScore
 * @property {string} cvssRating
 * @property {string} state
 * @property {number} deviceId
 * @property {string} deviceName
 * @property {string} deviceAddress
 * @property {string} lastDetected
 */

const PAGE_SIZE = 200;
const CVE = /^CVE-\d{4}-\d{4,}$/i;
/** CVSS ratings by their lowest score. */
const RATINGS = [
  ['', 'any'],
  ['9', 'Critical (9 and above)'],
  ['7', 'High and above (7+)'],
  ['4', 'Medium and above (4+)'],
];

/**
 * @param {string} cve
 * @param {string} min
 * @param {number} offset
 */
function vulnerabilitiesHash(cve, min, offset) {
  const query = new URLSearchParams();
  if (cve !== '') query.set('cve', cve);
  if (min !== '') query.set('min', min);
  if (offset > 0) query.set('offset', String(offset));
  return `#/ot/vulnerabilities?${query}`;
}

/** @param {URLSearchParams} params */
export function otVulnerabilitiesPage(params) {
  const cveGiven = params.get('cve') ?? '';
  const minGiven = RATINGS.some(([value]) => value === params.get('min')) ? (params.get('min') ?? '') : '';
  const offset = Math.max(0, Math.floor(Number(params.get('offset') ?? 0)) || 0);
  const cve = h('input', {
    id: 'ot-vulnerability-cve',
    type: 'search',
    value: cveGiven,
    placeholder: 'CVE-2021-44228',
  });
  const min = h(
    'select',
    { id: 'ot-vulnerability-min' },
    RATINGS.map(([value, text]) => h('option', { value, text, selected: value === minGiven })),
  );
  const form = h(
    'form',
    {
      class: 'row',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = vulnerabilitiesHash(cve.value.trim(), min.value, 0);
      },
    },
    h('label', {}, 'CVE', cve),
    h('label', {}, 'CVSS rating', min),
    h('button', { type: 'submit', text: 'Filter' }),
  );
  show(
    h('h1', { text: 'OT vulnerabilities' }),
    form,
    lazySection(
      'Vulnerabilities on OT devices',
      async () => {
        /** @type {Record<string, unknown>} */
        const input = { limit: PAGE_SIZE, offset };
        if (CVE.test(cveGiven)) input['cve'] = cveGiven;
        if (minGiven !== '') input['minCvsScore'] = Number(minGiven);
        /** @type {CommandResult<VulnerabilityRow[], { MoreAvailable: boolean }>} */
        const result = await runKics(OT_USES.vulnerabilities, input);
        if (result.status === 'Failed') return failure(firstError(result));
        const rows = result.context;
        const more = result.keyFields.MoreAvailable;
        /**
         * @param {string} label
         * @param {number} to
         * @param {boolean} enabled
         */
        const page = (label, to, enabled) =>
          pageButton(label, vulnerabilitiesHash(cveGiven, minGiven, to), enabled);
        return [
          h(
            'div',
            { class: 'row' },
            h('p', {
              class: 'muted',
              'data-testid': 'ot-vulnerability-count',
              text: `${rows.length === 0 ? 'No' : `${offset + 1}–${offset + rows.length}`} matching entries${more ? ', more on the next page' : ''}`,
            }),
            page('Previous', Math.max(0, offset - PAGE_SIZE), offset > 0),
            page('Next', offset + PAGE_SIZE, more),
          ),
          table(
            rows,
            [
              ['CVE', (v) => v.cveId],
              ['CVSS', (v) => v.cvsScore, 'num'],
              ['Rating', (v) => v.cvssRating],
              ['State', (v) => v.state],
              ['Device', (v) => deviceLink(v.deviceId, v.deviceName)],
              ['Address', (v) => v.deviceAddress],
              ['Last detected', (v) => time(v.lastDetected)],
            ],
            { testId: 'ot-vulnerabilities' },
          ),
        ];
      },
      'ot-vulnerabilities-section',
    ),
  );
}
