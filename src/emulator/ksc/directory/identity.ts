import { createHash } from 'node:crypto';
import { sidFor } from '../users/accounts.ts';
import { objectGuidOf, trusteeIdOf } from '../users/domain-users.ts';

/**
 * The trustee suffixes of seed 003's samples: `65536` on a user (`ds_user_info`), `33554432` on a group (the
 * `ds_ids` of `ds_group_members`). KSC documents no meaning for them; the emulator uses them as kinds.
 */
export const USER_TRUSTEE_SFX = '65536';
export const GROUP_TRUSTEE_SFX = '33554432';

/** A user or security group of the published directory, with every identifier seed 003 names. */
export interface DirectoryObject {
  readonly kind: 'user' | 'group';
  /** The publisher's own key (`user:jsmith`, `group:Finance`); never published. */
  readonly key: string;
  readonly trusteeId: string;
  readonly trusteeSfx: string;
  readonly uid: string;
  readonly uidBin: string;
  readonly sidBin: string;
  readonly sidHash: string;
  readonly dn: string;
  readonly dnHash: string;
  readonly displayName: string;
  readonly samName: string;
  readonly upn?: string;
  readonly mail?: string;
}

/** The domain the emulator publishes: the main server's (`CORP` / `corp.example.com`). */
export interface PublishedDomain {
  readonly netbios: string;
  readonly dns: string;
}

const md5Base64 = (bytes: Uint8Array | string): string => createHash('md5').update(bytes).digest('base64');

/**
 * `uid_bin`: the GUID's 16 bytes in the order its text shows them. Seed 003's sample says so (`81e8d217-…` ↔
 * `gejSF…`, bytes 81 e8 d2 17), not the mixed-endian order of AD's `objectGUID` attribute (decision 0055).
 */
export function uidBinOf(uid: string): string {
  return Buffer.from(uid.replaceAll('-', ''), 'hex').toString('base64');
}

/** `sid_hash`: MD5 of the SID bytes, base64 — the `ul_binSidHash` of KSC's users view for the same account. */
export function sidHashOf(sid: Uint8Array): string {
  return md5Base64(sid);
}

/** `dn_hash`: MD5 of the DN as UTF-8 text, base64 — what reproduces seed 003's sample (`Lxq33Udh1dH0yGlXdRRaFA==`). */
export function dnHashOf(dn: string): string {
  return md5Base64(Buffer.from(dn, 'utf8'));
}

function dcs(domain: PublishedDomain): string {
  return domain.dns
    .split('.')
    .map((part) => `dc=${part}`)
    .join(',');
}

/** Every identifier of an object with this SID, trustee id and GUID derived as the users views derive them. */
function identified(
  kind: DirectoryObject['kind'],
  key: string,
  sid: Uint8Array,
  dn: string,
): Omit<DirectoryObject, 'displayName' | 'samName' | 'upn' | 'mail'> {
  const uid = objectGuidOf(sid);
  return {
    kind,
    key,
    trusteeId: String(trusteeIdOf(sid)),
    trusteeSfx: kind === 'user' ? USER_TRUSTEE_SFX : GROUP_TRUSTEE_SFX,
    uid,
    uidBin: uidBinOf(uid),
    sidBin: Buffer.from(sid).toString('base64'),
    sidHash: sidHashOf(sid),
    dn,
    dnHash: dnHashOf(dn),
  };
}

export interface UserNames {
  readonly sam: string;
  readonly displayName: string;
  /** Local part of the mail address (`john.smith`). */
  readonly mailbox: string;
}

/**
 * A domain user. The SID is the one the Network Agents report for the account (`sidFor(domain, sam)`), so the
 * trustee id, GUID and SID hash equal those of the account in `list_users` / `get_user_by_ip`.
 */
export function userObject(domain: PublishedDomain, names: UserNames): DirectoryObject {
  const sid = sidFor(domain.netbios, names.sam);
  const dn = `cn=${names.displayName},ou=people,${dcs(domain)}`;
  return {
    ...identified('user', `user:${names.sam}`, sid, dn),
    displayName: names.displayName,
    samName: names.sam,
    upn: `${names.sam}@${domain.dns}`,
    mail: `${names.mailbox}@${domain.dns}`,
  };
}

/** A security group; its SID is derived from its name in the same shape as the accounts' SIDs. */
export function groupObject(domain: PublishedDomain, name: string): DirectoryObject {
  const sid = sidFor(domain.netbios, `group\u0000${name}`);
  const dn = `cn=${name},ou=groups,${dcs(domain)}`;
  const sam = name.replaceAll(' ', '_');
  return {
    ...identified('group', `group:${name}`, sid, dn),
    displayName: name,
    samName: sam,
    mail: `${sam.toLowerCase()}@${domain.dns}`,
  };
}
