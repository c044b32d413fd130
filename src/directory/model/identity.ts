import type { DirectoryIds, DirectoryInfo } from '../types.ts';

/**
 * The identifiers that name one directory object, strongest first: when an event's identifiers point at different
 * objects, the object named by the strongest one is the event's object (decision 0054).
 */
export const IDENTIFIER_KINDS = ['trustee', 'uid', 'uid_bin', 'sid_hash', 'dn_hash'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface Identifier {
  readonly kind: IdentifierKind;
  readonly value: string;
}

/**
 * One spelling per identifier: a uid is a GUID, compared case-insensitively (lower case kept); a trustee is
 * `<id>:<suffix>`; the base64 values are case-sensitive and kept as sent.
 */
function normalized(kind: IdentifierKind, value: string): string {
  const trimmed = value.trim();
  return kind === 'uid' ? trimmed.toLowerCase() : trimmed;
}

function push(into: Identifier[], kind: IdentifierKind, value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  into.push({ kind, value: normalized(kind, value) });
}

export function trusteeValue(id: string, sfx: string): string {
  return `${id.trim()}:${sfx.trim()}`;
}

/** The identifiers of a `ds_ids` object or a `ds_ids_chunk` item, strongest first. */
export function identifiersOfIds(ids: DirectoryIds): Identifier[] {
  const out: Identifier[] = [];
  if (ids.kscTrusteeId !== undefined && ids.kscTrusteeSfx !== undefined)
    push(out, 'trustee', trusteeValue(ids.kscTrusteeId, ids.kscTrusteeSfx));
  push(out, 'uid', ids.uid);
  push(out, 'uid_bin', ids.uidBin);
  push(out, 'sid_hash', ids.sidHash);
  push(out, 'dn_hash', ids.dnHash);
  return out;
}

/** The identifiers of a `ds_user_info` / `ds_group_info`: its trustee and those inside `ds_info`. */
export function identifiersOfInfo(trustee: { id: string; sfx: string }, info: DirectoryInfo): Identifier[] {
  const out: Identifier[] = [];
  push(out, 'trustee', trusteeValue(trustee.id, trustee.sfx));
  push(out, 'uid', info.uid);
  push(out, 'uid_bin', info.uidBin);
  push(out, 'sid_hash', info.sidHash);
  push(out, 'dn_hash', info.dnHash);
  return out;
}

export function identifierKey(id: Identifier): string {
  return `${id.kind}\u0000${id.value}`;
}

/** Case folding of the attributes the directory compares case-insensitively (AD: all of these). */
export function folded(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.toLowerCase();
}

/**
 * A SID as Windows writes it (`S-1-5-21-…`) to the base64 of its binary form, as `ds_info.sid_bin` holds it:
 * revision, sub-authority count, a 48-bit big-endian authority, then 32-bit little-endian sub-authorities.
 * Undefined when the text is not a SID.
 */
export function sidToBase64(sid: string): string | undefined {
  const match = /^S-(\d+)-(\d+)((?:-\d+)*)$/i.exec(sid.trim());
  if (match === null) return undefined;
  const subs = match[3] === '' ? [] : match[3]!.slice(1).split('-').map(Number);
  const authority = Number(match[2]);
  if (subs.length > 15 || !Number.isSafeInteger(authority) || subs.some((s) => s > 0xffffffff))
    return undefined;
  const bytes = Buffer.alloc(8 + 4 * subs.length);
  bytes[0] = Number(match[1]);
  bytes[1] = subs.length;
  bytes.writeUIntBE(authority, 2, 6);
  subs.forEach((s, i) => bytes.writeUInt32LE(s, 8 + 4 * i));
  return bytes.toString('base64');
}
