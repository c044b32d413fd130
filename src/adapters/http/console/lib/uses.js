// @ts-check
// The commands this console calls, in one place. Pages name a use from this table, never a command by a string
// of their own: after signing in the console checks every use against the service's catalogue, so a command that
// was renamed, left out of the registry or lost an input field is named on the page, not met as a bare 404.

/**
 * @typedef {object} Use
 * @property {string} command the command's name in the registry
 * @property {string} purpose what the console does with it, for the message when the service lacks it
 * @property {readonly string[]} fields every input field the console sends it
 */

export const USES = Object.freeze(
  /** @satisfies {Record<string, Use>} */ ({
    serverStatus: {
      command: 'get_server_status',
      purpose: 'the general status on the overview',
      fields: [],
    },
    listHosts: {
      command: 'list_hosts',
      // The overview's host charts read the same list (a few fields of many hosts).
      purpose: 'the host list',
      fields: ['filter', 'limit', 'offset', 'fields'],
    },
    hostStatus: { command: 'get_host_status', purpose: "a host's status", fields: ['hostNames'] },
    isolationState: {
      command: 'get_isolation_state',
      purpose: "a host's network isolation",
      fields: ['hostIds'],
    },
    hostTasks: { command: 'list_host_tasks', purpose: "a host's tasks", fields: ['hostName'] },
    applications: {
      command: 'list_applications',
      purpose: "a host's applications",
      fields: ['hostNames'],
    },
    quarantine: {
      command: 'list_quarantine_files',
      purpose: "a host's quarantine",
      fields: ['hostId', 'limit'],
    },
    rescanQuarantined: {
      command: 'scan_quarantined_files',
      purpose: 'scanning a quarantined file again',
      fields: ['fileIds', 'idempotencyKey'],
    },
    restoreQuarantined: {
      command: 'unquarantine_files',
      purpose: 'restoring a quarantined file',
      fields: ['fileIds', 'idempotencyKey'],
    },
    scan: {
      command: 'scan_hosts',
      purpose: 'starting a scan',
      fields: ['hostNames', 'scanType', 'scanDisplayName', 'idempotencyKey'],
    },
    followTask: {
      command: 'wait_for_task',
      purpose: "following a scan's progress",
      fields: ['taskId', 'waitTimeoutSeconds'],
    },
    scanResult: {
      command: 'get_scan_result',
      purpose: "a scan's result",
      fields: ['hostId', 'scanTaskName', 'limit'],
    },
    isolate: {
      command: 'isolate_hosts',
      purpose: 'isolating a host',
      fields: ['hostIds', 'isolationTimeout', 'idempotencyKey'],
    },
    unisolate: {
      command: 'unisolate_hosts',
      purpose: "ending a host's isolation",
      fields: ['hostIds', 'idempotencyKey'],
    },
  }),
);
