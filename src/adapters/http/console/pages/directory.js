// @ts-check
// The IAM directory KSC publishes (seed 003): a lookup by any identifier with the user's direct and transitive
// groups, the users as pages of a search, and the directory's status per publishing KSC instance. Every answer
// comes from the `directory_*` commands; a field a command leaves out shows as empty, never as an error.

import { firstError, runCommand } from '../lib/commands.js';
import { badge, cellText, failure, h, muted, pageButton, table, time } from '../lib/dom.js';
import { DIRECTORY_USES } from '../lib/uses.js';
import { lazySection, show } from '../lib/view.js';

/** @import { CommandResult } from '../lib/commands.js' */

/**
 * A user or group as the directory answers it (`DirectoryObject` of src/directory/model/views.ts).
 *
 * @typedef {object} DirectoryObject
 * @property {number} [id]
 * @property {'user' | 'group'} [kind]
 * @property {{ tenantId?: string, kscInstanceId?: string }} [instance]
 * @property {{ id?: string, sfx?: string }} [trustee]
 * @property {{ displayName?: string, upn?: string, samName?: string, mail?: string, dn?: string, ds?: string }} [info]
 */

/**
 * @typedef {object} UserMatch how a match was found and its groups (each of `groups` carries its nesting depth)
 * @property {string[]} [matchedBy]
 * @property {DirectoryObject[]} [directGroups]
 * @property {(DirectoryObject & { depth?: number })[]} [groups]
 * @property {boolean} [depthLimited]
 *
 * @typedef {DirectoryObject & UserMatch} UserDetail one match of `directory_get_user`: the user's own fields beside
 *   how it matched
 */

/**
 * @typedef {object} InstanceStatus
 * @property {string} [tenantId]
 * @property {string} [kscInstanceId]
 * @property {number} [generation]
 * @property {number} [users]
 * @property {number} [groups]
 * @property {number} [memberships]
 * @property {{ since?: string, ageMs?: number, eventsReceived?: number } | null} [resetInProgress]
 * @property {string} [lastEventTime]
 * @property {{ applied?: number, duplicate?: number, stale?: number, rejected?: number }} [events]
 */

const PAGE_SIZE = 50;
const EXAMPLE = 'john.smith@corp.example.com';

/**
 * A field of a command's answer: in `raw` (the directory's query result), else in `context`.
 *
 * @param {CommandResult} result
 * @param {string} name
 * @returns {unknown}
 */
function answerField(result, name) {
  for (const place of [result.raw, result.context]) {
    if (typeof place === 'object' && place !== null && name in place) {
      return /** @type {Record<string, unknown>} */ (place)[name];
    }
  }
  return undefined;
}

/**
 * @param {unknown} value
 * @returns {unknown[]}
 */
const list = (value) => (Array.isArray(value) ? value : []);

/** @param {DirectoryObject | undefined} object */
function nameOf(object) {
  const info = object?.info ?? {};
  return info.displayName ?? info.samName ?? info.upn ?? (object?.id === undefined ? '' : `#${object.id}`);
}

/** @param {DirectoryObject['trustee']} trustee */
function trusteeText(trustee) {
  if (trustee?.id === undefined) return '';
  return trustee.sfx === undefined ? trustee.id : `${trustee.id}:${trustee.sfx}`;
}

/**
 * The directory page's address.
 *
 * @param {{ user?: string, q?: string, cursor?: string }} state
 */
function directoryHash(state) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) if (value) query.set(key, value);
  const text = query.toString();
  return text === '' ? '#/directory' : `#/directory?${text}`;
}

/** @param {UserDetail} detail */
function userCard(detail) {
  const user = detail;
  const info = user.info ?? {};
  /** @type {[string, unknown][]} */
  const facts = [
    ['Display name', info.displayName],
    ['UPN', info.upn],
    ['sAMAccountName', info.samName],
    ['Mail', info.mail],
    ['DN', info.dn],
    ['KSC trustee', trusteeText(user.trustee)],
    ['KSC instance', user.instance?.kscInstanceId],
    ['Matched by', list(detail.matchedBy).join(', ')],
  ];
  const groups = /** @type {(DirectoryObject & { depth?: number })[]} */ (list(detail.groups));
  const direct = /** @type {DirectoryObject[]} */ (list(detail.directGroups));
  return h(
    'article',
    { class: 'card', 'data-testid': 'directory-user' },
    h('h3', { text: nameOf(user) }),
    h(
      'dl',
      { class: 'facts' },
      facts.flatMap(([term, value]) => [h('dt', { text: term }), h('dd', { text: cellText(value) })]),
    ),
    h('h4', { text: `Direct groups (${direct.length})` }),
    direct.length === 0
      ? muted('None.')
      : h(
          'ul',
          { 'data-testid': 'direct-groups' },
          direct.map((g) => h('li', { text: nameOf(g) })),
        ),
    h('h4', { text: `All groups, through nesting (${groups.length})` }),
    groups.length === 0
      ? muted('None.')
      : table(
          groups,
          [
            ['Group', (g) => nameOf(g)],
            ['Depth', (g) => (g.depth === 1 ? '1 (direct)' : g.depth), 'num'],
            ['DN', (g) => g.info?.dn],
          ],
          { testId: 'user-groups' },
        ),
    detail.depthLimited === true
      ? muted('Nesting goes deeper than the directory follows: groups below the limit are not listed.')
      : null,
  );
}

/** @param {string} identifier */
async function lookup(identifier) {
  const result = await runCommand(DIRECTORY_USES.getUser, { user: identifier });
  const candidates = /** @type {UserDetail[]} */ (list(answerField(result, 'candidates')));
  if (result.status === 'Failed' && candidates.length === 0) {
    return result.errors?.[0]?.statusCode === 404
      ? muted(`No user matches ${identifier}.`)
      : failure(firstError(result));
  }
  if (candidates.length === 0) return muted(`No user matches ${identifier}.`);
  return [
    candidates.length > 1
      ? h('p', {
          class: 'notice',
          'data-testid': 'ambiguous',
          text: `${candidates.length} users match ${identifier}; the directory never picks one. All are listed.`,
        })
      : null,
    ...candidates.map(userCard),
  ];
}

/**
 * @param {string} search
 * @param {string} cursor
 */
async function usersPage(search, cursor) {
  const result = await runCommand(DIRECTORY_USES.listUsers, {
    limit: PAGE_SIZE,
    ...(search === '' ? {} : { search }),
    ...(cursor === '' ? {} : { cursor }),
  });
  if (result.status === 'Failed') return failure(firstError(result));
  const users = /** @type {DirectoryObject[]} */ (list(answerField(result, 'items')));
  const next = answerField(result, 'nextCursor');
  return [
    h(
      'div',
      { class: 'row' },
      h('p', {
        class: 'muted',
        'data-testid': 'directory-user-count',
        text: `${users.length} users on this page${search === '' ? '' : ` matching “${search}”`}`,
      }),
      pageButton('First page', directoryHash({ q: search }), cursor !== ''),
      pageButton(
        'Next',
        directoryHash({ q: search, cursor: typeof next === 'string' ? next : '' }),
        typeof next === 'string' && next !== '',
      ),
    ),
    table(
      users,
      [
        [
          'Display name',
          (u) =>
            h('a', {
              href: directoryHash({ user: u.info?.upn ?? u.info?.samName ?? nameOf(u) }),
              text: nameOf(u),
            }),
        ],
        ['UPN', (u) => u.info?.upn],
        ['sAMAccountName', (u) => u.info?.samName],
        ['Mail', (u) => u.info?.mail],
        ['KSC trustee', (u) => trusteeText(u.trustee)],
      ],
      { testId: 'directory-users' },
    ),
  ];
}

async function status() {
  const result = await runCommand(DIRECTORY_USES.status, {});
  if (result.status === 'Failed') return failure(firstError(result));
  const instances = /** @type {InstanceStatus[]} */ (list(answerField(result, 'instances')));
  if (instances.length === 0)
    return muted('No KSC instance has published its directory to this service yet.');
  return table(
    instances,
    [
      ['KSC instance', (i) => i.kscInstanceId],
      ['Tenant', (i) => i.tenantId],
      ['Generation', (i) => i.generation, 'num'],
      ['Users', (i) => i.users, 'num'],
      ['Groups', (i) => i.groups, 'num'],
      ['Memberships', (i) => i.memberships, 'num'],
      [
        'Reset',
        (i) =>
          i.resetInProgress
            ? badge(
                `in progress since ${time(i.resetInProgress.since)}, ${i.resetInProgress.eventsReceived ?? 0} events`,
                'pending',
              )
            : badge('none', 'ok'),
      ],
      ['Last event', (i) => time(i.lastEventTime)],
      [
        'Events applied / duplicate / stale',
        (i) => [i.events?.applied, i.events?.duplicate, i.events?.stale].map((n) => n ?? 0).join(' / '),
      ],
    ],
    { testId: 'directory-status' },
  );
}

/** @param {URLSearchParams} params */
export function directoryPage(params) {
  const user = params.get('user') ?? '';
  const search = params.get('q') ?? '';
  const cursor = params.get('cursor') ?? '';
  const identifier = h('input', {
    id: 'directory-lookup',
    type: 'search',
    value: user,
    placeholder: `UPN (${EXAMPLE}), DOMAIN\\name, mail, DN, SID, GUID, trustee id…`,
  });
  const lookupForm = h(
    'form',
    {
      class: 'row',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = directoryHash({ user: identifier.value.trim(), q: search });
      },
    },
    h('label', {}, 'User', identifier),
    h('button', { type: 'submit', text: 'Look up' }),
  );
  const searchInput = h('input', {
    id: 'directory-search',
    type: 'search',
    value: search,
    placeholder: 'part of a name, UPN, sAMAccountName or mail',
  });
  const searchForm = h(
    'form',
    {
      class: 'row',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = directoryHash({ q: searchInput.value.trim() });
      },
    },
    h('label', {}, 'Search', searchInput),
    h('button', { type: 'submit', text: 'Search' }),
  );
  show(
    h('h1', { text: 'Directory' }),
    lookupForm,
    user === ''
      ? null
      : lazySection(`Users matching ${user}`, () => lookup(user), 'directory-lookup-section'),
    searchForm,
    lazySection('Users', () => usersPage(search, cursor), 'directory-users-section'),
    lazySection('Status', status, 'directory-status-section'),
  );
}
