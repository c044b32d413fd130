import { hashString, Random } from '../../core/random.ts';

/**
 * Stable identifiers of inventory and Application Control data. They are hashes of what identifies the thing
 * (an application's name, version and publisher; a file's name, version and publisher), never of the host, so
 * the same application or file has the same id on every host and in the server-wide lists.
 */

const HEX = '0123456789ABCDEF';

function hex8(value: number): string {
  let out = '';
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(value >>> shift) & 0xf] ?? '0';
  return out;
}

/** 32 uppercase hex digits, as `ProductID` and `PatchID` look in KSC's inventory (spec §9.1). */
export function hex32(key: string): string {
  return (
    hex8(hashString(key)) +
    hex8(hashString(key, 0x01234567)) +
    hex8(hashString(key, 0x89abcdef)) +
    hex8(hashString(key, 0x5bd1e995))
  );
}

/** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` built from 32 hex digits: the MSI product code of an entry. */
export function braceGuid(hex: string): string {
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}}`;
}

/** `length` bytes derived from `key` (file hashes). */
export function derivedBytes(key: string, length: number): Uint8Array {
  const rng = new Random(hashString(key), hashString(key, 0x2545f491));
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    const word = rng.nextUint32();
    for (let j = 0; j < 4 && i + j < length; j++) bytes[i + j] = (word >>> (24 - 8 * j)) & 0xff;
  }
  return bytes;
}

/** A positive 31-bit id derived from `key` (`FILE_ID`, `HOST_ID`, `FILE_HIPS_ID`). */
export function positiveId(key: string): number {
  return hashString(key) & 0x7fffffff || 1;
}

/**
 * `FILE_VERSION` / `PRODUCT_VERSION` of a raw version string: the major number in the high word and the minor
 * in the low word, as the host attribute `KLHST_WKS_NAG_VER_ID` encodes the agent version.
 */
export function versionNumber(raw: string): number {
  const [major = '0', minor = '0'] = raw.split('.');
  const high = Number.parseInt(major, 10);
  const low = Number.parseInt(minor, 10);
  if (!Number.isFinite(high) || !Number.isFinite(low)) return 0;
  return (((high & 0x7fff) << 16) | (low & 0xffff)) >>> 0;
}

/** `InstallDate` as Windows' uninstall registry keeps it (`20230628`, seed 001). */
export function yyyymmdd(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}
