/**
 * IP literals as bytes, in every spelling a URL or a resolver may use: IPv4 in the inet_aton forms browsers and
 * `getaddrinfo` accept (`2130706433`, `0x7f.1`, `0177.0.0.1`), IPv6 with `::` and an embedded dotted quad. An
 * address is checked as bytes, never as text, so no spelling slips past a range check.
 */
import { isIPv6 } from 'node:net';

export interface IpAddress {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: readonly number[];
}

/** One part of a loose IPv4 literal: decimal, octal (leading 0) or hex (0x). */
function ipv4Part(text: string): number | undefined {
  if (/^0x[0-9a-f]*$/i.test(text)) return text.length === 2 ? 0 : Number.parseInt(text.slice(2), 16);
  if (/^0[0-7]*$/.test(text)) return text.length === 1 ? 0 : Number.parseInt(text.slice(1), 8);
  if (/^[1-9][0-9]*$/.test(text)) return Number.parseInt(text, 10);
  return undefined;
}

/**
 * An IPv4 literal in any inet_aton form (1 to 4 parts, the last filling the remaining bytes), as WHATWG URL
 * parsing and `inet_aton` read it; undefined when the text is not one.
 */
export function parseIpv4(text: string): IpAddress | undefined {
  const parts = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.');
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = ipv4Part(part);
    if (value === undefined || !Number.isSafeInteger(value)) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255)) return undefined;
  const lastBytes = 4 - numbers.length;
  if (last >= 256 ** lastBytes) return undefined;
  const tail: number[] = [];
  for (let i = lastBytes - 1; i >= 0; i--) tail.push(Math.floor(last / 256 ** i) % 256);
  return { family: 4, bytes: [...numbers, ...tail] };
}

/** An IPv6 literal (without brackets or zone), as 16 bytes; undefined when the text is not one. */
export function parseIpv6(text: string): IpAddress | undefined {
  const address = text.replace(/%.*$/, '');
  if (!isIPv6(address)) return undefined;
  let groups = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  const embedded: number[] = [];
  if (dotted !== null) {
    const v4 = parseIpv4(dotted[1]!);
    if (v4 === undefined) return undefined;
    embedded.push((v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!);
    groups = groups.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head = '', rest] = groups.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...Array<string>(zeros).fill('0'), ...right].map((w) => Number.parseInt(w, 16));
  if (embedded.length > 0) words.splice(6, 2, ...embedded);
  if (words.length !== 8) return undefined;
  return { family: 6, bytes: words.flatMap((w) => [w >> 8, w & 0xff]) };
}

/** Any IP literal, brackets allowed (`[::1]`): IPv4 first in its loose forms, then IPv6. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare.includes(':')) return parseIpv6(bare);
  return parseIpv4(bare);
}

/**
 * The IPv4 address an IPv6 address carries and routes to: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
 * (`::a.b.c.d`, deprecated but still routed by some stacks) and NAT64 (`64:ff9b::a.b.c.d`).
 */
export function embeddedIpv4(address: IpAddress): IpAddress | undefined {
  if (address.family !== 6) return undefined;
  const b = address.bytes;
  const zeroPrefix = (n: number) => b.slice(0, n).every((x) => x === 0);
  const mapped = zeroPrefix(10) && b[10] === 0xff && b[11] === 0xff;
  const compatible = zeroPrefix(12) && !(b[12] === 0 && b[13] === 0 && b[14] === 0 && (b[15] ?? 0) <= 1);
  const nat64 =
    b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0);
  return mapped || compatible || nat64 ? { family: 4, bytes: b.slice(12) } : undefined;
}

/** Canonical text: dotted quad, or IPv6 in full lower-case groups (stable in errors and tests). */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) return address.bytes.join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((address.bytes[i]! << 8) | address.bytes[i + 1]!).toString(16));
  // The URL parser writes IPv6 in its one canonical form (RFC 5952: the longest zero run as `::`).
  return new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
}

/** Whether `address` lies in `prefix/length` (same family). */
export function inPrefix(address: IpAddress, prefix: IpAddress, length: number): boolean {
  if (address.family !== prefix.family) return false;
  for (let bit = 0; bit < length; bit += 8) {
    const i = bit / 8;
    const mask = length - bit >= 8 ? 0xff : (0xff << (8 - (length - bit))) & 0xff;
    if ((address.bytes[i]! & mask) !== (prefix.bytes[i]! & mask)) return false;
  }
  return true;
}
