// @ts-check
// The service's routes, called with the session's token. A 401 signs out at once: the token was revoked or
// never valid, and every later call would be refused the same way.

import { session, signOut } from './session.js';

/** Thrown after a 401 signed the tab out: whoever waited on the call has nothing left to show. */
export class SignedOut extends Error {
  constructor() {
    super('Signed out');
    this.name = 'SignedOut';
  }
}

/** A route answered something other than 200; `message` is what it said, for people. */
export class RouteRefused extends Error {
  /**
   * @param {string} path
   * @param {number} status
   * @param {string} message
   */
  constructor(path, status, message) {
    super(message);
    this.name = 'RouteRefused';
    this.path = path;
    this.status = status;
  }
}

/**
 * The message of an error body (`{ error: { message } }`), if it is one.
 *
 * @param {unknown} body
 * @returns {string | undefined}
 */
function messageOf(body) {
  const message = /** @type {{ error?: { message?: unknown } } | null} */ (body)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * What a refused route answer says, or its status when it says nothing.
 *
 * @param {number} status
 * @param {unknown} body
 * @returns {string}
 */
export function problemOf(status, body) {
  return messageOf(body) ?? `The service answered ${status}`;
}

/**
 * One request with the token; the answer's status and its body parsed (text that is not JSON becomes the
 * message of an error body).
 *
 * @param {string} path
 * @param {{ method?: string, body?: string, allowUnauthenticated?: boolean }} [init]
 * @returns {Promise<{ status: number, body: unknown }>}
 */
export async function api(path, init = {}) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${session.token}` };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await response.text();
  /** @type {unknown} */
  let body;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = { error: { message: text } };
  }
  if (response.status === 401 && init.allowUnauthenticated !== true) {
    signOut(messageOf(body) ?? 'The token was refused.');
    throw new SignedOut();
  }
  return { status: response.status, body };
}

/**
 * A read route's answer. The service is trusted to answer the shape it documents (`T`); anything but 200 is
 * thrown as a {@link RouteRefused}.
 *
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export async function read(path) {
  const { status, body } = await api(path);
  if (status !== 200) throw new RouteRefused(path, status, problemOf(status, body));
  return /** @type {T} */ (body);
}
