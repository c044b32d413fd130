// @ts-check
// Who is signed in, with what, on which connection. The token stays in this tab's sessionStorage: closing the
// tab forgets it, and no other tab or storage sees it.

/** @import { Catalogue } from './catalogue.js' */

/** @typedef {'read' | 'respond' | 'admin'} Scope */

/**
 * The caller, from `GET /v1/me`.
 *
 * @typedef {object} Me
 * @property {string} tokenId
 * @property {string} name
 * @property {Scope[]} scopes
 */

/**
 * A connection and its health, from `GET /v1/connections`.
 *
 * @typedef {object} Connection
 * @property {string} name
 * @property {string} [type] the product: `ksc` or `kics` (a service that does not say has KSC ones only)
 * @property {boolean} default
 * @property {boolean} ok
 * @property {string | null} error
 * @property {number | null} durationMs
 */

const TOKEN_KEY = 'kconnect.token';
const CONNECTION_KEY = 'kconnect.connection';

export const session = {
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  /** @type {Me | undefined} */
  me: undefined,
  /** @type {Connection[]} */
  connections: [],
  connection: sessionStorage.getItem(CONNECTION_KEY) ?? '',
  /**
   * The commands the service offers, read once after signing in.
   *
   * @type {Catalogue | undefined}
   */
  catalogue: undefined,
};

/** Keeps the token that signed in for the rest of the tab's life. */
export function keepToken() {
  sessionStorage.setItem(TOKEN_KEY, session.token);
}

/** @param {string} name */
export function chooseConnection(name) {
  session.connection = name;
  sessionStorage.setItem(CONNECTION_KEY, name);
}

/** @type {(message?: string) => void} */
let onSignedOut = () => undefined;

/**
 * What to show once signed out (the sign-in page); set by the main module, which knows the pages.
 *
 * @param {(message?: string) => void} handler
 */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

/** @param {string} [message] why, when it was not the user's choice */
export function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  session.token = '';
  session.me = undefined;
  session.catalogue = undefined;
  onSignedOut(message);
}

/** @param {Scope} scope */
export function can(scope) {
  return session.me?.scopes.includes(scope) ?? false;
}

/**
 * Whether a connection is to KSC: the header's choice and the KSC pages use only those.
 *
 * @param {Connection} connection
 */
export function isKsc(connection) {
  return (connection.type ?? 'ksc') === 'ksc';
}

/**
 * The KICS for Networks connection the OT pages use: the first the token may use, if there is one.
 *
 * @returns {Connection | undefined}
 */
export function kicsConnection() {
  return session.connections.find((c) => c.type === 'kics');
}

/**
 * The query parameter that selects a connection (default: the chosen one), or nothing for the default one.
 *
 * @param {'?' | '&'} prefix
 * @param {string} [name]
 */
export function connectionQuery(prefix, name = session.connection) {
  const chosen = session.connections.find((c) => c.name === name);
  if (chosen === undefined || chosen.default) return '';
  return `${prefix}connection=${encodeURIComponent(chosen.name)}`;
}
