/**
 * A guard against server-side request forgery (R19) for anything kconnect sends to a URL a configuration names
 * (webhooks today): which addresses may be reached, checked on the URL at load and again on every address a
 * resolver answers, just before connecting. Cloud metadata, link-local, unspecified, multicast, broadcast and
 * reserved addresses are never reached; loopback and private networks only when the configuration allows them.
 */
import { KconnectError } from '../errors.ts';
import { embeddedIpv4, formatIp, inPrefix, parseIp, type IpAddress } from './ip.ts';

/** What a configuration allows beyond public addresses. */
export interface SsrfPolicy {
  /** 127.0.0.0/8, `::1`, `localhost`. */
  readonly allowLoopback?: boolean;
  /** 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fc00::/7 and fec0::/10. */
  readonly allowPrivateNetworks?: boolean;
}

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'metadata'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

interface Range {
  readonly prefix: IpAddress;
  readonly length: number;
  readonly class: AddressClass;
}

function range(cidr: string, kind: AddressClass): Range {
  const [text, length] = cidr.split('/') as [string, string];
  const prefix = parseIp(text);
  if (prefix === undefined) throw new Error(`bad range ${cidr}`);
  return { prefix, length: Number(length), class: kind };
}

/** First match wins: the metadata addresses sit inside wider ranges and must be named as what they are. */
const RANGES: readonly Range[] = [
  range('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure, OpenStack, DigitalOcean …
  range('169.254.170.2/32', 'metadata'), // AWS ECS task credentials
  range('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  range('192.0.0.192/32', 'metadata'), // Oracle Cloud
  range('fd00:ec2::254/128', 'metadata'), // AWS over IPv6
  range('0.0.0.0/8', 'unspecified'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('10.0.0.0/8', 'private'),
  range('172.16.0.0/12', 'private'),
  range('192.168.0.0/16', 'private'),
  range('100.64.0.0/10', 'private'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private'),
  range('fc00::/7', 'private'),
  range('ff00::/8', 'multicast'),
];

/** What an address is, IPv6 forms that carry an IPv4 address (`::ffff:127.0.0.1`) judged by that address. */
export function classifyAddress(address: IpAddress): AddressClass {
  const target = embeddedIpv4(address) ?? address;
  return RANGES.find((r) => inPrefix(target, r.prefix, r.length))?.class ?? 'public';
}

const NEVER: ReadonlySet<AddressClass> = new Set([
  'metadata',
  'link-local',
  'unspecified',
  'multicast',
  'broadcast',
  'reserved',
]);

/** Why the policy refuses an address, in words; undefined when it may be reached. */
export function refusalOf(kind: AddressClass, policy: SsrfPolicy): string | undefined {
  if (kind === 'public') return undefined;
  if (NEVER.has(kind)) {
    return kind === 'metadata'
      ? 'a cloud metadata address, never reached'
      : `a ${kind} address, never reached`;
  }
  if (kind === 'loopback' && policy.allowLoopback !== true) {
    return 'a loopback address, refused unless allowLoopback: true';
  }
  if (kind === 'private' && policy.allowPrivateNetworks !== true) {
    return 'a private network address, refused unless allowPrivateNetworks: true';
  }
  return undefined;
}

/**
 * A URL or an address the guard refused. `host` is the URL's host as written (never credentials, path or query);
 * `address` the resolved address that was refused, when it came from a resolver. Not retryable: the same
 * configuration or DNS answer would be refused again, and no connection was made.
 */
export class SsrfRefusedError extends KconnectError {
  override readonly name = 'SsrfRefusedError';

  constructor(
    readonly host: string,
    readonly address: string | undefined,
    readonly reason: string,
  ) {
    super(
      'INVALID_INPUT',
      address === undefined || address === host
        ? `${host} is ${reason}`
        : `${host} resolves to ${address}, ${reason}`,
    );
  }

  readonly retryable = false;
}

/** Checks one IP address against the policy. @throws {SsrfRefusedError} */
export function assertAddressAllowed(host: string, address: string, policy: SsrfPolicy): void {
  const parsed = parseIp(address);
  if (parsed === undefined) throw new SsrfRefusedError(host, address, 'not an IP address');
  const reason = refusalOf(classifyAddress(parsed), policy);
  if (reason !== undefined) throw new SsrfRefusedError(host, formatIp(parsed), reason);
}

/** Names that resolve to loopback without asking DNS (RFC 6761: `localhost` and everything under it). */
export function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** What a URL is, as far as the guard can tell without resolving: an IP literal, `localhost`, or a name. */
export function hostAddressOf(hostname: string): IpAddress | undefined {
  return parseIp(hostname);
}

/**
 * The checks that need no resolver: the scheme (http/https only), and the host when it is an IP literal in any
 * spelling (the WHATWG parser already turns `2130706433` and `0x7f.1` into `127.0.0.1`; IPv4-mapped IPv6 is
 * judged by its IPv4 address) or a `localhost` name. A DNS name passes here and is checked on every answer when
 * connecting ({@link guardedLookup}).
 *
 * @throws {SsrfRefusedError} — the caller turns it into a ConfigError naming its field
 */
export function assertUrlAllowed(url: URL, policy: SsrfPolicy): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SsrfRefusedError(url.protocol, undefined, 'a scheme other than https or http, refused');
  }
  const host = url.hostname;
  const literal = hostAddressOf(host);
  if (literal !== undefined) {
    const reason = refusalOf(classifyAddress(literal), policy);
    if (reason !== undefined) throw new SsrfRefusedError(host, formatIp(literal), reason);
    return;
  }
  if (isLocalhostName(host)) {
    const reason = refusalOf('loopback', policy);
    if (reason !== undefined) throw new SsrfRefusedError(host, undefined, reason);
  }
}
