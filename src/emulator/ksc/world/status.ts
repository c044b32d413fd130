import type { KlParams, KlValue } from '../../../ksc/values.ts';

/**
 * Host status rules (spec §7.3–§7.5): how `KLHST_WKS_STATUS`, `KLHST_WKS_STATUS_ID`, `KLHST_WKS_STATUS_MASK` and
 * `KLHST_WKS_RTP_STATE` follow from what is true about a host. The generator and the server (when an agent
 * reconnects, a scan completes, bases age…) both derive the four attributes here, so they can never disagree.
 *
 * Extended-status conditions and the status they give — the one partition used everywhere:
 *
 * | mask bit | condition (thresholds: {@link STATUS_THRESHOLDS})                  | status   | text                                  |
 * |----------|-------------------------------------------------------------------|----------|---------------------------------------|
 * | 0        | online, Network Agent installed but not alive                     | Warning  | Device has become unmanaged           |
 * | 1        | security application running, real-time protection not running   | Critical | Real-time protection is not running   |
 * | 2        | security application installed but not running                   | Critical | Security application is not running   |
 * | 3        | security application installed, threats detected recently        | Critical | Too many viruses detected             |
 * | 5        | no security application                                           | Critical | Security application is not installed |
 * | 6        | security application installed, no full scan for > 30 days / ever | Warning  | Not scanned in a long time            |
 * | 7        | security application installed, bases older than 14 days         | Critical | Databases are outdated                |
 * | 7        | security application installed, bases 7–14 days old              | Warning  | Databases are outdated                |
 * | 8        | Network Agent installed, not connected for > 30 days              | Warning  | Last connected a long time ago        |
 * | 9        | security application installed, license expired                   | Warning  | License expired                       |
 * | 10       | uncured objects present                                           | Critical | Active threats are detected           |
 * | 11       | restart required                                                  | Warning  | Restart is required                   |
 *
 * `KLHST_WKS_STATUS_ID` is 1 (Critical) when any Critical row holds, else 2 (Warning) when any Warning row holds,
 * else 0 (OK). Bit 4 (protection level differs from policy) is never set: the emulator has no policies.
 * Bits 1 and 2 exclude each other: an application that is not running reports bit 2 only.
 */

/** `KLHST_WKS_STATUS` bits (spec §7.3). */
export const HOST_STATE = Object.freeze({
  VISIBLE: 0x1,
  ADDED_TO_GROUP: 0x2,
  AGENT_INSTALLED: 0x4,
  AGENT_ALIVE: 0x8,
  RTP_INSTALLED: 0x10,
});

/** `KLHST_WKS_STATUS_ID` values (spec §7.4). */
export const STATUS_ID = Object.freeze({ OK: 0, CRITICAL: 1, WARNING: 2 });
export type StatusId = (typeof STATUS_ID)[keyof typeof STATUS_ID];

/** `KLHST_WKS_RTP_STATE` values (spec §7.5). */
export const RTP_STATE = Object.freeze({
  UNKNOWN: 0,
  STOPPED: 1,
  SUSPENDED: 2,
  STARTING: 3,
  RUNNING: 4,
  RUNNING_MAX_PROTECTION: 5,
  RUNNING_MAX_PERFORMANCE: 6,
  RUNNING_RECOMMENDED: 7,
  RUNNING_CUSTOM: 8,
  FAILURE: 9,
});

/** The "running" RTP states: which of them a host reports is its protection profile. */
export type RunningRtpState = 4 | 5 | 6 | 7 | 8;

export function isRunningRtpState(state: number): state is RunningRtpState {
  return state >= RTP_STATE.RUNNING && state <= RTP_STATE.RUNNING_CUSTOM;
}

/** Extended status mask bit numbers (spec §7.4). */
export const MASK_BIT = Object.freeze({
  AGENT_INACTIVE: 0,
  RTP_NOT_RUNNING: 1,
  AV_NOT_RUNNING: 2,
  VIRUSES_DETECTED: 3,
  RTP_LEVEL_DIFFERS: 4,
  NO_AV: 5,
  OLD_FULL_SCAN: 6,
  OLD_BASES: 7,
  OLD_LAST_CONNECT: 8,
  LICENSE_EXPIRED: 9,
  UNCURED_OBJECTS: 10,
  REBOOT_REQUIRED: 11,
});

/** The server's status thresholds (`KLSRV_HSTSTAT_*` settings), in days. */
export const STATUS_THRESHOLDS = Object.freeze({
  /** Bases older than this are outdated (Warning). */
  oldBasesDays: 7,
  /** Bases older than this are outdated (Critical). */
  criticalBasesDays: 14,
  /** No full scan for longer than this (or never) is a Warning. */
  oldFullScanDays: 30,
  /** Network Agent not connected for longer than this is a Warning. */
  oldLastConnectDays: 30,
});

/** What is true about a host; the status attributes are a function of these facts. */
export interface HostFacts {
  readonly online: boolean;
  /** In an administration group, i.e. not under "Unassigned devices". */
  readonly inGroup: boolean;
  readonly agentInstalled: boolean;
  readonly agentAlive: boolean;
  /** A security application with real-time protection (KES/KESL) is installed. */
  readonly avInstalled: boolean;
  readonly avRunning: boolean;
  readonly rtpRunning: boolean;
  /** The running state reported while protection runs (4–8). */
  readonly rtpProfile: RunningRtpState;
  /** Age of the anti-virus bases; `null` when unknown (no security application). */
  readonly basesAgeDays: number | null;
  /** Days since the last full scan; `null` when never scanned. */
  readonly lastFullScanDaysAgo: number | null;
  /** Days since the Network Agent last connected; `null` without an agent. */
  readonly agentLastConnectDaysAgo: number | null;
  /** Threats were detected within the server's "too many viruses" window. */
  readonly virusesDetectedRecently: boolean;
  readonly uncuredCount: number;
  readonly rebootRequired: boolean;
  readonly licenseExpired: boolean;
}

/** The status attributes derived from {@link HostFacts}. */
export interface HostStatus {
  /** `KLHST_WKS_STATUS` */
  readonly status: number;
  /** `KLHST_WKS_STATUS_ID` */
  readonly statusId: StatusId;
  /** `KLHST_WKS_STATUS_MASK` */
  readonly statusMask: number;
  /** `KLHST_WKS_RTP_STATE` */
  readonly rtpState: number;
  /** `KLHST_WKS_RTP_ERROR_CODE` */
  readonly rtpErrorCode: number;
}

/** One row of the status table. */
export interface StatusCondition {
  readonly bit: number;
  readonly severity: 'critical' | 'warning';
  /** The reason as the server words it in host-status events. */
  readonly text: string;
  /** `GNRL_EA_ID` of the `KLSRV_HOST_STATUS_*` event that reports this reason. */
  readonly eventId: number;
  readonly holds: (facts: HostFacts) => boolean;
}

const basesOlderThan = (facts: HostFacts, days: number): boolean =>
  facts.avInstalled && facts.basesAgeDays !== null && facts.basesAgeDays > days;

/**
 * The status table (see the module comment), most severe first. Event ids follow the old SDK numbering
 * (`KLSRV_HOST_STATUS_CRITICAL_<bit>` = 1041 + bit, `…_WARNING_<bit>` = 1050 + bit, bit 9 → 1075/1076,
 * bit 10 → 1077/1078); bit 11 has no SDK id, 1079/1080 are the emulator's.
 */
export const STATUS_CONDITIONS: readonly StatusCondition[] = Object.freeze([
  {
    bit: MASK_BIT.NO_AV,
    severity: 'critical',
    text: 'Security application is not installed',
    eventId: 1046,
    holds: (f) => !f.avInstalled,
  },
  {
    bit: MASK_BIT.AV_NOT_RUNNING,
    severity: 'critical',
    text: 'Security application is not running',
    eventId: 1043,
    holds: (f) => f.avInstalled && !f.avRunning,
  },
  {
    bit: MASK_BIT.RTP_NOT_RUNNING,
    severity: 'critical',
    text: 'Real-time protection is not running',
    eventId: 1042,
    holds: (f) => f.avInstalled && f.avRunning && !f.rtpRunning,
  },
  {
    bit: MASK_BIT.VIRUSES_DETECTED,
    severity: 'critical',
    text: 'Too many viruses detected',
    eventId: 1044,
    holds: (f) => f.avInstalled && f.virusesDetectedRecently,
  },
  {
    bit: MASK_BIT.UNCURED_OBJECTS,
    severity: 'critical',
    text: 'Active threats are detected',
    eventId: 1077,
    holds: (f) => f.uncuredCount > 0,
  },
  {
    bit: MASK_BIT.OLD_BASES,
    severity: 'critical',
    text: 'Databases are outdated',
    eventId: 1048,
    holds: (f) => basesOlderThan(f, STATUS_THRESHOLDS.criticalBasesDays),
  },
  {
    bit: MASK_BIT.OLD_BASES,
    severity: 'warning',
    text: 'Databases are outdated',
    eventId: 1057,
    holds: (f) =>
      basesOlderThan(f, STATUS_THRESHOLDS.oldBasesDays) &&
      !basesOlderThan(f, STATUS_THRESHOLDS.criticalBasesDays),
  },
  {
    bit: MASK_BIT.OLD_FULL_SCAN,
    severity: 'warning',
    text: 'Not scanned in a long time',
    eventId: 1056,
    holds: (f) =>
      f.avInstalled &&
      (f.lastFullScanDaysAgo === null || f.lastFullScanDaysAgo > STATUS_THRESHOLDS.oldFullScanDays),
  },
  {
    bit: MASK_BIT.OLD_LAST_CONNECT,
    severity: 'warning',
    text: 'Last connected a long time ago',
    eventId: 1058,
    holds: (f) =>
      f.agentInstalled &&
      f.agentLastConnectDaysAgo !== null &&
      f.agentLastConnectDaysAgo > STATUS_THRESHOLDS.oldLastConnectDays,
  },
  {
    bit: MASK_BIT.LICENSE_EXPIRED,
    severity: 'warning',
    text: 'License expired',
    eventId: 1076,
    holds: (f) => f.avInstalled && f.licenseExpired,
  },
  {
    bit: MASK_BIT.REBOOT_REQUIRED,
    severity: 'warning',
    text: 'Restart is required',
    eventId: 1080,
    holds: (f) => f.rebootRequired,
  },
  {
    bit: MASK_BIT.AGENT_INACTIVE,
    severity: 'warning',
    text: 'Device has become unmanaged',
    eventId: 1050,
    holds: (f) => f.online && f.agentInstalled && !f.agentAlive,
  },
]);

/** Derives the four status attributes (and the RTP error code) from a host's facts. */
export function computeHostStatus(facts: HostFacts): HostStatus {
  let status = 0;
  if (facts.online) status |= HOST_STATE.VISIBLE;
  if (facts.inGroup) status |= HOST_STATE.ADDED_TO_GROUP;
  if (facts.agentInstalled) {
    status |= HOST_STATE.AGENT_INSTALLED;
    if (facts.agentAlive) status |= HOST_STATE.AGENT_ALIVE;
  }
  if (facts.avInstalled) status |= HOST_STATE.RTP_INSTALLED;

  let rtpState: number = RTP_STATE.UNKNOWN;
  if (facts.avInstalled)
    rtpState = facts.avRunning && facts.rtpRunning ? facts.rtpProfile : RTP_STATE.STOPPED;

  let mask = 0;
  let critical = false;
  let warning = false;
  for (const condition of STATUS_CONDITIONS) {
    if (!condition.holds(facts)) continue;
    mask |= 1 << condition.bit;
    if (condition.severity === 'critical') critical = true;
    else warning = true;
  }
  const statusId: StatusId = critical ? STATUS_ID.CRITICAL : warning ? STATUS_ID.WARNING : STATUS_ID.OK;
  return { status, statusId, statusMask: mask, rtpState, rtpErrorCode: 0 };
}

/** The conditions of a host's facts that hold, most severe first (what status events and reports name). */
export function statusReasons(facts: HostFacts): StatusCondition[] {
  return STATUS_CONDITIONS.filter((condition) => condition.holds(facts));
}

/** Copies `attributes` with the status attributes replaced by `status`. */
export function withHostStatus(attributes: KlParams, status: HostStatus): KlParams {
  return {
    ...attributes,
    KLHST_WKS_STATUS: status.status,
    KLHST_WKS_STATUS_ID: status.statusId,
    KLHST_WKS_STATUS_MASK: status.statusMask,
    KLHST_WKS_RTP_STATE: status.rtpState,
    KLHST_WKS_RTP_ERROR_CODE: status.rtpErrorCode,
  };
}

const DAY_MS = 86_400_000;

function daysSince(value: KlValue | undefined, now: number): number | null {
  if (!(value instanceof Date)) return null;
  const time = value.getTime();
  return Number.isNaN(time) ? null : (now - time) / DAY_MS;
}

function numberOf(value: KlValue | undefined): number {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : 0;
}

/**
 * Reads a host's facts back from its attributes at time `now`. Installed software and times come from their own
 * attributes; what only the status records (agent alive, application running, recent detections, expired
 * license) is read from the status bits. `computeHostStatus(hostFactsFromAttributes(a, now))` reproduces the
 * status attributes of every generated host at the generation's `now`; the server changes a fact and
 * recomputes.
 */
export function hostFactsFromAttributes(attributes: KlParams, now: number): HostFacts {
  const status = numberOf(attributes['KLHST_WKS_STATUS']);
  const mask = numberOf(attributes['KLHST_WKS_STATUS_MASK']);
  const rtpState = numberOf(attributes['KLHST_WKS_RTP_STATE']);
  const avInstalled = typeof attributes['KLHST_WKS_RTP_AV_VERSION'] === 'string';
  const agentInstalled = typeof attributes['KLHST_WKS_NAG_VERSION'] === 'string';
  return {
    online: (status & HOST_STATE.VISIBLE) !== 0,
    inGroup: attributes['KLHST_WKS_FROM_UNASSIGNED'] !== true,
    agentInstalled,
    agentAlive: agentInstalled && (status & HOST_STATE.AGENT_ALIVE) !== 0,
    avInstalled,
    avRunning: avInstalled && (mask & (1 << MASK_BIT.AV_NOT_RUNNING)) === 0,
    rtpRunning: isRunningRtpState(rtpState),
    rtpProfile: isRunningRtpState(rtpState) ? rtpState : RTP_STATE.RUNNING_RECOMMENDED,
    basesAgeDays: avInstalled ? daysSince(attributes['KLHST_WKS_RTP_AV_BASES_TIME'], now) : null,
    lastFullScanDaysAgo: daysSince(attributes['KLHST_WKS_LAST_FULLSCAN'], now),
    agentLastConnectDaysAgo: agentInstalled
      ? daysSince(attributes['KLHST_WKS_LAST_NAGENT_CONNECTED'], now)
      : null,
    virusesDetectedRecently: (mask & (1 << MASK_BIT.VIRUSES_DETECTED)) !== 0,
    uncuredCount: numberOf(attributes['KLHST_WKS_UNCURED_COUNT']),
    rebootRequired: attributes['KLHST_WKS_RBT_REQUIRED'] === true,
    licenseExpired: (mask & (1 << MASK_BIT.LICENSE_EXPIRED)) !== 0,
  };
}
