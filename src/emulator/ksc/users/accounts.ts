import { createHash } from 'node:crypto';
import { primaryUserOf } from '../world/names.ts';
import { PLATFORM_TYPE } from '../world/platforms.ts';
import type { HostRecord } from '../world/model.ts';

/** An account a host's Network Agent reports (`KLNAG_ACCNTS_*`, seed 001's Get User By IP sample). */
export interface HostAccount {
  /** Key of the account in `KLNAG_ACCNTS_ACCOUNTS`: hex digits derived from the SID. */
  readonly key: string;
  /** `KLNAG_ACCNTS_DN`: `DOMAIN\name` or `HOST\name`. */
  readonly dn: string;
  /** `KLNAG_ACCNTS_SAM`. */
  readonly sam: string;
  /** `KLNAG_ACCNTS_IFUSER`. */
  readonly isUser: boolean;
  /** `KLNAG_ACCNTS_SID`: the binary SID. */
  readonly sid: Uint8Array;
  /** Whether the account is the one usually logged on (the domain user of the host). */
  readonly loggedOn: boolean;
}

/** Local accounts every Windows host has, as the seed's sample lists them. */
const WINDOWS_LOCAL = ['Administrator', 'DefaultAccount', 'Guest'] as const;
const LINUX_LOCAL = ['root'] as const;

/**
 * A binary SID (revision 1, authority 5, sub-authorities from the name), stable for the host and account. Exported
 * for the directory publisher, whose groups and new users get SIDs of the same shape.
 */
export function sidFor(scope: string, name: string): Uint8Array {
  const digest = createHash('sha256').update(`${scope}\u0000${name}`).digest();
  const sid = new Uint8Array(28);
  sid[0] = 1;
  sid[1] = 5;
  sid[7] = 5;
  sid.set(digest.subarray(0, 20), 8);
  return sid;
}

function keyOf(sid: Uint8Array): string {
  return createHash('sha1').update(sid).digest('hex').slice(0, 16).toUpperCase();
}

/**
 * The accounts a host's Network Agent reports: its local accounts and the domain user usually logged on to it.
 * Derived from the host alone, so the users view and the agent's data agree without stored state.
 */
export function hostAccounts(host: HostRecord): HostAccount[] {
  const a = host.attributes;
  const hostName = String(a['KLHST_WKS_WINHOSTNAME'] ?? a['KLHST_WKS_DN'] ?? host.id).toUpperCase();
  const domain = String(a['KLHST_WKS_WINDOMAIN'] ?? '');
  const linux = a['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX;
  const accounts: HostAccount[] = (linux ? LINUX_LOCAL : WINDOWS_LOCAL).map((sam) => {
    const sid = sidFor(host.id, sam);
    return { key: keyOf(sid), dn: `${hostName}\\${sam}`, sam, isUser: true, sid, loggedOn: false };
  });
  const user = primaryUserOf(host.id);
  const sid = sidFor(domain, user);
  accounts.push({
    key: keyOf(sid),
    dn: domain === '' ? `${hostName}\\${user}` : `${domain}\\${user}`,
    sam: user,
    isUser: true,
    sid,
    loggedOn: true,
  });
  return accounts;
}
