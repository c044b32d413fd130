/**
 * RFC 5424 messages (`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`) and their transport framing:
 * one message per UDP datagram (RFC 5426), octet counting `LEN SP MSG` on TCP and TLS (RFC 6587 §3.4.1, RFC 5425).
 */
import { Buffer } from 'node:buffer';

/** RFC 5424 §6.2.1 facility names. */
export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type FacilityName = keyof typeof FACILITIES;

/**
 * The SD-ID of kconnect's structured data. 32473 is the enterprise number RFC 5612 reserves for documentation;
 * kconnect has none of its own, and an `@`-name is what RFC 5424 §7.2.2 asks of private SD-IDs.
 */
export const SD_ID = 'kconnect@32473';

/** kconnect's severity scale (0 unknown, 1 Information … 4 Critical) on syslog's: notice, info, warning, err, crit. */
const SYSLOG_SEVERITY: readonly number[] = [5, 6, 4, 3, 2];

export interface SyslogHeader {
  readonly facility: number;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
}

export interface SyslogFields {
  readonly severityLevel: number;
  readonly msgId: string;
  /** Epoch milliseconds: when the message is made (RFC 5424's TIMESTAMP is the message's origination). */
  readonly timestamp: number;
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly msg: string;
}

/** A header field: printable US-ASCII only (RFC 5424 §6), at most `max` characters, `-` when empty. */
export function headerField(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable === '' ? '-' : printable;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]`. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** The longest prefix of `bytes` of at most `max` octets that does not cut a UTF-8 character. */
export function truncateUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let cut = max;
  // Continuation bytes are 10xxxxxx: step back to the start of the character that would be cut.
  while (cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut -= 1;
  return bytes.subarray(0, cut);
}

/** One RFC 5424 message, at most `maxBytes` octets (the MSG cut at a character boundary when longer). */
export function syslogMessage(header: SyslogHeader, fields: SyslogFields, maxBytes: number): Buffer {
  const pri = header.facility * 8 + (SYSLOG_SEVERITY[fields.severityLevel] ?? 5);
  const params = fields.params.map(([name, value]) => ` ${name}="${escapeParamValue(value)}"`).join('');
  const head = [
    `<${pri}>1`,
    new Date(fields.timestamp).toISOString(),
    headerField(header.hostname, 255),
    headerField(header.appName, 48),
    headerField(header.procId, 128),
    headerField(fields.msgId, 32),
    `[${SD_ID}${params}]`,
  ].join(' ');
  return truncateUtf8(Buffer.from(`${head} ${fields.msg}`, 'utf8'), maxBytes);
}

/** RFC 6587 §3.4.1 octet counting: `LEN SP MSG`. */
export function octetCounted(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
