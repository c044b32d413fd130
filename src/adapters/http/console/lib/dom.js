// @ts-check
// Building the page. Every text from an answer goes in as text (textContent or a text node), never as HTML:
// what KSC and the service say is data, and the CSP is the second line of defence, not the first.

/** @typedef {Node | string | number | null | undefined | false} Child */
/** @typedef {string | number | boolean | null | undefined | ((event: Event) => void)} PropValue */

/**
 * An element with attributes, listeners (`on…`), text (`text`) and children. `false`, `null` and `undefined`
 * props and children stand for "nothing here"; `true` is an attribute without a value.
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, PropValue>} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = String(value);
    else if (key === 'text') node.textContent = String(value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

/**
 * @param {Element} node
 * @param {(Child | Child[])[]} children
 */
function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replaces a node's children.
 *
 * @param {Element} node
 * @param {...(Child | Child[])} children
 */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/**
 * The element of an id the page (index.html) always has.
 *
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`The page has no element #${id}`);
  return node;
}

/**
 * A cell's text: objects and arrays as compact JSON, nothing as an empty cell.
 *
 * @param {unknown} value
 * @returns {string}
 */
export function cellText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A time from an answer in the reader's locale; anything else as it came.
 *
 * @param {unknown} value
 * @returns {string}
 */
export function time(value) {
  if (typeof value !== 'string' || value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/**
 * A coloured label; its class is the first word of `kind` (the stylesheet colours OK, Critical, pending …).
 *
 * @param {unknown} text
 * @param {unknown} [kind]
 */
export function badge(text, kind = text) {
  return h('span', { class: `badge ${String(kind).split(' ')[0]}`, text: String(text) });
}

/**
 * @template R
 * @typedef {[title: string, value: (record: R) => unknown, cellClass?: string]} Column
 */

/**
 * A table of records.
 *
 * @template R
 * @param {readonly R[]} records
 * @param {Column<R>[]} columns
 * @param {{ testId?: string, rowClass?: (record: R) => string }} [options]
 */
export function table(records, columns, options = {}) {
  const head = h(
    'tr',
    {},
    // A column's class goes on its heading too: a right-aligned number under a left-aligned heading reads as
    // the next column's value.
    columns.map(([title, , cellClass]) => h('th', { scope: 'col', class: cellClass, text: title })),
  );
  const rows = records.map((record) =>
    h(
      'tr',
      { class: options.rowClass?.(record) },
      columns.map(([, value, cellClass]) => {
        const content = value(record);
        return h('td', { class: cellClass }, content instanceof Node ? content : cellText(content));
      }),
    ),
  );
  // The wrapper scrolls a long table: focusable, so that the keyboard can scroll it too.
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0 },
    h('table', { 'data-testid': options.testId }, h('thead', {}, head), h('tbody', {}, rows)),
  );
}

/**
 * A link to a host's page, or the name alone when the record names no host id.
 *
 * @param {unknown} id
 * @param {unknown} name
 * @returns {Node | string}
 */
export function hostLink(id, name) {
  const text = typeof name === 'string' ? name : '';
  if (typeof id !== 'string' || id === '') return text;
  return h('a', { href: `#/host/${encodeURIComponent(id)}`, text: text || id });
}

/** @param {string} message */
export function failure(message) {
  return h('p', { class: 'error', text: message });
}

/** @param {string} message */
export function muted(message) {
  return h('p', { class: 'muted', text: message });
}

/**
 * A button to another page of a paged list: it moves the console to `hash`.
 *
 * @param {string} label
 * @param {string} hash
 * @param {boolean} enabled
 */
export function pageButton(label, hash, enabled) {
  return h('button', {
    type: 'button',
    class: 'quiet',
    text: label,
    disabled: !enabled,
    onclick: () => {
      location.hash = hash;
    },
  });
}
