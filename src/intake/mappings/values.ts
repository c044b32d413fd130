/**
 * Reading vendor records: typed access to members of a plain JSON object (absent, null and "" all read as absent,
 * so a mapping never emits an empty field), and the address spellings both vendors use.
 */
import type { PlainJson } from '../../commands/core/types.ts';
import type { PlainObject } from '../types.ts';

export function textOf(data: PlainObject, key: string): string | undefined {
  const value = data[key];
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A number member; a decimal string (a long beyond 2^53, a KSC parameter) is read as a number when it fits. */
export function numberOf(data: PlainObject, key: string): number | undefined {
  const value = data[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)))
    return Number(value);
  return undefined;
}

/** An integer member as text: ids stay exact whether they came as numbers or as decimal strings (longs). */
export function idOf(data: PlainObject, key: string): string | undefined {
  const value = data[key];
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && value.length > 0) return value;
  return undefined;
}

export function objectOf(data: PlainObject, key: string): PlainObject | undefined {
  const value = data[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function objectsOf(data: PlainObject, key: string): PlainObject[] {
  const value = data[key];
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is PlainObject => item !== null && typeof item === 'object' && !Array.isArray(item),
  );
}

export function textsOf(data: PlainObject, key: string): string[] {
  const value = data[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Distinct defined values in first-seen order (for `related.*` and observables). */
export function distinct<T>(values: ReadonlyArray<T | undefined>): T[] {
  return [...new Set(values.filter((value): value is T => value !== undefined))];
}

/**
 * Dotted-quad text of an IPv4 address KSC gives as an unsigned number in host byte order (`KLHST_WKS_IP_LONG`,
 * the attacker address of `GNRL_EV_ATTACK_DETECTED` as a decimal string): 10.1.2.3 is 167838211.
 */
export function ipv4FromHostOrder(value: PlainJson | undefined): string | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0 || number > 0xffffffff)
    return undefined;
  return `${number >>> 24}.${(number >>> 16) & 255}.${(number >>> 8) & 255}.${number & 255}`;
}

const MAC =
  /^([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})$/i;

/** A MAC address in ECS's spelling (RFC 7042: upper-case octets joined by hyphens); undefined when not a MAC. */
export function macUpperHyphens(value: string | undefined): string | undefined {
  const m = value === undefined ? null : MAC.exec(value.trim());
  return m === null ? undefined : m.slice(1, 7).join('-').toUpperCase();
}

/** A MAC address in OCSF's `mac_t` spelling (lower-case octets joined by colons). */
export function macLowerColons(value: string | undefined): string | undefined {
  const m = value === undefined ? null : MAC.exec(value.trim());
  return m === null ? undefined : m.slice(1, 7).join(':').toLowerCase();
}

/** The last segment of a Windows or POSIX path. */
export function baseName(path: string): string {
  const at = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return at < 0 ? path : path.slice(at + 1);
}

/** `DOMAIN\user` → `{ domain, name }`; a bare name has no domain. */
export function splitAccount(account: string): { readonly name: string; readonly domain?: string } {
  const at = account.indexOf('\\');
  return at < 0 ? { name: account } : { domain: account.slice(0, at), name: account.slice(at + 1) };
}
