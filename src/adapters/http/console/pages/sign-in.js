// @ts-check
// The sign-in page: a token pasted in, kept in this tab only.

import { byId, failure, h } from '../lib/dom.js';
import { show, stopTimers } from '../lib/view.js';

/**
 * @param {(token: string) => Promise<void>} signIn tries the token
 * @param {string} [message] why the last try or the session ended
 */
export function signInPage(signIn, message) {
  stopTimers();
  byId('nav').hidden = true;
  byId('session').hidden = true;
  byId('problems').hidden = true;
  const input = h('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'off',
    placeholder: 'kc_…',
    'aria-label': 'API token',
  });
  const form = h(
    'form',
    {
      class: 'card login',
      onsubmit: async (event) => {
        event.preventDefault();
        await signIn(input.value.trim());
      },
    },
    h('h1', { text: 'Sign in' }),
    h('p', {
      class: 'muted',
      text: 'Paste an API token (kconnect token create --name you --scope read,respond,admin). It stays in this tab only.',
    }),
    h('label', {}, 'API token', input),
    h('p', {}, h('button', { type: 'submit', text: 'Sign in' })),
    message ? failure(message) : null,
  );
  show(h('section', { class: 'card login' }, form));
  input.focus();
}
