// @ts-check
// The users of an OT device's KSC twin: the accounts the twin's Network Agent reports, each with the identity the
// IAM directory gives it (display name, UPN, mail, groups). The service adds that identity to get_user_by_ip's
// accounts when it has the directory, so the console asks that one command and shows what it answers: no second
// lookup, and the same matching rules as every other surface (docs/decisions/0064).

import { callCommand, firstError } from './commands.js';
import { failure, fill, h, muted, table } from './dom.js';
import { session } from './session.js';
import { OPTIONAL_USES } from './uses.js';
import { describe } from './view.js';

/**
 * The directory identity get_user_by_ip adds to an account (`directory` in its context).
 *
 * @typedef {object} DirectoryIdentity
 * @property {string} [displayName]
 * @property {string} [upn]
 * @property {string} [mail]
 * @property {string} [samName]
 * @property {string[]} groups every group, direct or through nesting
 * @property {string[]} directGroups
 */

/**
 * @typedef {object} TwinAccount an account of get_user_by_ip's context
 * @property {string} key
 * @property {string} displayName `DOMAIN\name` as the agent reports it
 * @property {string} userName
 * @property {boolean | null} isUser
 * @property {DirectoryIdentity} [directory]
 */

/**
 * @typedef {object} TwinHost a KSC host taken for the device, with the addresses it can be asked by
 * @property {string} hostId
 * @property {string} name
 * @property {string[]} ipAddresses
 */

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
/** get_user_by_ip takes IPv4 addresses only, at most this many at once. */
const MAX_ADDRESSES = 1000;

/**
 * The accounts get_user_by_ip reports for one host, each once (a host asked by several addresses answers for
 * each), those the directory knows first.
 *
 * @param {unknown} context
 * @param {string} hostId
 * @returns {TwinAccount[]}
 */
function accountsOfHost(context, hostId) {
  if (!Array.isArray(context)) return [];
  /** @type {Map<string, TwinAccount>} */
  const byKey = new Map();
  for (const entry of /** @type {Record<string, unknown>[]} */ (context)) {
    if (entry?.['KLHST_WKS_HOSTNAME'] !== hostId || !Array.isArray(entry['accounts'])) continue;
    for (const account of /** @type {TwinAccount[]} */ (entry['accounts'])) {
      if (!byKey.has(account.key)) byKey.set(account.key, account);
    }
  }
  const accounts = [...byKey.values()];
  return [
    ...accounts.filter((a) => a.directory !== undefined),
    ...accounts.filter((a) => a.directory === undefined),
  ];
}

/**
 * One host's accounts as a table: the agent's account name, then the directory's identity where it has one.
 *
 * @param {TwinHost} host
 * @param {TwinAccount[]} accounts
 */
function hostUsers(host, accounts) {
  const known = accounts.filter((a) => a.directory !== undefined).length;
  return h(
    'div',
    { 'data-testid': 'ot-twin-users', 'data-host-id': host.hostId },
    h('h3', { text: `Users of ${host.name}` }),
    accounts.length === 0
      ? muted('Its Network Agent reports no account.')
      : [
          known === 0
            ? muted('None of these accounts is in the IAM directory.')
            : muted('The accounts its Network Agent reports; the directory’s identity beside each it knows.'),
          table(accounts, [
            ['Account', (a) => a.displayName || a.userName],
            ['Name', (a) => a.directory?.displayName ?? ''],
            ['UPN', (a) => a.directory?.upn ?? ''],
            ['Mail', (a) => a.directory?.mail ?? ''],
            [
              'Groups',
              (a) => a.directory?.groups ?? (a.directory === undefined ? 'not in the directory' : ''),
            ],
          ]),
        ],
  );
}

/**
 * The users of the twin hosts, asked from get_user_by_ip by their IPv4 addresses; nothing (undefined) when the
 * service does not offer the command to this console.
 *
 * @param {readonly TwinHost[]} hosts the hosts the device was matched with at the best confidence
 * @returns {HTMLElement | undefined}
 */
export function twinUsers(hosts) {
  const use = OPTIONAL_USES.twinUsers;
  const catalogue = session.catalogue;
  if (catalogue === undefined || catalogue.problemOf(use) !== undefined) return undefined;
  const section = h('div', {}, muted('Reading the users of the KSC host…'));
  const addresses = [...new Set(hosts.flatMap((host) => host.ipAddresses))].filter((ip) => IPV4.test(ip));
  if (addresses.length === 0) {
    fill(section, muted('The KSC host has no IPv4 address to ask its users by.'));
    return section;
  }
  callCommand(use.command, { ipAddresses: addresses.slice(0, MAX_ADDRESSES) }).then(
    (result) => {
      if (result.status === 'Failed') fill(section, failure(firstError(result)));
      else
        fill(
          section,
          hosts.map((host) => hostUsers(host, accountsOfHost(result.context, host.hostId))),
        );
    },
    (error) => fill(section, failure(describe(error))),
  );
  return section;
}
