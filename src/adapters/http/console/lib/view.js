// @ts-check
// The life of a page: each navigation starts a new view, and work started for an older one (timers, answers
// still on their way) stops touching the page.

import { RouteRefused, SignedOut } from './api.js';
import { CommandUnavailable } from './catalogue.js';
import { byId, failure, fill, h, muted } from './dom.js';

/** @import { Child } from './dom.js' */

let current = 0;
/** @type {ReturnType<typeof setTimeout>[]} */
let timers = [];

/** Starts a new view: stops the older view's timers. */
export function newView() {
  current += 1;
  stopTimers();
}

export function stopTimers() {
  for (const timer of timers) clearTimeout(timer);
  timers = [];
}

/**
 * Shows a page in `main`.
 *
 * @param {...(Child | Child[])} nodes
 */
export function show(...nodes) {
  fill(byId('main'), ...nodes);
}

/**
 * An error's text for the page: what it says when it is one of ours, else how the browser names it.
 *
 * @param {unknown} error
 */
export function describe(error) {
  return error instanceof CommandUnavailable || error instanceof RouteRefused ? error.message : String(error);
}

/**
 * Calls `work` every `ms` until the view changes; `work` answering false stops it.
 *
 * @param {number} ms
 * @param {() => Promise<boolean>} work
 */
export function every(ms, work) {
  const view = current;
  const tick = async () => {
    if (view !== current) return;
    let again = true;
    try {
      again = await work();
    } catch (error) {
      if (error instanceof SignedOut) return;
      console.error(error);
    }
    if (again && view === current) timers.push(setTimeout(tick, ms));
  };
  timers.push(setTimeout(tick, ms));
}

/**
 * A section that fills itself with what `load` answers, or with the error it threw; `reload()` loads it again
 * (after an action changed what it shows).
 *
 * @param {string} title
 * @param {() => Promise<Child | Child[]>} load
 * @param {string} testId
 */
export function lazySection(title, load, testId) {
  const body = h('div', {}, muted('Loading…'));
  const section = h('section', { class: 'card', 'data-testid': testId }, h('h2', { text: title }), body);
  const view = current;
  const reload = () =>
    load().then(
      (content) => {
        if (view === current) fill(body, content);
      },
      (error) => {
        if (view === current && !(error instanceof SignedOut)) fill(body, failure(describe(error)));
      },
    );
  reload();
  return Object.assign(section, { reload });
}
