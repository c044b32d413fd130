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
import { can, chooseConnection, keepToken, session, signOut, whenSignedOut } from './lib/session.js';
import { USES } from './lib/uses.js';
import { describe, newView } from './lib/view.js';
import { auditPage } from './pages/audit.js';
import { eventsPage } from './pages/events.js';
import { hostPage } from './pages/host.js';
import { hostsPage } from './pages/hosts.js';
import { overviewPage } from './pages/overview.js';
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
 * What the service lacks of what the pages use: named once at the top, and again by each page that needs it.
 *
 * @param {Catalogue} catalogue
 */
function showProblems(catalogue) {
  const problems = Object.values(USES)
    .map((use) => catalogue.problemOf(use))
    .filter((problem) => problem !== undefined);
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
  const catalogue = await loadCatalogue();
  session.connections = (await connections).connections;
  session.catalogue = catalogue;
  if (!session.connections.some((c) => c.name === session.connection)) {
    session.connection =
      session.connections.find((c) => c.default)?.name ?? session.connections[0]?.name ?? '';
  }
  fill(
    byId('connection'),
    ...session.connections.map((c) =>
      h('option', { value: c.name, text: c.name, selected: c.name === session.connection }),
    ),
  );
  byId('who').textContent = `${me.name} (${me.scopes.join(', ')})`;
  byId('nav').hidden = false;
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
  for (const link of document.querySelectorAll('#nav a')) {
    if (!(link instanceof HTMLElement)) continue;
    const current = link.dataset['page'] === (page === 'host' ? 'hosts' : page || 'overview');
    link.classList.toggle('current', current);
  }
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
    default:
      return overviewPage();
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
