/**
 * The "important events (monitoring)" general status of KSC (`KLSTS_Events`, seed 000) in words: its level,
 * each bit of `KLSTS_Par_StatusReasonMask` as a sentence with its counters filled in, and the counters
 * themselves. Pure: it reads a container as `ReportManager.GetStatisticsData` returns it (decoded or plain
 * JSON) and never talks to a server.
 *
 * Parameter names are seed 000's; where seed 000 cuts them off ("Output parameters:" of bits 2, 16384 and
 * 65536) they are those Kaspersky's KlAkOAPI statistics sample reads. The level words (`KLSTS_Par_Status`
 * 0–3) are that sample's too.
 */

/** A value of a status container, as plain JSON. */
export type StatusValue = null | boolean | number | string | StatusValue[] | { [key: string]: StatusValue };

export type GeneralStatusLevel = 'OK' | 'Informational' | 'Warning' | 'Critical';

/** `KLSTS_Par_Status` → its word. */
export const GENERAL_STATUS_LEVELS: readonly GeneralStatusLevel[] = Object.freeze([
  'OK',
  'Informational',
  'Warning',
  'Critical',
]);

export const STATUS_PARAMETER = 'KLSTS_Par_Status';
export const REASON_MASK_PARAMETER = 'KLSTS_Par_StatusReasonMask';

/** One reason of seed 000. */
export interface EventsStatusReasonSpec {
  readonly bit: number;
  /** The output parameters seed 000 names for it. */
  readonly parameters: readonly string[];
  /** Seed 000: "Status can be reset" (it counts from the last reset). */
  readonly resettable: boolean;
  /** The sentence, given the reason's parameter values (missing ones are `undefined`). */
  readonly describe: (values: Readonly<Record<string, StatusValue | undefined>>) => string;
}

/** A reason that holds, in words. */
export interface EventsStatusReason {
  readonly bit: number;
  readonly text: string;
  /** The reason's parameters that the server sent. */
  readonly parameters: Readonly<Record<string, StatusValue>>;
  readonly resettable: boolean;
}

export interface DecodedGeneralStatus {
  /** `KLSTS_Par_Status`, or null when the container lacks it. */
  readonly levelCode: number | null;
  /** Its word; `Unknown` for a missing or unknown code. */
  readonly level: GeneralStatusLevel | 'Unknown';
  readonly reasonMask: number;
  /** The reasons whose bit is set, lowest bit first; bit 0's "nothing new" when the mask is 0. */
  readonly reasons: readonly EventsStatusReason[];
  /** Bits set in the mask that seed 000 does not list (a newer server). */
  readonly unknownBits: readonly number[];
  /** Parameters in the container that no listed reason names (a newer server, or a reason not set). */
  readonly otherParameters: Readonly<Record<string, StatusValue>>;
}

/** A count as text; `?` when the server did not send it (the sentence still says what the reason is). */
function n(value: StatusValue | undefined): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return '?';
}

/** "1 event" / "3 events" / "? events". */
function count(value: StatusValue | undefined, singular: string, plural = `${singular}s`): string {
  return `${n(value)} ${value === 1 ? singular : plural}`;
}

function are(value: StatusValue | undefined): string {
  return value === 1 ? 'is' : 'are';
}

function names(value: StatusValue | undefined): string {
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return n(value);
}

function reason(
  bit: number,
  parameters: readonly string[],
  describe: EventsStatusReasonSpec['describe'],
  resettable = false,
): EventsStatusReasonSpec {
  return Object.freeze({ bit, parameters: Object.freeze([...parameters]), resettable, describe });
}

const CRITICAL = 'KLSTS_Par_Ev_CriticalSrvEventsCnt';
const FAILED_TASK_NAME = 'KLSTS_Par_Ev_FailedSrvTskName';
const FAILED_TASK_ID = 'KLSTS_Par_Ev_FailedSrvTskStrId';
const USER_REQUESTS = 'KLSTS_Par_Ev_UserRequestsCnt';
const ERRORS = 'KLSTS_Par_Ev_ErrorSrvEventsCnt';
const WUA_OBSOLETE = 'KLSTS_Par_Ev_WuaDataObsoleteCnt';
const EULA_UPDATES = 'KLSTS_Par_Ev_VapmEulaUpdatesCnt';
const BAD_HOSTS = 'KLSTS_Par_Ev_BadStatusHostsCnt';
const REBOOT_REASON = 'KLSTS_Par_Ev_AdmSrvRbtRsn';
const NEW_VERSIONS = 'KLSTS_Par_Ev_NewVersionsCnt';
const NEW_KSC_VERSIONS = 'KLSTS_Par_Ev_NewKscVersionsCnt';
const NEW_PRODUCTS = 'KLSTS_Par_Ev_NewProductsCnt';
const PLUGINS = 'c_sts_Par_Ev_RequiredPluginsCnt';
const KSN_AGREEMENT = 'c_sts_Par_Ev_ExpectedKsnAgreementId';
const ISSUER_CA = 'c_sts_Par_Ev_AdfsIssuerUrlCaExpiresSoonNames';
const DPA = 'KLSTS_Par_Ev_DpaNotAccepted';

const SINCE_RESET = 'since the status was last reset';

/** The 23 reasons of seed 000, in its order. */
export const EVENTS_STATUS_REASONS: readonly EventsStatusReasonSpec[] = Object.freeze([
  reason(0, [], () => 'No new critical events or errors found.'),
  reason(
    1,
    [CRITICAL],
    (v) =>
      `There ${are(v[CRITICAL])} ${count(v[CRITICAL], 'new critical event')} on the server ${SINCE_RESET}.`,
    true,
  ),
  reason(
    2,
    [FAILED_TASK_NAME, FAILED_TASK_ID],
    (v) => {
      const name = typeof v[FAILED_TASK_NAME] === 'string' ? `"${v[FAILED_TASK_NAME]}"` : '?';
      const id = v[FAILED_TASK_ID] === undefined ? '' : ` (task id ${n(v[FAILED_TASK_ID])})`;
      return `The Administration Server task ${name}${id} failed ${SINCE_RESET}.`;
    },
    true,
  ),
  reason(4, [USER_REQUESTS], (v) => `${count(v[USER_REQUESTS], 'new user request')} raised.`),
  reason(
    8,
    [ERRORS],
    (v) => `There ${are(v[ERRORS])} ${count(v[ERRORS], 'new error event')} on the server ${SINCE_RESET}.`,
    true,
  ),
  reason(
    16,
    [WUA_OBSOLETE],
    (v) =>
      `${count(v[WUA_OBSOLETE], 'device')} in administration groups ${v[WUA_OBSOLETE] === 1 ? 'has' : 'have'} ` +
      'not searched for Windows updates for a long time.',
  ),
  reason(
    32,
    [EULA_UPDATES],
    (v) =>
      `There ${are(v[EULA_UPDATES])} ${count(v[EULA_UPDATES], 'software update')} to install whose EULA ` +
      'must be accepted first.',
  ),
  reason(
    64,
    [BAD_HOSTS],
    (v) =>
      `There ${are(v[BAD_HOSTS])} ${count(v[BAD_HOSTS], 'new host')} whose status is not OK for reasons ` +
      'no other status covers.',
  ),
  reason(128, [], () => 'New APS files appeared after the last notice.'),
  reason(
    512,
    [],
    () => 'Applicable patches for managed Kaspersky products are not yet approved by the administrator.',
  ),
  reason(
    1024,
    [],
    () =>
      'Applicable patches for managed Kaspersky products have KSN agreements not yet accepted by the administrator.',
  ),
  reason(
    2048,
    [],
    () =>
      'Applicable patches for managed Kaspersky products have EULAs not yet accepted by the administrator.',
  ),
  reason(4096, [], () => 'Installed revoked patches are not yet declined by the administrator.'),
  reason(
    8192,
    [REBOOT_REASON],
    (v) => `Kaspersky Security Center requires a reboot (reason ${n(v[REBOOT_REASON])}).`,
  ),
  reason(
    16384,
    [NEW_VERSIONS, NEW_KSC_VERSIONS],
    (v) =>
      `${count(v[NEW_VERSIONS], 'new version')} of products already in use ${v[NEW_VERSIONS] === 1 ? 'is' : 'are'} ` +
      `available to download, including ${count(v[NEW_KSC_VERSIONS], 'Kaspersky Security Center component')}.`,
  ),
  reason(
    32768,
    [NEW_PRODUCTS],
    (v) =>
      `${count(v[NEW_PRODUCTS], 'new product distributive')} ${v[NEW_PRODUCTS] === 1 ? 'is' : 'are'} ` +
      'available to download.',
  ),
  reason(
    65536,
    [PLUGINS],
    (v) =>
      `${count(v[PLUGINS], 'console plug-in')} must be upgraded to manage the applicable or installed ` +
      'seamless updates.',
  ),
  reason(131072, [], () => 'Mobile EULAs are not yet accepted by the administrator.'),
  reason(
    262144,
    [KSN_AGREEMENT],
    (v) => `The accepted KSN agreement is obsolete (expected agreement ${n(v[KSN_AGREEMENT])}).`,
  ),
  reason(524288, [], () => 'OAuth2 clients are not yet approved by the administrator.'),
  reason(1048576, [], () => 'OAuth2 resource servers are not yet approved by the administrator.'),
  reason(
    2097152,
    [ISSUER_CA],
    (v) => `Certificates of the issuer URL CA chain expire soon: ${names(v[ISSUER_CA])}.`,
  ),
  reason(
    4194304,
    [DPA],
    (v) =>
      `${count(v[DPA], 'data processing agreement')} ${v[DPA] === 1 ? 'is' : 'are'} not accepted by the administrator.`,
  ),
]);

const BY_BIT: ReadonlyMap<number, EventsStatusReasonSpec> = new Map(
  EVENTS_STATUS_REASONS.map((spec) => [spec.bit, spec]),
);

/** The word of a `KLSTS_Par_Status` code. */
export function generalStatusLevel(code: unknown): GeneralStatusLevel | 'Unknown' {
  return typeof code === 'number' && Number.isInteger(code)
    ? (GENERAL_STATUS_LEVELS[code] ?? 'Unknown')
    : 'Unknown';
}

/** The bits set in a mask, lowest first (the mask is a 32-bit int in KSC; bigger safe integers work too). */
export function bitsOf(mask: number): number[] {
  const bits: number[] = [];
  let rest = mask;
  for (let bit = 1; rest > 0 && bit <= Number.MAX_SAFE_INTEGER; bit *= 2) {
    if (rest % (bit * 2) !== 0) {
      bits.push(bit);
      rest -= bit;
    }
  }
  return bits;
}

function asMask(value: StatusValue | undefined): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return 0;
}

/**
 * Decodes a `KLSTS_Events` container: level, reasons in words with their parameters, and what it could not
 * place. Reasons appear for the bits of the mask only, as KSC sends parameters only for reasons that hold.
 */
export function decodeEventsStatus(container: Readonly<Record<string, StatusValue>>): DecodedGeneralStatus {
  const code = container[STATUS_PARAMETER];
  const mask = asMask(container[REASON_MASK_PARAMETER]);
  const reasons: EventsStatusReason[] = [];
  const unknownBits: number[] = [];
  const placed = new Set<string>([STATUS_PARAMETER, REASON_MASK_PARAMETER]);
  const bits = mask === 0 ? [0] : bitsOf(mask);
  for (const bit of bits) {
    const spec = BY_BIT.get(bit);
    if (spec === undefined) {
      unknownBits.push(bit);
      continue;
    }
    const parameters: Record<string, StatusValue> = {};
    for (const name of spec.parameters) {
      const value = container[name];
      if (value !== undefined) parameters[name] = value;
      placed.add(name);
    }
    reasons.push({ bit, text: spec.describe(parameters), parameters, resettable: spec.resettable });
  }
  const otherParameters: Record<string, StatusValue> = {};
  for (const [name, value] of Object.entries(container)) {
    if (!placed.has(name)) otherParameters[name] = value;
  }
  return {
    levelCode: typeof code === 'number' ? code : null,
    level: generalStatusLevel(code),
    reasonMask: mask,
    reasons,
    unknownBits,
    otherParameters,
  };
}
