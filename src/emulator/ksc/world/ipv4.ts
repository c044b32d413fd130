/**
 * The two integer encodings KSC uses for a host's IPv4 address (spec §7.2):
 * - `KLHST_WKS_IP_LONG` (long): the address as an unsigned 32-bit number in host byte order, so
 *   10.1.2.3 is `(10 << 24) | (1 << 16) | (2 << 8) | 3`;
 * - `KLHST_WKS_IP` (int): the same four bytes in network byte order read back as a little-endian signed 32-bit
 *   integer, i.e. the octets reversed; the seed sample `1951901888` is 192.168.87.116.
 * Addresses are carried internally as the unsigned host-order number.
 */

/** The unsigned host-order number of `a.b.c.d`. */
export function ipv4(a: number, b: number, c: number, d: number): number {
  return (((a & 255) << 24) | ((b & 255) << 16) | ((c & 255) << 8) | (d & 255)) >>> 0;
}

/** `KLHST_WKS_IP_LONG` / `KLHST_WKS_CONNECT_IP_LONG` of an address. */
export function ipToKlLong(address: number): bigint {
  return BigInt(address >>> 0);
}

/** `KLHST_WKS_IP` of an address: octets reversed, as a signed 32-bit integer. */
export function ipToKlInt(address: number): number {
  const a = address >>> 0;
  return ((a & 255) << 24) | (((a >>> 8) & 255) << 16) | (((a >>> 16) & 255) << 8) | ((a >>> 24) & 255);
}

/** The address encoded in a `KLHST_WKS_IP` value. */
export function ipFromKlInt(value: number): number {
  return ipToKlInt(value) >>> 0;
}

/** The address encoded in a `KLHST_WKS_IP_LONG` value. */
export function ipFromKlLong(value: bigint): number {
  return Number(BigInt.asUintN(32, value));
}

/** Dotted-quad text of an address. */
export function formatIpv4(address: number): string {
  const a = address >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
