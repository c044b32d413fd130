// @ts-check
// An OT device's page: what KICS for Networks knows of it (addresses, protocols, vulnerabilities), its recent
// events, its status change for tokens with the respond scope, and its KSC twin when the service can resolve one.

import { callCommand, firstError } from '../lib/commands.js';
import { cellText, failure, fill, h, hostLink, muted, table, time } from '../lib/dom.js';
import { codeBadge, choicesOf, newestEvents, runKics } from '../lib/kics.js';
import { errorList, statusBadge } from '../lib/result-view.js';
import { can, session } from '../lib/session.js';
import { OPTIONAL_USES, OT_USES } from '../lib/uses.js';
import { describe, lazySection, show } from '../lib/view.js';
import { twinUsers } from '../lib/twin-users.js';

/** @import { CommandResult } from '../lib/commands.js' */
/** @import { KicsEventRow } from '../lib/kics.js' */

/**
 * @typedef {object} DeviceDetail what `kics_get_device` answers in `context`
 * @property {number} id
 * @property {string} name
 * @property {string} status
 * @property {string} statusText
 * @property {string} categoryText
 * @property {string} securityState
 * @property {string} securityStateText
 * @property {string[]} ipAddresses
 * @property {string[]} macAddresses
 * @property {string} group
 * @property {string | null} os
 * @property {string | null} hardwareVendor
 * @property {string | null} hardwareModel
 * @property {string | null} networkName
 * @property {string[]} labels
 * @property {string} lastSeen
 * @property {string | null} endpointProtection
 * @property {{ addressInformation: { macAddress: string | null, ipAddresses: { ip: string }[] }[], vulnerabilities: { assetVulnerabilityId: number, cveId: string, state: string, cvsScore: number }[] }} device
 * @property {{ name: string, protocolStackName: string, address: string, lastSeen: string }[]} protocols
 */

/** How far back the device's recent events are read, and how many are shown. */
const RECENT_EVENT_DAYS = 30;
const RECENT_EVENTS = 20;

/** @param {string} id the device's id in KICS */
export function otDevicePage(id) {
  const deviceId = Number(id);
  const title = h('h1', { text: `OT device ${id}` });
  const actions = h('section', { class: 'card', 'data-testid': 'ot-device-actions', hidden: true });
  const twin = h('section', { class: 'card', 'data-testid': 'ot-twin', hidden: true });
  // Outlives the reload after an action, so the action's outcome stays on the page.
  const log = h('div', { 'data-testid': 'ot-action-log' });
  const details = h('div', {});
  const recentEvents = h('div', {});

  const facts = lazySection(
    'Device',
    async () => {
      /** @type {CommandResult<DeviceDetail>} */
      const result = await runKics(OT_USES.device, { deviceId });
      const device = result.context;
      if (result.status === 'Failed' || device === null) return failure(firstError(result));
      title.textContent = device.name;
      fillDetails(device);
      fillActions(device);
      showRecentEvents(device);
      showTwin(twin, device);
      /** @type {[string, unknown][]} */
      const rows = [
        ['Name', device.name],
        ['Status', codeBadge(device.status, device.statusText)],
        ['Category', device.categoryText],
        ['Security state', codeBadge(device.securityState, device.securityStateText)],
        ['Group', device.group],
        ['Network', device.networkName],
        ['Operating system', device.os],
        ['Hardware', [device.hardwareVendor, device.hardwareModel].filter(Boolean).join(' ')],
        ['Endpoint protection', device.endpointProtection ?? 'none known'],
        ['Labels', device.labels.join(', ')],
        ['Last seen', time(device.lastSeen)],
        ['Device id', device.id],
      ];
      return h(
        'dl',
        { class: 'facts', 'data-testid': 'ot-device-facts' },
        rows.flatMap(([term, value]) => [
          h('dt', { text: term }),
          h('dd', {}, value instanceof Node ? value : cellText(value)),
        ]),
      );
    },
    'ot-device',
  );

  /** @param {DeviceDetail} device */
  function fillDetails(device) {
    const addresses = device.device.addressInformation.map((a) => ({
      mac: a.macAddress ?? 'behind a router',
      ips: a.ipAddresses.map((ip) => ip.ip),
    }));
    fill(
      details,
      h(
        'div',
        { class: 'grid2' },
        h(
          'section',
          { class: 'card', 'data-testid': 'ot-addresses' },
          h('h2', { text: 'Addresses' }),
          addresses.length === 0
            ? muted('No address known.')
            : table(addresses, [
                ['MAC address', (a) => a.mac],
                ['IP addresses', (a) => a.ips],
              ]),
        ),
        h(
          'section',
          { class: 'card', 'data-testid': 'ot-protocols' },
          h('h2', { text: 'Protocols' }),
          device.protocols.length === 0
            ? muted('No industrial protocol seen.')
            : table(device.protocols, [
                ['Protocol', (p) => p.name],
                ['Stack', (p) => p.protocolStackName],
                ['Address', (p) => p.address],
                ['Last seen', (p) => time(p.lastSeen)],
              ]),
        ),
      ),
      h(
        'section',
        { class: 'card', 'data-testid': 'ot-device-vulnerabilities' },
        h('h2', { text: 'Vulnerabilities' }),
        device.device.vulnerabilities.length === 0
          ? muted('No known vulnerability.')
          : table(
              [...device.device.vulnerabilities].sort((a, b) => b.cvsScore - a.cvsScore),
              [
                ['CVE', (v) => v.cveId],
                ['CVSS', (v) => v.cvsScore, 'num'],
                ['State', (v) => v.state],
              ],
            ),
      ),
    );
  }

  /** @param {DeviceDetail} device */
  function showRecentEvents(device) {
    const ip = device.ipAddresses[0];
    const section = lazySection(
      'Recent events',
      async () => {
        if (ip === undefined) return muted('The device has no IP address to find its events by.');
        const since = new Date(Date.now() - RECENT_EVENT_DAYS * 86_400_000).toISOString();
        const read = await newestEvents({ ipAddress: ip, since }, { keep: RECENT_EVENTS, calls: 5 });
        if (read.error !== undefined) return failure(read.error);
        if (read.events.length === 0)
          return muted(`No event about ${ip} in the last ${RECENT_EVENT_DAYS} days.`);
        return [
          muted(`The newest events with ${ip} as source or destination, newest first.`),
          eventTable([...read.events].reverse()),
        ];
      },
      'ot-device-events',
    );
    fill(recentEvents, section);
  }

  /** @param {DeviceDetail} device */
  function fillActions(device) {
    actions.hidden = false;
    if (!can('respond')) {
      fill(
        actions,
        h('h2', { text: 'Actions' }),
        muted(
          'Your token has no respond scope: changing a device’s status needs it. Ask an administrator for one.',
        ),
      );
      return;
    }
    const status = h(
      'select',
      { id: 'ot-device-new-status' },
      choicesOf(OT_USES.setDeviceStatus, 'status').map(({ value, text }) =>
        h('option', { value, text, selected: value === device.status }),
      ),
    );
    const button = h('button', { id: 'ot-set-status', type: 'button', text: 'Set status' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const result = await runKics(OT_USES.setDeviceStatus, {
          deviceIds: [deviceId],
          status: status.value,
          // A retried request acts once, a second click acts again.
          idempotencyKey: crypto.randomUUID(),
        });
        fill(
          log,
          h(
            'p',
            {},
            statusBadge(result.status),
            ` ${result.result?.title ?? OT_USES.setDeviceStatus.command}`,
          ),
          errorList(result.errors),
        );
        if (result.status !== 'Failed') facts.reload();
      } catch (error) {
        fill(log, failure(describe(error)));
      } finally {
        button.disabled = false;
      }
    });
    fill(
      actions,
      h('h2', { text: 'Actions' }),
      h('div', { class: 'actions' }, h('label', {}, 'Status', status), button),
      log,
    );
  }

  show(title, facts, actions, twin, details, recentEvents);
}

/**
 * A table of OT events.
 *
 * @param {KicsEventRow[]} events
 * @param {{ testId?: string, extra?: [string, (e: KicsEventRow) => unknown][] }} [options]
 */
export function eventTable(events, options = {}) {
  return table(
    events,
    [
      ['Id', (e) => e.id, 'num'],
      ['Started', (e) => time(e.startTime)],
      ['Severity', (e) => codeBadge(e.severity)],
      ['Event', (e) => e.title],
      ['Status', (e) => e.statusText ?? e.status],
      ['Source', (e) => e.sourceIps],
      ['Destination', (e) => e.destinationIps],
      ['Mark', (e) => e.mark || '', 'num'],
      ...(options.extra ?? []),
    ],
    {
      ...(options.testId === undefined ? {} : { testId: options.testId }),
      rowClass: (e) => `sev-${e.severity === 'Critical' ? 4 : e.severity === 'Warning' ? 2 : 1}`,
    },
  );
}

/**
 * A match of `resolve_asset` (its `context.matches`): the KSC host, the confidence and the evidence in words.
 *
 * @typedef {object} TwinMatch
 * @property {string} hostId
 * @property {string} name
 * @property {string[]} ipAddresses
 * @property {string} confidence
 * @property {boolean} ambiguous
 * @property {string[]} evidence
 */

/**
 * One piece of `resolve_asset`'s evidence in words.
 *
 * @param {Record<string, unknown>} e
 */
function evidenceText(e) {
  if (e['kind'] === 'mac') return `same MAC ${String(e['mac'])}`;
  if (e['kind'] === 'name') return `same name ${String(e['name'])}`;
  if (e['kind'] === 'ip')
    return `same IP ${String(e['ip'])}${e['atSameTime'] === true ? ', seen at the same time' : ''}`;
  return cellText(e);
}

/**
 * The KSC hosts `resolve_asset` matched with this device, best first as it orders them.
 *
 * @param {unknown} context
 * @param {number} deviceId
 * @returns {TwinMatch[]}
 */
function kscMatchesOf(context, deviceId) {
  const matches =
    typeof context === 'object' && context !== null && !Array.isArray(context)
      ? /** @type {Record<string, unknown>} */ (context)['matches']
      : undefined;
  if (!Array.isArray(matches)) return [];
  /** @type {TwinMatch[]} */
  const twins = [];
  for (const match of /** @type {Record<string, any>[]} */ (matches)) {
    if (match?.['kicsDevice']?.['id'] !== deviceId) continue;
    const host = match['kscHost'] ?? {};
    twins.push({
      hostId: String(host['id']),
      name: String(host['name'] ?? host['id']),
      ipAddresses: Array.isArray(host['ipAddresses']) ? host['ipAddresses'].map(String) : [],
      confidence: String(match['confidence']),
      ambiguous: match['ambiguous'] === true,
      evidence: (Array.isArray(match['evidence']) ? match['evidence'] : []).map(evidenceText),
    });
  }
  return twins;
}

/**
 * The device's KSC twin, when the service offers `resolve_asset` (the IT↔OT correlation): asked by the device's
 * id on the KSC connection (whose companion is the KICS one), shown with links to the host's page, and the users
 * of the host(s) at the best confidence with their directory identity. Without the command the section stays
 * hidden.
 *
 * @param {HTMLElement} section
 * @param {DeviceDetail} device
 */
function showTwin(section, device) {
  const entry = session.catalogue?.find(OPTIONAL_USES.resolveAsset.command);
  if (entry === undefined) return;
  const input = { kicsDeviceId: device.id };
  section.hidden = false;
  const body = h('div', {}, muted('Looking for the same machine in KSC…'));
  fill(section, h('h2', { text: 'KSC twin' }), body);
  callCommand(entry.name, input).then(
    (result) => {
      const matches = result.status === 'Failed' ? [] : kscMatchesOf(result.context, device.id);
      if (result.status === 'Failed') fill(body, failure(firstError(result)));
      else if (matches.length === 0) fill(body, muted('No KSC host is known to be this machine.'));
      else
        fill(
          body,
          table(
            matches,
            [
              ['KSC host', (m) => hostLink(m.hostId, m.name)],
              ['Confidence', (m) => (m.ambiguous ? `${m.confidence} (ambiguous)` : m.confidence)],
              ['Evidence', (m) => m.evidence],
            ],
            { testId: 'ot-twin-hosts' },
          ),
          twinUsers(bestOf(matches)) ?? [],
        );
    },
    (error) => fill(body, failure(describe(error))),
  );
}

/**
 * The twin hosts whose users are shown: those at the best confidence (`resolve_asset` orders its matches best
 * first), each once. A weaker candidate's users would put a name on the machine that evidence does not support.
 *
 * @param {readonly TwinMatch[]} matches
 * @returns {TwinMatch[]}
 */
function bestOf(matches) {
  const best = matches[0]?.confidence;
  /** @type {Map<string, TwinMatch>} */
  const byHost = new Map();
  for (const match of matches) {
    if (match.confidence === best && !byHost.has(match.hostId)) byHost.set(match.hostId, match);
  }
  return [...byHost.values()];
}
