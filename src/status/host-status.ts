/**
 * Host status attributes in words: the `KLHST_WKS_STATUS` bit set, the `KLHST_WKS_STATUS_ID` summary, the
 * extended status mask `KLHST_WKS_STATUS_MASK`, the real-time protection state `KLHST_WKS_RTP_STATE` and the
 * platform type `KLHST_WKS_PTYPE` (spec §7.3–§7.6). Pure functions: commands, list views and reports share them.
 *
 * Wording: where seed 001 (D3's Get Host Status) shows a text, it is used as is, so kconnect's enrichments read
 * the same as D3's (`statusDescriptions`, `status`, `hostExtStatuses`, `rtpStateDescription`, `platformType`);
 * the rest follows the KSC Open API reference pages the spec cites. A value no table knows is never dropped: it
 * decodes to an explicit "unknown" entry carrying the number, because a newer server may set bits we have no
 * name for.
 */

/** A value as KSC sends it: an int, or a long that the codec may hand over as a bigint. */
export type StatusNumber = number | bigint;

/** One bit of `KLHST_WKS_STATUS` ("Host State enum", spec §7.3). */
export interface HostStateFlag {
  /** The bit's value, e.g. `0x8`. */
  readonly mask: number;
  /** The reference's constant name, e.g. `CS_AGENTISALIVE`; `null` for a bit no table names. */
  readonly name: string | null;
  readonly description: string;
}

export const HOST_STATE_FLAGS: readonly HostStateFlag[] = Object.freeze([
  { mask: 0x001, name: 'CS_VISIBLE', description: 'host is visible' },
  { mask: 0x002, name: 'CS_ADDEDTOGROUP', description: 'host is added to an administration group' },
  { mask: 0x004, name: 'CS_AGENTINSTALLED', description: 'Network Agent is installed' },
  { mask: 0x008, name: 'CS_AGENTISALIVE', description: "Network Agent is 'alive'" },
  { mask: 0x010, name: 'CS_PRODUCTINSTALLED', description: 'real-time protection is installed' },
  {
    mask: 0x020,
    name: 'CS_NLA_SWITCHED',
    description: 'host is temporarily switched to this server by NLA profile switching',
  },
  { mask: 0x040, name: 'CS_CLUSTER', description: 'host is part of a cluster or cluster array' },
  { mask: 0x080, name: 'CS_APPLIANCE', description: 'host is an appliance' },
  {
    mask: 0x100,
    name: 'CS_HB_PENDING',
    description: 'host sent a heartbeat but has not synchronized fully yet',
  },
  { mask: 0x200, name: 'CS_AV_NOT_NEEDED', description: 'anti-virus protection is not needed on the host' },
]);

/** `KLHST_WKS_STATUS_ID` values (spec §7.4). */
export const HOST_STATUS_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: 'OK',
  1: 'Critical',
  2: 'Warning',
});

/** One bit of the extended status mask `KLHST_WKS_STATUS_MASK` (spec §7.4). */
export interface ExtendedStatusBit {
  /** Bit number, 0 = least significant. */
  readonly bit: number;
  /** The search-only attribute that tests this bit alone. */
  readonly attribute: string;
  readonly description: string;
  /** Whether the reference documents this bit; false for a bit set by a server newer than the table. */
  readonly known: boolean;
}

// Thresholds stay named by their server settings (KLSRV_HSTSTAT_*): their values are per-server policy, and the
// names let an administrator find the setting to change.
const EXTENDED_STATUS_TEXTS: readonly string[] = Object.freeze([
  'Host with Network Agent installed is online, but Network Agent is inactive.',
  'Anti-virus application is installed, but real-time protection has not run for more than KLSRV_HSTSTAT_SP_RPT_INACTIVE seconds.',
  'Anti-virus application is installed but not running.',
  'Number of viruses detected is too high (more than KLSRV_HSTSTAT_SP_VIRUSES).',
  'Anti-virus application is installed but the real-time protection level differs from the one set by the administrator (KLSRV_HSTSTAT_SP_RPT_DIFFERS).',
  'Anti-virus application is not installed.',
  'Full scan for viruses performed too long ago (more than KLSRV_HSTSTAT_OLD_FSCAN days).',
  'Anti-virus bases were updated too long ago (more than KLSRV_HSTSTAT_OLD_AV_BASES days).',
  'Network Agent has been inactive too long (more than KLSRV_HSTSTAT_OLD_LAST_CONNECT days).',
  'Old license.',
  'Number of uncured objects is too high (more than KLSRV_HSTSTAT_SP_UNCURED).',
  'Reboot is required (for more than KLSRV_HSTSTAT_SP_BOOT_EXPIRED seconds, for one of the KLSRV_HSTSTAT_SP_BOOT_REASONS).',
  'One or more incompatible applications are installed on the host.',
  'Host has one or more vulnerabilities (KLSRV_HSTSTAT_SP_VULNERABILITY, KLSRV_HSTSTAT_SP_VULN_FLAGS).',
  'Last search for operating system updates was performed too long ago.',
  // The reference page was cut off here (spec §7.4); the general-status reasons name this bit for encryption.
  'Data encryption failed on the host.',
]);

export const EXTENDED_STATUS_BITS: readonly ExtendedStatusBit[] = Object.freeze(
  EXTENDED_STATUS_TEXTS.map((description, bit) => extendedBit(bit, description, true)),
);

function extendedBit(bit: number, description: string, known: boolean): ExtendedStatusBit {
  return Object.freeze({ bit, attribute: `KLHST_WKS_STATUS_MASK_${bit}`, description, known });
}

/** `KLHST_WKS_RTP_STATE` ("Global RTP State enum", spec §7.5). */
export const RTP_STATE_DESCRIPTIONS: Readonly<Record<number, string>> = Object.freeze({
  0: 'Unknown',
  1: 'Stopped',
  2: 'Suspended',
  3: 'Starting',
  4: 'Running (if anti-virus application does not support categories of state Running)',
  5: 'Running with maximum protection',
  6: 'Running with maximum performance',
  7: 'Running with recommended settings',
  8: 'Running with custom settings',
  9: 'Failure',
});

/**
 * `KLHST_WKS_PTYPE`. The reference's table was never found (spec §7.6): only the value seed 001 shows is named;
 * guessing the others would put wrong words in front of an analyst.
 */
export const PLATFORM_TYPE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  2: 'Windows NT/2000/XP/2003/Vista',
});

/** The largest bit number the decoders look at: beyond 2^53 a JavaScript number cannot hold every bit. */
const MAX_BIT = 52;

/**
 * A status value as a non-negative integer. A 32-bit mask with its top bit set arrives as a negative int; it
 * means the same bits as its unsigned reading.
 */
function bitsOf(value: StatusNumber, what: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isSafeInteger(n) || n < -0x8000_0000) {
    throw new RangeError(`${what} must be an integer from -2^31 to 2^53-1, not ${String(value)}`);
  }
  return n < 0 ? n >>> 0 : n;
}

function integerOf(value: StatusNumber, what: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, not ${String(value)}`);
  return n;
}

/** The bit numbers set in `n`, lowest first. */
function setBits(n: number): number[] {
  const bits: number[] = [];
  // Division instead of `>>`: bitwise operators truncate to 32 bits.
  let rest = n;
  for (let bit = 0; rest > 0 && bit <= MAX_BIT; bit++) {
    if (rest % 2 === 1) bits.push(bit);
    rest = Math.floor(rest / 2);
  }
  return bits;
}

/** The flags set in a `KLHST_WKS_STATUS` value, lowest bit first; unnamed bits included as such. */
export function hostStateFlags(status: StatusNumber): HostStateFlag[] {
  return setBits(bitsOf(status, 'KLHST_WKS_STATUS')).map((bit) => {
    const mask = 2 ** bit;
    return (
      HOST_STATE_FLAGS.find((f) => f.mask === mask) ?? {
        mask,
        name: null,
        description: `unknown host state bit 0x${mask.toString(16)}`,
      }
    );
  });
}

/** D3's `statusDescriptions`: the words of every flag set in `KLHST_WKS_STATUS`. */
export function hostStateDescriptions(status: StatusNumber): string[] {
  return hostStateFlags(status).map((f) => f.description);
}

/** D3's `status`: "OK", "Critical" or "Warning" for a `KLHST_WKS_STATUS_ID`. */
export function hostStatusName(statusId: StatusNumber): string {
  const id = integerOf(statusId, 'KLHST_WKS_STATUS_ID');
  return HOST_STATUS_NAMES[id] ?? `Unknown status (${id})`;
}

/** The bits set in an extended status mask, lowest first. */
export function extendedStatusBits(mask: StatusNumber): ExtendedStatusBit[] {
  return setBits(bitsOf(mask, 'KLHST_WKS_STATUS_MASK')).map(
    (bit) => EXTENDED_STATUS_BITS[bit] ?? extendedBit(bit, `Unknown extended status bit ${bit}.`, false),
  );
}

export function extendedStatusDescriptions(mask: StatusNumber): string[] {
  return extendedStatusBits(mask).map((b) => b.description);
}

/** D3's `hostExtStatuses`: the descriptions of the set bits as one text (each ends with a full stop). */
export function extendedStatusText(mask: StatusNumber): string {
  return extendedStatusDescriptions(mask).join(' ');
}

/** D3's `rtpStateDescription` for a `KLHST_WKS_RTP_STATE`. */
export function rtpStateDescription(state: StatusNumber): string {
  const n = integerOf(state, 'KLHST_WKS_RTP_STATE');
  return RTP_STATE_DESCRIPTIONS[n] ?? `Unknown real-time protection state (${n})`;
}

/** Whether real-time protection runs in this state (any of the "Running" states 4–8). */
export function isRtpRunning(state: StatusNumber): boolean {
  const n = integerOf(state, 'KLHST_WKS_RTP_STATE');
  return n >= 4 && n <= 8;
}

/** D3's `platformType` for a `KLHST_WKS_PTYPE`. */
export function platformTypeName(ptype: StatusNumber): string {
  const n = integerOf(ptype, 'KLHST_WKS_PTYPE');
  return PLATFORM_TYPE_NAMES[n] ?? `Unknown platform type (${n})`;
}

/** The four status attributes of a host; any may be missing (not requested, or not reported). */
export interface HostStatusValues {
  readonly status?: StatusNumber | undefined;
  readonly statusId?: StatusNumber | undefined;
  readonly statusMask?: StatusNumber | undefined;
  readonly rtpState?: StatusNumber | undefined;
}

/** Every status attribute of a host in words; a part is absent when its value was. */
export interface DecodedHostStatus {
  readonly status?: { readonly value: number; readonly flags: readonly HostStateFlag[] };
  readonly statusId?: { readonly value: number; readonly name: string };
  readonly statusMask?: { readonly value: number; readonly bits: readonly ExtendedStatusBit[] };
  readonly rtpState?: { readonly value: number; readonly description: string; readonly running: boolean };
}

export function decodeHostStatus(values: HostStatusValues): DecodedHostStatus {
  const { status, statusId, statusMask, rtpState } = values;
  return {
    ...(status === undefined
      ? {}
      : { status: { value: bitsOf(status, 'KLHST_WKS_STATUS'), flags: hostStateFlags(status) } }),
    ...(statusId === undefined
      ? {}
      : {
          statusId: { value: integerOf(statusId, 'KLHST_WKS_STATUS_ID'), name: hostStatusName(statusId) },
        }),
    ...(statusMask === undefined
      ? {}
      : {
          statusMask: {
            value: bitsOf(statusMask, 'KLHST_WKS_STATUS_MASK'),
            bits: extendedStatusBits(statusMask),
          },
        }),
    ...(rtpState === undefined
      ? {}
      : {
          rtpState: {
            value: integerOf(rtpState, 'KLHST_WKS_RTP_STATE'),
            description: rtpStateDescription(rtpState),
            running: isRtpRunning(rtpState),
          },
        }),
  };
}
