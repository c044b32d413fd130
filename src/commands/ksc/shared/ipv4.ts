import type { KlArgument } from '../../../ksc/values.ts';

/** Dotted text of KSC's `KLHST_WKS_IP_LONG` (unsigned, most significant octet first); null when it is none. */
export function ipv4FromLong(value: KlArgument | undefined): string | null {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return null;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `KLHST_WKS_IP_LONG` of a dotted IPv4 address, or undefined when the text is not one. */
export function ipv4ToLong(text: string): number | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}
