import { createHash } from 'node:crypto';

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1d232a; background: #f6f7f9; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem; }
header { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: end; margin-bottom: 1rem; }
header h1 { margin: 0; font-size: 1.4rem; flex-basis: 100%; }
label { display: block; font-size: .85rem; color: #46505a; }
input, select, textarea { font: inherit; font-size: .9rem; padding: .3rem .4rem; border: 1px solid #b9c0c8;
  border-radius: 4px; background: #fff; box-sizing: border-box; }
textarea { width: 100%; font-family: ui-monospace, monospace; min-height: 6rem; }
#filter { min-width: 16rem; }
details.op { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; margin: .5rem 0; }
details.op > summary { cursor: pointer; padding: .6rem .8rem; display: flex; gap: .75rem; align-items: baseline; }
details.op > div { padding: 0 .9rem .9rem; }
.method { font-weight: 700; font-family: ui-monospace, monospace; font-size: .8rem; padding: .1rem .4rem;
  border-radius: 3px; color: #fff; background: #2f6fb3; }
.method.get { background: #2e8b57; }
.path { font-family: ui-monospace, monospace; }
.tag { font-size: .75rem; border: 1px solid #b9c0c8; border-radius: 10px; padding: 0 .45rem; color: #46505a; }
.tag.respond { border-color: #c0392b; color: #c0392b; }
.desc { white-space: pre-wrap; color: #2f3a45; }
.fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .6rem 1rem;
  margin: .6rem 0; }
.fields .hint { font-size: .75rem; color: #67727e; }
.fields input, .fields select { width: 100%; }
button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid #2f6fb3; background: #2f6fb3;
  color: #fff; cursor: pointer; }
.response { margin-top: .8rem; }
.status { font-weight: 600; }
.status.ok { color: #2e8b57; } .status.bad { color: #c0392b; }
pre { background: #f0f2f5; padding: .6rem; overflow: auto; max-height: 28rem; font-size: .8rem; }
table { border-collapse: collapse; font-size: .8rem; margin: .5rem 0; }
th, td { border: 1px solid #d8dde3; padding: .2rem .45rem; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
`;

// The page renders /openapi.json itself: no framework, nothing fetched but this service's own routes. Every
// text from the document or a response goes in with textContent, never as HTML.
const SCRIPT = `
'use strict';
const $ = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v; else if (k === 'text') node.textContent = v; else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
};
let doc;
const resolve = (schema) => {
  let s = schema || {};
  for (let i = 0; s.$ref && i < 10; i++) s = doc.components.schemas[s.$ref.split('/').pop()] || {};
  return s;
};
const token = () => document.getElementById('token').value.trim();
const connection = () => document.getElementById('connection').value.trim();

function fieldFor(name, schema, required, example) {
  const s = resolve(schema);
  const types = [].concat(s.type || []);
  // Only the example fills the form: a default stays a placeholder, so the body holds what the caller chose.
  const initial = example;
  const fallback = s.default === undefined ? '' : 'default: ' + JSON.stringify(s.default);
  const id = 'f' + Math.random().toString(36).slice(2);
  let input;
  let read;
  if (Array.isArray(s.enum)) {
    input = $('select', { id });
    if (!required) input.append($('option', { value: '', text: fallback }));
    for (const v of s.enum) input.append($('option', { value: String(v), text: String(v) }));
    if (initial !== undefined) input.value = String(initial);
    read = () => (input.value === '' ? undefined : input.value);
  } else if (types.includes('boolean')) {
    input = $('select', { id });
    for (const v of ['', 'true', 'false']) input.append($('option', { value: v, text: v || fallback }));
    if (initial !== undefined) input.value = String(initial);
    read = () => (input.value === '' ? undefined : input.value === 'true');
  } else if (types.includes('integer') || types.includes('number')) {
    input = $('input', { id, type: 'number', placeholder: fallback });
    if (initial !== undefined) input.value = String(initial);
    read = () => (input.value === '' ? undefined : Number(input.value));
  } else if (types.includes('array') && ['string', 'integer', 'number'].includes(resolve(s.items).type)) {
    const numeric = resolve(s.items).type !== 'string';
    input = $('input', { id, placeholder: 'comma-separated' });
    if (Array.isArray(initial)) input.value = initial.join(', ');
    read = () => {
      const items = input.value.split(',').map((x) => x.trim()).filter(Boolean);
      return items.length === 0 ? undefined : numeric ? items.map(Number) : items;
    };
  } else if (types.includes('string') && !types.includes('object')) {
    input = $('input', { id, placeholder: fallback });
    if (initial !== undefined) input.value = String(initial);
    read = () => (input.value === '' ? undefined : input.value);
  } else {
    input = $('input', { id, placeholder: 'JSON' });
    if (initial !== undefined) input.value = JSON.stringify(initial);
    read = () => (input.value.trim() === '' ? undefined : JSON.parse(input.value));
  }
  const box = $('div', {}, $('label', { for: id, text: name + (required ? ' *' : '') }), input);
  if (s.description) box.append($('div', { class: 'hint', text: s.description }));
  return { name, box, input, read };
}

function renderTable(result) {
  if (!result || !Array.isArray(result.columns) || result.columns.length === 0) return null;
  const head = $('tr', {}, ...result.columns.map((c) => $('th', { text: c })));
  const rows = (result.rows || []).slice(0, 200).map((row) =>
    $('tr', {}, ...row.map((cell) => $('td', { text: typeof cell === 'string' ? cell : JSON.stringify(cell) }))),
  );
  return $('div', {}, $('strong', { text: result.title || '' }), $('table', {}, $('thead', {}, head), $('tbody', {}, ...rows)));
}

async function send(method, path, body, out) {
  out.replaceChildren($('span', { text: 'Sending…' }));
  const headers = {};
  if (token()) headers.Authorization = 'Bearer ' + token();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const url = connection() && path.startsWith('/v1/commands/') ? path + '?connection=' + encodeURIComponent(connection()) : path;
  try {
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    const status = $('div', { class: 'status ' + (response.ok ? 'ok' : 'bad'),
      text: response.status + ' ' + response.statusText + (parsed && parsed.status ? ' — ' + parsed.status : '') });
    const meta = $('div', { class: 'hint', text: 'request id ' + (response.headers.get('X-Request-Id') || '?') +
      (response.headers.get('Retry-After') ? ', retry after ' + response.headers.get('Retry-After') + ' s' : '') });
    out.replaceChildren(status, meta);
    if (parsed && Array.isArray(parsed.errors)) {
      for (const e of parsed.errors) out.append($('div', { class: 'status bad', text: e.statusCode + ' ' + e.code + ': ' + e.message }));
    }
    const table = parsed ? renderTable(parsed.result) : null;
    if (table) out.append(table);
    out.append($('pre', { text: parsed === undefined ? text : JSON.stringify(parsed, null, 2) }));
  } catch (error) {
    out.replaceChildren($('div', { class: 'status bad', text: String(error) }));
  }
}

function operationView(path, method, op) {
  const tags = (op.tags || []).map((t) => $('span', { class: 'tag ' + t, text: t }));
  const summary = $('summary', {}, $('span', { class: 'method ' + method, text: method.toUpperCase() }),
    $('span', { class: 'path', text: path }), $('span', { text: op.summary || '' }), ...tags);
  const body = $('div', {}, $('p', { class: 'desc', text: op.description || '' }));
  const out = $('div', { class: 'response' });
  const content = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
  if (content) {
    const schema = resolve(content.schema);
    const example = content.example || {};
    const required = schema.required || [];
    const fields = Object.entries(schema.properties || {}).map(([name, prop]) =>
      fieldFor(name, prop, required.includes(name), example[name]));
    const raw = $('textarea', { spellcheck: 'false', 'aria-label': 'request body' });
    const sync = () => {
      try {
        const value = {};
        for (const f of fields) { const v = f.read(); if (v !== undefined) value[f.name] = v; }
        raw.value = JSON.stringify(value, null, 2);
      } catch (error) { raw.value = '// ' + error.message; }
    };
    for (const f of fields) f.input.addEventListener('input', sync);
    sync();
    const button = $('button', { type: 'button', text: 'Try it' });
    button.addEventListener('click', () => send('POST', path, raw.value, out));
    body.append($('div', { class: 'fields' }, ...fields.map((f) => f.box)),
      $('label', { text: 'Request body (edit freely)' }), raw, button, out);
  } else if (method === 'get') {
    const button = $('button', { type: 'button', text: 'Try it' });
    const query = $('input', { placeholder: 'query, e.g. limit=20', 'aria-label': 'query' });
    button.addEventListener('click', () => send('GET', path + (query.value ? '?' + query.value.replace(/^[?]/, '') : ''), undefined, out));
    body.append((op.parameters || []).length ? query : '', button, out);
  }
  return $('details', { class: 'op', 'data-search': (path + ' ' + (op.summary || '') + ' ' + (op.tags || []).join(' ')).toLowerCase() }, summary, body);
}

async function main() {
  const list = document.getElementById('operations');
  const response = await fetch('/openapi.json');
  doc = await response.json();
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('intro').textContent = doc.info.description || '';
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) list.append(operationView(path, method, op));
  }
  document.getElementById('filter').addEventListener('input', (event) => {
    const q = event.target.value.toLowerCase();
    for (const d of list.children) d.hidden = q !== '' && !d.dataset.search.includes(q);
  });
}
main().catch((error) => { document.getElementById('operations').textContent = 'Could not load /openapi.json: ' + error; });
`;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * The interactive reference at `/docs`: a self-contained page that reads `/openapi.json` and renders every
 * operation with a "try it" form (fields from the input schema, an editable JSON body, the token kept in the
 * page only). Its Content-Security-Policy admits exactly its own script and style by hash.
 */
export function docsPage(): { readonly html: string; readonly contentSecurityPolicy: string } {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kconnect API reference</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1 id="title">kconnect</h1>
<div><label for="token">API token</label><input id="token" type="password" autocomplete="off" placeholder="kc_…" size="30"></div>
<div><label for="connection">Connection</label><input id="connection" placeholder="default" size="14"></div>
<div><label for="filter">Filter</label><input id="filter" placeholder="list_hosts, respond, audit…"></div>
</header>
<p id="intro" class="desc"></p>
<main id="operations"></main>
<script>${SCRIPT}</script>
</body>
</html>
`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(SCRIPT)}'`,
    `style-src 'sha256-${sha256(STYLE)}'`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
