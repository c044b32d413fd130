// @ts-check
// A host's page: its status in words, isolation, tasks, quarantine and applications, and — with the respond
// scope — a scan (followed to its result), isolation and its end, and actions on quarantined files.

import { firstError, runCommand } from '../lib/commands.js';
import { badge, cellText, failure, fill, h, muted, table, time } from '../lib/dom.js';
import { errorList, statusBadge } from '../lib/result-view.js';
import { can, session } from '../lib/session.js';
import { USES } from '../lib/uses.js';
import { describe, every, lazySection, show } from '../lib/view.js';

/** @import { CommandResult } from '../lib/commands.js' */
/** @import { Column } from '../lib/dom.js' */
/** @import { Use } from '../lib/uses.js' */

const SCAN_POLL_MS = 2000;
const SEVERITY_NAMES = /** @type {Record<string, string>} */ ({
  1: 'Info',
  2: 'Warning',
  3: 'Error',
  4: 'Critical',
});

/**
 * @typedef {object} HostRecord
 * @property {string} KLHST_WKS_DN
 * @property {string} [KLHST_WKS_FQDN]
 * @property {string} [KLHST_WKS_OS_NAME]
 * @property {string} [KLHST_WKS_LAST_NAGENT_CONNECTED]
 */

/**
 * @typedef {object} HostStatusKeys
 * @property {string[]} HostIPs
 * @property {string[]} HostGeneralStatuses
 * @property {string[]} HostStatusDescriptions
 * @property {string[]} HostExtStatuses
 * @property {string[]} RealTimeProtectionStatusDescriptions
 * @property {string[]} LastTimeFullScan
 * @property {string[]} LastAntiVirusDBUpdates
 * @property {string[]} APPNames
 */

/**
 * @typedef {object} IsolationState
 * @property {string} state
 * @property {string | null} [isolationStart]
 * @property {string | null} [isolationEnd]
 */

/**
 * @typedef {object} QuarantinedFile
 * @property {number} nId
 * @property {string} [filePath]
 * @property {string} [szDescription]
 * @property {string} [QBStoreTime]
 * @property {number} [QBObjSize]
 */

/**
 * @typedef {object} HostTask
 * @property {string} [DisplayName]
 * @property {string} [TASK_UNIQUE_ID]
 * @property {string} [TASK_LAST_EXEC_TIME]
 */

/**
 * @typedef {object} Application
 * @property {string} [DisplayName]
 * @property {string} [DisplayVersion]
 * @property {string} [Publisher]
 * @property {string} [InstallDate]
 */

/**
 * @typedef {object} TaskKeys
 * @property {string} TaskState
 * @property {number} CompletedPercent
 * @property {boolean} Finished
 * @property {string[]} HostNames
 * @property {string[]} HostStates
 */

/**
 * @typedef {object} ScanEvent
 * @property {string} [rise_time]
 * @property {string} [event_type]
 * @property {string} [event_type_display_name]
 * @property {string} [severityName]
 * @property {number} [GNRL_EA_SEVERITY]
 * @property {string} [GNRL_EA_DESCRIPTION]
 */

/**
 * The scan types the service offers: the choices of `scan_hosts`' `scanType` in the catalogue.
 *
 * @returns {string[]}
 */
function scanTypes() {
  const choices = session.catalogue?.fieldOf(USES.scan, 'scanType')?.enum ?? [];
  return choices.filter((choice) => typeof choice === 'string');
}

/**
 * The scan type a host most likely runs, from its operating system; the command refuses a wrong one.
 *
 * @param {string[]} types
 * @param {string | undefined} os
 */
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

/** @param {string} id the host's id (KLHST_WKS_HOSTNAME), or any name the commands accept */
export function hostPage(id) {
  const log = h('div', { 'data-testid': 'action-log' });
  const actions = h(
    'section',
    { class: 'card', 'data-testid': 'actions' },
    h('h2', { text: 'Actions' }),
    log,
  );

  /**
   * A click handler that runs a command with a fresh idempotency key (a retried request acts once, a second
   * click acts again) and shows its outcome in the action log.
   *
   * @param {HTMLButtonElement} button
   * @param {Use} use
   * @param {() => Record<string, unknown>} input
   * @param {(result: CommandResult<unknown, Record<string, unknown>>, input: Record<string, unknown>) => void} [after]
   */
  const act = (button, use, input, after) => async () => {
    button.disabled = true;
    try {
      const payload = input();
      const result = await runCommand(use, { ...payload, idempotencyKey: crypto.randomUUID() });
      fill(
        log,
        h('p', {}, statusBadge(result.status), ` ${result.result?.title ?? use.command}`),
        errorList(result.errors),
      );
      if (result.status !== 'Failed') after?.(result, payload);
    } catch (error) {
      fill(log, failure(describe(error)));
    } finally {
      button.disabled = false;
    }
  };

  const isolation = lazySection(
    'Network isolation',
    async () => {
      /** @type {CommandResult<IsolationState[]>} */
      const result = await runCommand(USES.isolationState, { hostIds: [id] });
      const s = result.context[0];
      if (result.status === 'Failed' || s === undefined) return muted(firstError(result));
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
      /** @type {CommandResult<QuarantinedFile[]>} */
      const result = await runCommand(USES.quarantine, { hostId: id, limit: 200 });
      if (result.status === 'Failed') return failure(firstError(result));
      if (result.context.length === 0) return muted('Nothing in quarantine.');
      /** @type {Column<QuarantinedFile>[]} */
      const columns = [
        ['File', (f) => f.filePath],
        ['Threat', (f) => f.szDescription],
        ['Quarantined', (f) => time(f.QBStoreTime)],
        ['Size', (f) => f.QBObjSize, 'num'],
        ['File id', (f) => f.nId, 'num'],
      ];
      if (can('respond')) {
        /**
         * @param {string} label
         * @param {Use} use
         * @param {QuarantinedFile} file
         */
        const fileAction = (label, use, file) => {
          const button = h('button', { type: 'button', class: 'quiet', text: label });
          button.addEventListener(
            'click',
            act(
              button,
              use,
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
              fileAction('Scan again', USES.rescanQuarantined, f),
              fileAction('Restore', USES.restoreQuarantined, f),
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
      /** @type {CommandResult<HostTask[]>} */
      const result = await runCommand(USES.hostTasks, { hostName: id });
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
        /** @type {CommandResult<HostRecord[], HostStatusKeys>} */
        const result = await runCommand(USES.hostStatus, { hostNames: [id] });
        const host = result.context[0];
        if (result.status === 'Failed' || host === undefined) return failure(firstError(result));
        const keys = result.keyFields;
        title.textContent = host.KLHST_WKS_DN;
        fillActions(host);
        /** @type {[string, unknown][]} */
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
        /** @type {CommandResult<Application[]>} */
        const result = await runCommand(USES.applications, { hostNames: [id] });
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

  /** @param {HostRecord} host */
  function fillActions(host) {
    if (!can('respond')) {
      log.before(
        muted('Your token has no respond scope: scans and isolation need it. Ask an administrator for one.'),
      );
      return;
    }
    const types = scanTypes();
    const preferred = likelyScanType(types, host.KLHST_WKS_OS_NAME);
    const scanType = h(
      'select',
      { id: 'scan-type' },
      types.map((t) => h('option', { value: t, text: t, selected: t === preferred })),
    );
    // The limits of the isolation time are the command's own.
    const timeout = session.catalogue?.fieldOf(USES.isolate, 'isolationTimeout');
    const minutes = h('input', {
      id: 'isolation-minutes',
      type: 'number',
      min: timeout?.minimum ?? 1,
      max: timeout?.maximum,
      value: 60,
    });
    const scan = h('button', { id: 'start-scan', type: 'button', text: 'Start scan' });
    // Each scan its own task name: Get Scan Result finds a scan's events by it.
    const scanRequest = () => ({
      hostNames: [id],
      scanType: scanType.value,
      scanDisplayName: `Virus Scan_kconnect ${new Date().toISOString().slice(0, 19)}`,
    });
    scan.addEventListener(
      'click',
      act(scan, USES.scan, scanRequest, (result, request) =>
        followScan(
          progress,
          id,
          String(result.keyFields['ScanTaskID']),
          String(request['scanDisplayName']),
          () => tasks.reload(),
        ),
      ),
    );
    const isolate = h('button', { id: 'isolate', type: 'button', class: 'danger', text: 'Isolate' });
    isolate.addEventListener(
      'click',
      act(
        isolate,
        USES.isolate,
        () => ({ hostIds: [id], isolationTimeout: Number(minutes.value) }),
        () => isolation.reload(),
      ),
    );
    const release = h('button', { id: 'unisolate', type: 'button', class: 'quiet', text: 'End isolation' });
    release.addEventListener(
      'click',
      act(
        release,
        USES.unisolate,
        () => ({ hostIds: [id] }),
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
 *
 * @param {HTMLElement} section
 * @param {string} hostId
 * @param {string} taskId
 * @param {string} scanName
 * @param {() => void} finished
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
  /** @param {number} percent */
  const setPercent = (percent) => {
    bar.style.width = `${Math.max(0, Math.min(100, percent))}%`;
    barWrap.setAttribute('aria-valuenow', String(percent));
  };
  setPercent(0);
  every(SCAN_POLL_MS, async () => {
    /** @type {CommandResult<unknown, TaskKeys>} */
    const result = await runCommand(USES.followTask, { taskId, waitTimeoutSeconds: 0 });
    if (result.status === 'Failed') {
      stateText.textContent = `Task ${taskId}: ${firstError(result)}`;
      return true;
    }
    const keys = result.keyFields;
    stateText.textContent = `Task ${taskId}: ${keys.TaskState} (${keys.CompletedPercent}%)`;
    stateText.dataset['state'] = keys.TaskState;
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
    finished();
    /** @type {CommandResult<ScanEvent[]>} */
    const report = await runCommand(USES.scanResult, { hostId, scanTaskName: scanName, limit: 50 });
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
              [
                'Severity',
                (e) => e.severityName ?? SEVERITY_NAMES[String(e.GNRL_EA_SEVERITY)] ?? e.GNRL_EA_SEVERITY,
              ],
              ['Description', (e) => e.GNRL_EA_DESCRIPTION],
            ],
            { testId: 'scan-events' },
          ),
    );
    return false;
  });
}
