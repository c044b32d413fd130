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

/**
 * What the OT section (KICS for Networks) calls, on the KICS connection. Checked against the catalogue only when
 * the service has a KICS connection: a KSC-only service lacks nothing.
 */
export const OT_USES = Object.freeze(
  /** @satisfies {Record<string, Use>} */ ({
    devices: {
      command: 'kics_list_devices',
      purpose: 'the OT device list and the device counts on the overview',
      fields: ['status', 'category', 'securityState', 'cve', 'limit', 'offset'],
    },
    device: {
      command: 'kics_get_device',
      purpose: "an OT device's page",
      fields: ['deviceId'],
    },
    setDeviceStatus: {
      command: 'kics_set_device_status',
      purpose: "changing an OT device's status",
      fields: ['deviceIds', 'status', 'idempotencyKey'],
    },
    events: {
      command: 'kics_list_events',
      purpose: "the OT events, a device's recent events and the event counts on the overview",
      fields: ['ipAddress', 'since', 'afterId', 'limit'],
    },
    updateEvent: {
      command: 'kics_update_event',
      purpose: "changing an OT event's status or mark",
      fields: ['eventIds', 'status', 'mark', 'idempotencyKey'],
    },
    vulnerabilities: {
      command: 'kics_list_vulnerabilities',
      purpose: 'the OT vulnerabilities',
      fields: ['cve', 'minCvsScore', 'limit', 'offset'],
    },
  }),
);

/**
 * What the OT section offers when the service has it, and leaves out without a word when it has not: these are
 * extras on pages that stand without them.
 */
export const OPTIONAL_USES = Object.freeze(
  /** @satisfies {Record<string, Use>} */ ({
    eventTraffic: {
      command: 'kics_get_event_traffic',
      purpose: "downloading an OT event's traffic",
      fields: ['eventIds'],
    },
    // Its input names the address to look for; the twin section reads which fields it has from the catalogue.
    resolveAsset: {
      command: 'resolve_asset',
      purpose: "an OT device's KSC twin",
      fields: [],
    },
    // The twin's users: the accounts its Network Agent reports, with their directory identity where the service
    // has the IAM directory (get_user_by_ip adds it).
    twinUsers: {
      command: 'get_user_by_ip',
      purpose: "the users of an OT device's KSC twin",
      fields: ['ipAddresses'],
    },
  }),
);

/**
 * What the Directory page calls (the IAM directory of seed 003). Checked against the catalogue only when the service
 * has the directory's commands: the nav entry shows then, and a service without them lacks nothing.
 */
export const DIRECTORY_USES = Object.freeze(
  /** @satisfies {Record<string, Use>} */ ({
    getUser: {
      command: 'directory_get_user',
      purpose: 'looking a user up in the directory',
      fields: ['user'],
    },
    listUsers: {
      command: 'directory_list_users',
      purpose: "the directory's users",
      fields: ['search', 'limit', 'cursor'],
    },
    status: {
      command: 'directory_status',
      purpose: "the directory's status",
      fields: [],
    },
  }),
);
