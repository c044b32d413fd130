// @ts-check
// The kconnect web console. It is a client of the service's own routes and nothing else: every action is a
// command call (and so in the audit log), the token stays in this tab's sessionStorage, and every text from a
// response goes into the page with textContent, never as HTML.
//
// This module signs in and routes; lib/ holds the service, the catalogue and the DOM helpers, pages/ one
// module per page.

import { api, problemOf, read } from './lib/api.js';
import { loadCatalogue } from './lib/catalogue.js';
import { byId, fill, h } from './lib/dom.js';
import {
  can,
  chooseConnection,
  isKsc,
  keepToken,
  kicsConnection,
  session,
  signOut,
  whenSignedOut,
} from './lib/session.js';
import { DIRECTORY_USES, OT_USES, USES } from './lib/uses.js';
import { describe, newView, show } from './lib/view.js';
import { auditPage } from './pages/audit.js';
import { directoryPage } from './pages/directory.js';
import { eventsPage } from './pages/events.js';
import { hostPage } from './pages/host.js';
import { hostsPage } from './pages/hosts.js';
import { otDevicePage } from './pages/ot-device.js';
import { otDevicesPage } from './pages/ot-devices.js';
import { otEventsPage } from './pages/ot-events.js';
import { otVulnerabilitiesPage } from './pages/ot-vulnerabilities.js';
import { overviewPage } from './pages/overview.js';
import { pipelinesPage } from './pages/pipelines.js';
import { runPage } from './pages/run.js';
import { signInPage } from './pages/sign-in.js';

/** @import { Connection, Me } from './lib/session.js' */
/** @import { Catalogue } from './lib/catalogue.js' */

/** @param {string} [message] */
const showSignIn = (message) => signInPage(signInWith, message);

/** @param {string} token */
async function signInWith(token) {
  session.token = token;
  await signIn().catch((error) => showSignIn(describe(error)));
}

/**
 * Whether the service offers the directory's commands: the Directory page shows then (its commands answer from the
 * directory the service receives; without a store they say so).
 *
 * @param {Catalogue} catalogue
 */
const hasDirectory = (catalogue) => catalogue.find(DIRECTORY_USES.getUser.command) !== undefined;

/**
 * What the service lacks of what the pages use: named once at the top, and again by each page that needs it.
 *
 * @param {Catalogue} catalogue
 */
function showProblems(catalogue) {
  // The OT pages' commands matter only to a service with a KICS connection.
  const uses = [
    ...Object.values(USES),
    ...(kicsConnection() === undefined ? [] : Object.values(OT_USES)),
    ...(hasDirectory(catalogue) ? Object.values(DIRECTORY_USES) : []),
  ];
  const problems = uses.map((use) => catalogue.problemOf(use)).filter((problem) => problem !== undefined);
  const box = byId('problems');
  box.hidden = problems.length === 0;
  fill(
    box,
    h('p', { text: 'Some of what this console shows is not available from this service:' }),
    h(
      'ul',
      {},
      problems.map((problem) => h('li', { text: problem })),
    ),
  );
}

async function signIn() {
  const { status, body } = await api('/v1/me', { allowUnauthenticated: true });
  if (status !== 200) {
    signOut(problemOf(status, body));
    return;
  }
  keepToken();
  const me = /** @type {Me} */ (body);
  session.me = me;
  /** @type {Promise<{ connections: Connection[] }>} */
  const connections = can('read') ? read('/v1/connections') : Promise.resolve({ connections: [] });
  // The Pipelines entry shows only when the service runs pipelines this token may see.
  /** @type {Promise<{ pipelines: unknown[] }>} */
  const pipelines = can('read')
    ? read('/v1/pipelines').then(
        (answer) => /** @type {{ pipelines: unknown[] }} */ (answer),
        () => ({ pipelines: [] }),
      )
    : Promise.resolve({ pipelines: [] });
  const catalogue = await loadCatalogue();
  session.connections = (await connections).connections;
  session.catalogue = catalogue;
  // The header chooses the KSC connection of the KSC pages; the OT pages use the KICS one.
  const kscConnections = session.connections.filter(isKsc);
  if (!kscConnections.some((c) => c.name === session.connection)) {
    session.connection = kscConnections.find((c) => c.default)?.name ?? kscConnections[0]?.name ?? '';
  }
  fill(
    byId('connection'),
    ...kscConnections.map((c) =>
      h('option', { value: c.name, text: c.name, selected: c.name === session.connection }),
    ),
  );
  byId('who').textContent = `${me.name} (${me.scopes.join(', ')})`;
  byId('nav').hidden = false;
  byId('nav-ot').hidden = kicsConnection() === undefined;
  byId('nav-pipelines').hidden = (await pipelines).pipelines.length === 0;
  byId('nav-directory').hidden = !hasDirectory(catalogue);
  byId('session').hidden = false;
  showProblems(catalogue);
  route();
}

function route() {
  if (session.me === undefined) return;
  newView();
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const [page, ...rest] = path.split('/');
  const argument = decodeURIComponent(rest.join('/'));
  const otPage = page === 'ot' ? (rest[0] === 'device' ? 'devices' : (rest[0] ?? '')) : '';
  const navPage = page === 'ot' ? `ot/${otPage}` : page === 'host' ? 'hosts' : page || 'overview';
  for (const link of document.querySelectorAll('#nav a')) {
    if (!(link instanceof HTMLElement)) continue;
    const current = link.dataset['page'] === navPage;
    link.classList.toggle('current', current);
  }
  if (page === 'ot') return otRoute(rest, params);
  switch (page) {
    case 'hosts':
      return hostsPage(params);
    case 'host':
      return hostPage(argument);
    case 'events':
      return eventsPage();
    case 'audit':
      return auditPage(params, route);
    case 'run':
      return runPage(argument);
    case 'pipelines':
      return pipelinesPage(route);
    case 'directory':
      return directoryPage(params);
    default:
      return overviewPage();
  }
}

/**
 * The OT section's pages (`#/ot/…`): only with a KICS connection; without one the overview says why.
 *
 * @param {string[]} rest
 * @param {URLSearchParams} params
 */
function otRoute(rest, params) {
  if (kicsConnection() === undefined) {
    show(
      h('h1', { text: 'OT (KICS for Networks)' }),
      h('p', {
        class: 'muted',
        text: 'This service has no KICS for Networks connection this token may use.',
      }),
    );
    return;
  }
  const [section, ...more] = rest;
  switch (section) {
    case 'device':
      return otDevicePage(decodeURIComponent(more.join('/')));
    case 'events':
      return otEventsPage();
    case 'vulnerabilities':
      return otVulnerabilitiesPage(params);
    default:
      return otDevicesPage(params);
  }
}

function start() {
  whenSignedOut(showSignIn);
  // `#token=…` signs in (the demo prints such a link): the fragment never reaches a server or its logs, and it is
  // taken out of the address bar and the history at once.
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const given = fragment.get('token');
  if (given) {
    session.token = given;
    history.replaceState(null, '', `${location.pathname}#/`);
  }
  byId('signout').addEventListener('click', () => signOut());
  const select = byId('connection');
  select.addEventListener('change', () => {
    if (select instanceof HTMLSelectElement) chooseConnection(select.value);
    route();
  });
  window.addEventListener('hashchange', route);
  if (session.token === '') showSignIn();
  else signIn().catch((error) => showSignIn(describe(error)));
}

start();
