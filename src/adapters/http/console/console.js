// The kconnect web console. It is a client of the service's own routes and nothing else: every action is a
// command call (and so in the audit log), the token stays in this tab's sessionStorage, and every text from a
// response goes into the page with textContent, never as HTML.

const TOKEN_KEY = 'kconnect.token';
const CONNECTION_KEY = 'kconnect.connection';
const EVENTS_POLL_MS = 3000;
const SCAN_POLL_MS = 2000;
const MAX_EVENT_ROWS = 500;

const state = {
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  me: undefined,
  connections: [],
  connection: sessionStorage.getItem(CONNECTION_KEY) ?? '',
  commands: [],
  openapi: undefined,
  /** Bumped on every navigation: work started for an older view stops touching the page. */
  view: 0,
  timers: [],
};

// ---------------------------------------------------------------------------------------------------------
// DOM helpers

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const main = () => document.getElementById('main');

/** Replaces a node's children; null, undefined and false stand for "nothing here". */
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

function show(...nodes) {
  fill(main(), ...nodes);
}

/** A cell's text: objects and arrays as compact JSON, nothing as an empty cell. */
function cellText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function time(value) {
  if (typeof value !== 'string' || value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

function badge(text, kind = text) {
  return h('span', { class: `badge ${String(kind).split(' ')[0]}`, text });
}

/** A table of records: `columns` are [title, value-of-record] pairs. */
function table(records, columns, options = {}) {
  const head = h(
    'tr',
    {},
    columns.map(([title]) => h('th', { text: title })),
  );
  const rows = records.map((record) =>
    h(
      'tr',
      { class: options.rowClass?.(record) },
      columns.map(([, value, cls]) => {
        const content = value(record);
        return h('td', { class: cls }, content instanceof Node ? content : cellText(content));
      }),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { 'data-testid': options.testId }, h('thead', {}, head), h('tbody', {}, rows)),
  );
}

/** Seed 001's Result: the small table every command returns. */
function resultTable(result) {
  if (!result || !Array.isArray(result.columns) || result.columns.length === 0) return null;
  return h(
    'div',
    {},
    h('h2', { text: result.title }),
    table(
      result.rows,
      result.columns.map((column, i) => [column, (row) => row[i]]),
      { testId: 'result-table' },
    ),
  );
}

function errorList(errors) {
  if (!Array.isArray(errors) || errors.length === 0) return null;
  return h(
    'ul',
    { class: 'error', 'data-testid': 'errors' },
    errors.map((e) =>
      h('li', { text: `${e.item ? `${e.item}: ` : ''}${e.message} (${e.statusCode} ${e.code})` }),
    ),
  );
}

/** A link to a host's page, or the name alone when the record names no host id. */
function hostLink(id, name) {
  if (typeof id !== 'string' || id === '') return name ?? '';
  return h('a', { href: `#/host/${encodeURIComponent(id)}`, text: name || id });
}

/** What a refused route answer says, or its status when it says nothing. */
function problemOf(status, body) {
  return body?.error?.message ?? `The service answered ${status}`;
}

function failure(message) {
  return h('p', { class: 'error', text: message });
}

// ---------------------------------------------------------------------------------------------------------
// The service

class SignedOut extends Error {}

async function api(path, init = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body });
  const text = await response.text();
  let body;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = { error: { message: text } };
  }
  if (response.status === 401 && init.allowUnauthenticated !== true) {
    signOut(body?.error?.message ?? 'The token was refused.');
    throw new SignedOut();
  }
  return { status: response.status, body };
}

/** Runs a command on the chosen connection; answers its CommandResult (a refusal is one too). */
async function command(name, input) {
  const { body } = await api(`/v1/commands/${encodeURIComponent(name)}${connectionQuery('?')}`, {
    method: 'POST',
    body: JSON.stringify(input ?? {}),
  });
  return body;
}

function connectionQuery(prefix) {
  const chosen = state.connections.find((c) => c.name === state.connection);
  if (chosen === undefined || chosen.default) return '';
  return `${prefix}connection=${encodeURIComponent(chosen.name)}`;
}

function can(scope) {
  return state.me?.scopes.includes(scope) ?? false;
}

function firstError(result) {
  return result?.errors?.[0]?.message ?? 'no answer';
}

// ---------------------------------------------------------------------------------------------------------
// Signing in

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = '';
  state.me = undefined;
  loginView(message);
}

function loginView(message) {
  stopTimers();
  document.getElementById('nav').hidden = true;
  document.getElementById('session').hidden = true;
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
        state.token = input.value.trim();
        await signIn();
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

async function signIn() {
  const { status, body } = await api('/v1/me', { allowUnauthenticated: true });
  if (status !== 200) {
    sessionStorage.removeItem(TOKEN_KEY);
    loginView(problemOf(status, body));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, state.token);
  state.me = body;
  const [connections, commands] = await Promise.all([
    can('read') ? api('/v1/connections') : Promise.resolve({ body: { connections: [] } }),
    api('/v1/commands'),
  ]);
  state.connections = connections.body?.connections ?? [];
  state.commands = commands.body?.commands ?? [];
  if (!state.connections.some((c) => c.name === state.connection)) {
    state.connection = state.connections.find((c) => c.default)?.name ?? state.connections[0]?.name ?? '';
  }
  const select = document.getElementById('connection');
  fill(
    select,
    ...state.connections.map((c) =>
      h('option', { value: c.name, text: c.name, selected: c.name === state.connection }),
    ),
  );
  document.getElementById('who').textContent = `${state.me.name} (${state.me.scopes.join(', ')})`;
  document.getElementById('nav').hidden = false;
  document.getElementById('session').hidden = false;
  route();
}

// ---------------------------------------------------------------------------------------------------------
// Pages

function stopTimers() {
  for (const timer of state.timers) clearTimeout(timer);
  state.timers = [];
}

/** Calls `work` every `ms` until the view changes; `work` returning false stops it. */
function every(ms, work) {
  const view = state.view;
  const tick = async () => {
    if (view !== state.view) return;
    let again = true;
    try {
      again = (await work()) !== false;
    } catch (error) {
      if (error instanceof SignedOut) return;
      console.error(error);
    }
    if (again && view === state.view) state.timers.push(setTimeout(tick, ms));
  };
  state.timers.push(setTimeout(tick, ms));
}

/**
 * A section that fills itself with what `load` returns, or with the error it threw; `reload()` on the returned
 * element loads it again (after an action changed what it shows).
 */
function lazySection(title, load, testId) {
  const body = h('div', {}, h('p', { class: 'muted', text: 'Loading…' }));
  const section = h('section', { class: 'card', 'data-testid': testId }, h('h2', { text: title }), body);
  const view = state.view;
  section.reload = () =>
    load().then(
      (content) => {
        if (view === state.view) fill(body, content);
      },
      (error) => {
        if (view === state.view && !(error instanceof SignedOut)) fill(body, failure(String(error)));
      },
    );
  section.reload();
  return section;
}

async function overviewPage() {
  show(
    h('h1', { text: 'Overview' }),
    lazySection(
      'Connections',
      async () => {
        const { body } = await api('/v1/connections');
        state.connections = body.connections;
        return table(
          body.connections,
          [
            ['Connection', (c) => (c.default ? `${c.name} (default)` : c.name)],
            ['Health', (c) => (c.ok ? badge('OK', 'ok') : badge('Not answering', 'bad'))],
            ['Latency (ms)', (c) => c.durationMs, 'num'],
            ['Problem', (c) => c.error ?? ''],
          ],
          { testId: 'connections' },
        );
      },
      'connections-section',
    ),
    lazySection(
      `General status of the Administration Server (${state.connection})`,
      async () => {
        const result = await command('get_server_status', {});
        if (result.status === 'Failed') return failure(firstError(result));
        const keys = result.keyFields;
        return [
          h('p', {}, 'Status: ', badge(keys.Status)),
          keys.Reasons.length === 0
            ? h('p', { class: 'muted', text: 'No reasons: nothing needs attention.' })
            : h(
                'ul',
                { 'data-testid': 'status-reasons' },
                keys.Reasons.map((reason) => h('li', { text: reason })),
              ),
        ];
      },
      'server-status',
    ),
  );
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The search text as a literal inside a KSC filter string: quotes doubled, wildcard characters bracketed. */
function filterLiteral(text) {
  return text.replace(/"/g, '""').replace(/[*?[]/g, (c) => `[${c}]`);
}

function hostFilter(search, statusId) {
  const parts = [];
  const ip = IPV4.exec(search);
  if (ip) {
    const long = ip.slice(1).reduce((n, octet) => n * 256 + Number(octet), 0);
    parts.push(`(KLHST_WKS_IP_LONG = ${long})`);
  } else if (search !== '') {
    const pattern = `"*${filterLiteral(search)}*"`;
    parts.push(`(|(KLHST_WKS_DN = ${pattern})(KLHST_WKS_FQDN = ${pattern}))`);
  }
  if (statusId !== '') parts.push(`(KLHST_WKS_STATUS_ID = ${Number(statusId)})`);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : `(&${parts.join('')})`;
}

const PAGE_SIZES = ['50', '200', '1000'];

/** The hosts page's address for a search, a status, a page size and an offset. */
function hostsHash(search, statusId, size, offset) {
  const query = new URLSearchParams();
  if (search !== '') query.set('q', search);
  if (statusId !== '') query.set('status', statusId);
  if (size !== '200') query.set('size', size);
  if (offset > 0) query.set('offset', String(offset));
  return `#/hosts?${query}`;
}

function hostsPage(params) {
  const search = params.get('q') ?? '';
  const statusId = params.get('status') ?? '';
  const size = PAGE_SIZES.includes(params.get('size')) ? params.get('size') : '200';
  const offset = Math.max(0, Math.floor(Number(params.get('offset') ?? 0)) || 0);
  const input = h('input', {
    id: 'host-search',
    type: 'search',
    value: search,
    placeholder: 'name, FQDN or IPv4 address',
  });
  const status = h(
    'select',
    { id: 'host-status' },
    [
      ['', 'any status'],
      ['0', 'OK'],
      ['1', 'Critical'],
      ['2', 'Warning'],
    ].map(([value, text]) => h('option', { value, text, selected: value === statusId })),
  );
  const perPage = h(
    'select',
    { id: 'host-page-size' },
    PAGE_SIZES.map((value) => h('option', { value, text: value, selected: value === size })),
  );
  const form = h(
    'form',
    {
      class: 'row',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = hostsHash(input.value.trim(), status.value, perPage.value, 0);
      },
    },
    h('label', {}, 'Search', input),
    h('label', {}, 'Status', status),
    h('label', {}, 'Per page', perPage),
    h('button', { type: 'submit', text: 'Search' }),
  );
  show(
    h('h1', { text: 'Hosts' }),
    form,
    lazySection(
      'Managed hosts',
      async () => {
        const filter = hostFilter(search, statusId);
        const result = await command('list_hosts', {
          limit: Number(size),
          offset,
          ...(filter ? { filter } : {}),
        });
        if (result.status === 'Failed') return failure(firstError(result));
        const hosts = result.context;
        const total = result.keyFields.TotalHostCount;
        const shown = hosts.length === 0 ? '0' : `${offset + 1}–${offset + hosts.length}`;
        const page = (label, to, enabled) =>
          h('button', {
            type: 'button',
            class: 'quiet',
            text: label,
            disabled: !enabled,
            onclick: () => {
              location.hash = hostsHash(search, statusId, size, to);
            },
          });
        return [
          h(
            'div',
            { class: 'row' },
            h('p', {
              class: 'muted',
              'data-testid': 'host-count',
              text: `${shown} of ${total} matching hosts`,
            }),
            page('Previous', Math.max(0, offset - Number(size)), offset > 0),
            page('Next', offset + Number(size), offset + hosts.length < total),
          ),
          table(
            hosts,
            [
              ['Host', (x) => hostLink(x.KLHST_WKS_HOSTNAME, x.KLHST_WKS_DN)],
              ['IP address', (x) => x.ipAddress],
              ['Operating system', (x) => x.KLHST_WKS_OS_NAME],
              ['Status', (x) => badge(x.statusName ?? '?')],
              ['Real-time protection', (x) => x.rtpStateDescription],
              ['Threats', (x) => x.KLHST_WKS_VIRUS_COUNT, 'num'],
              ['Agent last connected', (x) => time(x.KLHST_WKS_LAST_NAGENT_CONNECTED)],
            ],
            { testId: 'hosts' },
          ),
        ];
      },
      'hosts-section',
    ),
  );
}

/** The scan type a host most likely runs, from its operating system; the command refuses a wrong one. */
function likelyScanType(types, os) {
  const text = (os ?? '').toLowerCase();
  const want = text.includes('server')
    ? 'Windows Server'
    : text.includes('linux')
      ? 'Linux'
      : text.includes('mac')
        ? 'Mac'
        : 'for Windows';
  return types.find((t) => t.includes(want)) ?? types[0];
}

async function scanTypes() {
  if (state.openapi === undefined) state.openapi = (await api('/openapi.json')).body;
  const schemas = state.openapi?.components?.schemas ?? {};
  for (const schema of Object.values(schemas)) {
    const scanType = schema?.properties?.scanType;
    if (Array.isArray(scanType?.enum)) return scanType.enum;
  }
  return [];
}

const SEVERITY_NAMES = { 1: 'Info', 2: 'Warning', 3: 'Error', 4: 'Critical' };

function hostPage(id) {
  const log = h('div', { 'data-testid': 'action-log' });
  const actions = h(
    'section',
    { class: 'card', 'data-testid': 'actions' },
    h('h2', { text: 'Actions' }),
    log,
  );
  // A fresh idempotency key per click: a retried request acts once, a second click acts again.
  const act = (button, name, input, after) => async () => {
    button.disabled = true;
    try {
      const payload = input();
      const result = await command(name, { ...payload, idempotencyKey: crypto.randomUUID() });
      fill(
        log,
        h('p', {}, badge(result.status, result.status.replace(' ', '-')), ` ${result.result?.title ?? name}`),
        errorList(result.errors),
      );
      if (result.status !== 'Failed') after?.(result, payload);
    } finally {
      button.disabled = false;
    }
  };
  const isolation = lazySection(
    'Network isolation',
    async () => {
      const result = await command('get_isolation_state', { hostIds: [id] });
      if (result.status === 'Failed') return h('p', { class: 'muted', text: firstError(result) });
      const s = result.context[0];
      return h(
        'dl',
        { class: 'facts' },
        h('dt', { text: 'State' }),
        h('dd', {}, badge(s.state, s.state.replace(' ', '-'))),
        h('dt', { text: 'Since' }),
        h('dd', { text: time(s.isolationStart) || '—' }),
        h('dt', { text: 'Ends' }),
        h('dd', { text: time(s.isolationEnd) || '—' }),
      );
    },
    'isolation',
  );
  const quarantine = lazySection(
    'Quarantine',
    async () => {
      const result = await command('list_quarantine_files', { hostId: id, limit: 200 });
      if (result.status === 'Failed') return failure(firstError(result));
      if (result.context.length === 0) return h('p', { class: 'muted', text: 'Nothing in quarantine.' });
      const columns = [
        ['File', (f) => f.filePath],
        ['Threat', (f) => f.szDescription],
        ['Quarantined', (f) => time(f.QBStoreTime)],
        ['Size', (f) => f.QBObjSize, 'num'],
        ['File id', (f) => f.nId, 'num'],
      ];
      if (can('respond')) {
        const fileAction = (label, name, file) => {
          const button = h('button', { type: 'button', class: 'quiet', text: label });
          button.addEventListener(
            'click',
            act(
              button,
              name,
              () => ({ fileIds: [file.nId] }),
              () => quarantine.reload(),
            ),
          );
          return button;
        };
        columns.push([
          'Actions',
          (f) =>
            h(
              'span',
              { class: 'actions' },
              fileAction('Scan again', 'scan_quarantined_files', f),
              fileAction('Restore', 'unquarantine_files', f),
            ),
        ]);
      }
      return table(result.context, columns, { testId: 'quarantine-files' });
    },
    'quarantine',
  );
  const progress = h('section', { class: 'card', id: 'scan', hidden: true, 'data-testid': 'scan' });
  const tasks = lazySection(
    'Tasks',
    async () => {
      const result = await command('list_host_tasks', { hostName: id });
      if (result.status === 'Failed') return failure(firstError(result));
      return table(result.context, [
        ['Task', (t) => t.DisplayName],
        ['Id', (t) => t.TASK_UNIQUE_ID],
        [
          'Last run',
          (t) => (t.TASK_LAST_EXEC_TIME?.startsWith('1970') ? 'never' : time(t.TASK_LAST_EXEC_TIME)),
        ],
      ]);
    },
    'tasks',
  );
  const title = h('h1', { text: `Host ${id}` });
  show(
    title,
    lazySection(
      'Status',
      async () => {
        const result = await command('get_host_status', { hostNames: [id] });
        if (result.status === 'Failed') return failure(firstError(result));
        const host = result.context[0];
        const keys = result.keyFields;
        title.textContent = host.KLHST_WKS_DN;
        fillActions(actions, id, host);
        const facts = [
          ['Name', host.KLHST_WKS_DN],
          ['FQDN', host.KLHST_WKS_FQDN],
          ['IP address', keys.HostIPs[0]],
          ['Operating system', host.KLHST_WKS_OS_NAME],
          ['Status', badge(keys.HostGeneralStatuses[0] ?? '?')],
          ['Status in words', keys.HostStatusDescriptions[0]],
          ['Status reasons', keys.HostExtStatuses[0] || 'none'],
          ['Real-time protection', keys.RealTimeProtectionStatusDescriptions[0]],
          ['Last full scan', time(keys.LastTimeFullScan[0])],
          ['Anti-virus databases', time(keys.LastAntiVirusDBUpdates[0])],
          ['Kaspersky applications', keys.APPNames.join(', ')],
          ['Agent last connected', time(host.KLHST_WKS_LAST_NAGENT_CONNECTED)],
          ['Host id', id],
        ];
        return h(
          'dl',
          { class: 'facts', 'data-testid': 'host-facts' },
          facts.flatMap(([term, value]) => [
            h('dt', { text: term }),
            h('dd', {}, value instanceof Node ? value : cellText(value)),
          ]),
        );
      },
      'host-status',
    ),
    actions,
    progress,
    h('div', { class: 'grid2' }, isolation, tasks),
    quarantine,
    lazySection(
      'Applications',
      async () => {
        const result = await command('list_applications', { hostNames: [id] });
        if (result.status === 'Failed') return failure(firstError(result));
        return table(result.context, [
          ['Application', (a) => a.DisplayName],
          ['Version', (a) => a.DisplayVersion],
          ['Publisher', (a) => a.Publisher],
          ['Installed', (a) => a.InstallDate],
        ]);
      },
      'applications',
    ),
  );

  async function fillActions(section, hostId, host) {
    if (!can('respond')) {
      log.before(
        h('p', {
          class: 'muted',
          text: 'Your token has no respond scope: scans and isolation need it. Ask an administrator for one.',
        }),
      );
      return;
    }
    const types = await scanTypes();
    const scanType = h(
      'select',
      { id: 'scan-type' },
      types.map((t) =>
        h('option', { value: t, text: t, selected: t === likelyScanType(types, host.KLHST_WKS_OS_NAME) }),
      ),
    );
    const minutes = h('input', { id: 'isolation-minutes', type: 'number', min: 1, max: 43200, value: 60 });
    const scan = h('button', { id: 'start-scan', type: 'button', text: 'Start scan' });
    // Each scan its own task name: Get Scan Result finds a scan's events by it.
    const scanRequest = () => ({
      hostNames: [hostId],
      scanType: scanType.value,
      scanDisplayName: `Virus Scan_kconnect ${new Date().toISOString().slice(0, 19)}`,
    });
    scan.addEventListener(
      'click',
      act(scan, 'scan_hosts', scanRequest, (result, request) =>
        followScan(progress, hostId, result.keyFields.ScanTaskID, request.scanDisplayName, () =>
          tasks.reload(),
        ),
      ),
    );
    const isolate = h('button', { id: 'isolate', type: 'button', class: 'danger', text: 'Isolate' });
    isolate.addEventListener(
      'click',
      act(
        isolate,
        'isolate_hosts',
        () => ({ hostIds: [hostId], isolationTimeout: Number(minutes.value) }),
        () => isolation.reload(),
      ),
    );
    const release = h('button', { id: 'unisolate', type: 'button', class: 'quiet', text: 'End isolation' });
    release.addEventListener(
      'click',
      act(
        release,
        'unisolate_hosts',
        () => ({ hostIds: [hostId] }),
        () => isolation.reload(),
      ),
    );
    log.before(
      h(
        'div',
        { class: 'actions' },
        h('label', {}, 'Scan type', scanType),
        scan,
        h('label', {}, 'Isolation (minutes)', minutes),
        isolate,
        release,
      ),
    );
  }
}

/**
 * Follows a scan task until it finished on its host, then shows what the scan reported and calls `finished`
 * (the host page reads its tasks again).
 */
function followScan(section, hostId, taskId, scanName, finished) {
  const stateText = h('p', { 'data-testid': 'scan-state', text: `Task ${taskId}: starting…` });
  const bar = h('div');
  const barWrap = h(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 },
    bar,
  );
  const hosts = h('div', {});
  const outcome = h('div', { 'data-testid': 'scan-result' });
  section.hidden = false;
  fill(section, h('h2', { text: `Scan ${scanName}` }), stateText, barWrap, hosts, outcome);
  const setPercent = (percent) => {
    bar.style.width = `${Math.max(0, Math.min(100, percent))}%`;
    barWrap.setAttribute('aria-valuenow', String(percent));
  };
  setPercent(0);
  every(SCAN_POLL_MS, async () => {
    const result = await command('wait_for_task', { taskId, waitTimeoutSeconds: 0 });
    if (result.status === 'Failed') {
      stateText.textContent = `Task ${taskId}: ${firstError(result)}`;
      return true;
    }
    const keys = result.keyFields;
    stateText.textContent = `Task ${taskId}: ${keys.TaskState} (${keys.CompletedPercent}%)`;
    stateText.dataset.state = keys.TaskState;
    setPercent(keys.CompletedPercent);
    fill(
      hosts,
      table(
        keys.HostNames.map((name, i) => ({ name, state: keys.HostStates[i] })),
        [
          ['Host', (x) => x.name],
          ['State', (x) => x.state],
        ],
      ),
    );
    if (!keys.Finished) return true;
    finished?.();
    const report = await command('get_scan_result', { hostId, scanTaskName: scanName, limit: 50 });
    fill(
      outcome,
      h('h2', { text: 'Scan result' }),
      report.status === 'Failed'
        ? failure(firstError(report))
        : table(
            report.context,
            [
              ['Time', (e) => time(e.rise_time)],
              ['Event', (e) => e.event_type_display_name ?? e.event_type],
              ['Severity', (e) => e.severityName ?? SEVERITY_NAMES[e.GNRL_EA_SEVERITY] ?? e.GNRL_EA_SEVERITY],
              ['Description', (e) => e.GNRL_EA_DESCRIPTION],
            ],
            { testId: 'scan-events' },
          ),
    );
    return false;
  });
}

const SEVERITIES = [
  ['', 'any severity'],
  ['4', 'Critical'],
  ['3', 'Error'],
  ['2', 'Warning'],
  ['1', 'Info'],
];

function eventsPage() {
  const seen = new Set();
  let newest;
  let paused = false;
  const rows = [];
  const severity = h(
    'select',
    { id: 'event-severity', onchange: () => redraw() },
    SEVERITIES.map(([value, text]) => h('option', { value, text })),
  );
  const pause = h('button', {
    type: 'button',
    class: 'quiet',
    text: 'Pause',
    onclick: () => {
      paused = !paused;
      pause.textContent = paused ? 'Resume' : 'Pause';
    },
  });
  const counter = h('p', { class: 'muted', 'data-testid': 'event-count' });
  const holder = h('div', {});
  const problem = h('div', {});
  const keyOf = (e) => `${e.event_db_id ?? ''}/${e.event_id ?? ''}/${e.rise_time}`;
  function redraw() {
    const wanted = severity.value;
    const shown = wanted === '' ? rows : rows.filter((e) => String(e.GNRL_EA_SEVERITY) === wanted);
    counter.textContent = `${shown.length} events shown, newest first; new ones appear every few seconds`;
    fill(
      holder,
      table(
        shown,
        [
          ['Time', (e) => time(e.rise_time)],
          ['Severity', (e) => e.severityName],
          ['Event', (e) => e.event_type_display_name ?? e.event_type],
          ['Host', (e) => hostLink(e.hostname, e.hostdn)],
          ['Description', (e) => e.GNRL_EA_DESCRIPTION],
          ['Task', (e) => e.task_display_name],
        ],
        { testId: 'events', rowClass: (e) => `sev-${e.GNRL_EA_SEVERITY}` },
      ),
    );
  }
  async function poll() {
    if (paused) return true;
    const query = new URLSearchParams({ limit: '200' });
    if (newest !== undefined) query.set('since', newest);
    const extra = connectionQuery('&');
    const { status, body } = await api(`/v1/events?${query}${extra}`);
    if (status !== 200) {
      fill(problem, failure(problemOf(status, body)));
      return true;
    }
    fill(problem);
    const fresh = body.events.filter((e) => !seen.has(keyOf(e)));
    for (const e of fresh) seen.add(keyOf(e));
    if (body.events[0]?.rise_time !== undefined) newest = body.events[0].rise_time;
    if (fresh.length > 0 || rows.length === 0) {
      rows.unshift(...fresh);
      rows.splice(MAX_EVENT_ROWS);
      redraw();
    }
    return true;
  }
  show(
    h('h1', { text: 'Events' }),
    h('div', { class: 'row' }, h('label', {}, 'Severity', severity), pause),
    problem,
    counter,
    holder,
  );
  poll().then(
    () => every(EVENTS_POLL_MS, poll),
    (error) => {
      if (!(error instanceof SignedOut)) fill(problem, failure(String(error)));
    },
  );
}

function auditPage(params) {
  if (!can('admin')) {
    show(
      h('h1', { text: 'Audit log' }),
      h('p', { class: 'muted', text: 'Reading the audit log needs the admin scope.' }),
    );
    return;
  }
  const commandName = params.get('command') ?? '';
  const filter = h(
    'select',
    { id: 'audit-command' },
    h('option', { value: '', text: 'every command' }),
    state.commands.map((c) => h('option', { value: c.name, text: c.name, selected: c.name === commandName })),
  );
  filter.addEventListener('change', () => {
    location.hash = filter.value === '' ? '#/audit' : `#/audit?command=${encodeURIComponent(filter.value)}`;
  });
  const entries = [];
  const holder = h('div', {});
  const more = h('button', { type: 'button', class: 'quiet', text: 'Older entries', hidden: true });
  let next = `/v1/audit?limit=100${commandName === '' ? '' : `&command=${encodeURIComponent(commandName)}`}`;
  async function load() {
    const { status, body } = await api(next);
    if (status !== 200) {
      fill(holder, failure(problemOf(status, body)));
      return;
    }
    entries.push(...body.entries);
    next = body.next;
    more.hidden = next === null;
    fill(
      holder,
      table(
        entries,
        [
          ['Time', (e) => time(e.at)],
          ['Who', (e) => e.token?.name ?? '(no valid token)'],
          ['Command', (e) => e.command],
          ['Connection', (e) => e.connection],
          ['Hosts', (e) => e.hosts],
          ['Outcome', (e) => badge(e.outcome, e.outcome.replace(' ', '-'))],
          ['HTTP', (e) => e.statusCode, 'num'],
          ['ms', (e) => e.durationMs, 'num'],
          ['Message', (e) => e.message ?? ''],
          ['Request id', (e) => e.requestId],
        ],
        { testId: 'audit' },
      ),
    );
  }
  more.addEventListener('click', () => load());
  show(
    h('h1', { text: 'Audit log' }),
    h(
      'div',
      { class: 'row' },
      h('label', {}, 'Command', filter),
      h('button', { type: 'button', class: 'quiet', text: 'Refresh', onclick: () => route() }),
    ),
    holder,
    more,
  );
  load();
}

function runPage(name) {
  const chosen = state.commands.find((c) => c.name === name) ?? state.commands[0];
  if (chosen === undefined) {
    show(h('h1', { text: 'Run a command' }), failure('The service lists no commands.'));
    return;
  }
  const picker = h(
    'select',
    { id: 'command-name' },
    state.commands.map((c) =>
      h('option', {
        value: c.name,
        text: `${c.title} (${c.name})${c.readOnly ? '' : ' — changes KSC'}`,
        selected: c === chosen,
      }),
    ),
  );
  picker.addEventListener('change', () => {
    location.hash = `#/run/${picker.value}`;
  });
  const input = h('textarea', { id: 'command-input', spellcheck: 'false' });
  input.value = JSON.stringify(chosen.example ?? {}, null, 2);
  const allowed = can(chosen.scope);
  const run = h('button', { id: 'run-command', type: 'button', text: 'Run', disabled: !allowed });
  const output = h('div', { 'data-testid': 'command-output' });
  run.addEventListener('click', async () => {
    let body;
    try {
      body = JSON.parse(input.value || '{}');
    } catch (error) {
      fill(output, failure(`The input is not JSON: ${error.message}`));
      return;
    }
    run.disabled = true;
    fill(output, h('p', { class: 'muted', text: 'Running…' }));
    const started = performance.now();
    try {
      const result = await command(chosen.name, body);
      const ms = Math.round(performance.now() - started);
      fill(
        output,
        h(
          'p',
          { 'data-testid': 'command-status' },
          badge(result.status, result.status.replace(' ', '-')),
          ` in ${ms} ms`,
        ),
        errorList(result.errors),
        resultTable(result.result),
        h(
          'details',
          { open: true },
          h('summary', { text: 'Raw JSON (the KSC answer)' }),
          h('pre', { 'data-testid': 'raw-json', text: JSON.stringify(result.raw, null, 2) }),
        ),
        h(
          'details',
          {},
          h('summary', { text: 'Context data' }),
          h('pre', { text: JSON.stringify(result.context, null, 2) }),
        ),
        h(
          'details',
          {},
          h('summary', { text: 'Key fields' }),
          h('pre', { text: JSON.stringify(result.keyFields, null, 2) }),
        ),
      );
    } finally {
      run.disabled = !allowed;
    }
  });
  show(
    h('h1', { text: 'Run a command' }),
    h(
      'section',
      { class: 'card' },
      h('label', {}, 'Command', picker),
      h('p', { class: 'muted', text: chosen.description }),
      h(
        'p',
        {},
        'Needs the ',
        h('strong', { text: chosen.scope }),
        ' scope. KSC calls: ',
        chosen.kscMethods.join(' → '),
      ),
      h('label', {}, 'Input (JSON)', input),
      h(
        'p',
        {},
        run,
        allowed ? null : h('span', { class: 'muted', text: ` Your token lacks the ${chosen.scope} scope.` }),
      ),
    ),
    output,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Routing

function route() {
  if (state.me === undefined) return;
  state.view += 1;
  stopTimers();
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const [page, ...rest] = path.split('/');
  const argument = decodeURIComponent(rest.join('/'));
  for (const link of document.querySelectorAll('#nav a')) {
    const current = link.dataset.page === (page === 'host' ? 'hosts' : page || 'overview');
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
      return auditPage(params);
    case 'run':
      return runPage(argument);
    default:
      return overviewPage();
  }
}

function start() {
  // `#token=…` signs in (the demo prints such a link): the fragment never reaches a server or its logs, and it is
  // taken out of the address bar and the history at once.
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const given = fragment.get('token');
  if (given) {
    state.token = given;
    history.replaceState(null, '', `${location.pathname}#/`);
  }
  document.getElementById('signout').addEventListener('click', () => signOut());
  document.getElementById('connection').addEventListener('change', (event) => {
    state.connection = event.target.value;
    sessionStorage.setItem(CONNECTION_KEY, state.connection);
    route();
  });
  window.addEventListener('hashchange', route);
  if (state.token === '') loginView();
  else signIn().catch((error) => loginView(String(error)));
}

start();
