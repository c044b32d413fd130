import { createHash } from 'node:crypto';
import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord } from '../world/model.ts';
import { hostAccounts, type HostAccount } from './accounts.ts';

/** Workgroup names: an account of such a host is local to it, not a domain account. */
const WORKGROUPS: ReadonlySet<string> = new Set(['', 'WORKGROUP']);

/** A domain (or local) account as the server's user lists know it, with the host that reported it first. */
export interface DomainUser {
  readonly account: HostAccount;
  readonly vserverId: number;
  /** Whether the account belongs to the host rather than to a domain (`ul_Local`). */
  readonly local: boolean;
  /** DNS suffix of the account's domain, for `ul_wstrPrincipalName`; empty for local accounts. */
  readonly dnsDomain: string;
}

function digest(purpose: string, sid: Uint8Array): Buffer {
  return createHash('sha256').update(purpose).update(sid).digest();
}

function guid(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The `objectGUID` of an account, derived from its SID (the directory publisher uses it as `uid`). */
export function objectGuidOf(sid: Uint8Array): string {
  return guid(digest('guid', sid));
}

/**
 * Trustee ids of accounts learnt from devices: above the internal users' range (100,000 + id) and derived from
 * the SID, so an account keeps its id however the hosts are enumerated.
 */
export function trusteeIdOf(sid: Uint8Array): bigint {
  return 1_000_000_000n + BigInt(digest('trustee', sid).readUIntBE(0, 6));
}

/**
 * The accounts logged on to a server's managed devices, once each (an account logged on to several hosts is
 * one user): the users KSC learns from its Network Agents.
 */
export function domainUsersOf(hosts: readonly HostRecord[]): DomainUser[] {
  const seen = new Map<string, DomainUser>();
  for (const host of hosts) {
    const account = loggedOnAccount(host);
    if (account === undefined || seen.has(account.key)) continue;
    const domain = String(host.attributes['KLHST_WKS_WINDOMAIN'] ?? '');
    const local = WORKGROUPS.has(domain.toUpperCase());
    seen.set(account.key, {
      account,
      vserverId: host.vserverId,
      local,
      dnsDomain: local ? '' : String(host.attributes['KLHST_WKS_DNSDOMAIN'] ?? ''),
    });
  }
  return [...seen.values()];
}

/**
 * The account logged on to a host. Host records are immutable, so the derivation (four SID hashes) is done once
 * per record, not on every listing of a 100,000-host server.
 */
const loggedOnCache = new WeakMap<HostRecord, HostAccount | null>();

function loggedOnAccount(host: HostRecord): HostAccount | undefined {
  let account = loggedOnCache.get(host);
  if (account === undefined) {
    account = hostAccounts(host).find((a) => a.loggedOn) ?? null;
    loggedOnCache.set(host, account);
  }
  return account ?? undefined;
}

/** The accounts of a host other than the one logged on: its local accounts, derived once per host record. */
const localCache = new WeakMap<HostRecord, readonly DomainUser[]>();

/**
 * The host-local accounts the Network Agents report (`Administrator`, `DefaultAccount`, `Guest`; `root` on
 * Linux), one user each: KSC lists them in its users view beside the domain users (seed 001's List Users sample
 * shows `HOST\Administrator` with `ul_Local`; docs/decisions/0068).
 */
export function hostLocalUsersOf(hosts: readonly HostRecord[]): DomainUser[] {
  const out: DomainUser[] = [];
  for (const host of hosts) {
    let users = localCache.get(host);
    if (users === undefined) {
      users = hostAccounts(host)
        .filter((a) => !a.loggedOn)
        .map((account) => ({ account, vserverId: host.vserverId, local: true, dnsDomain: '' }));
      localCache.set(host, users);
    }
    out.push(...users);
  }
  return out;
}

/** Key of the logged-on account of a host, to mark `ul_bVisited`. */
export function loggedOnKey(host: HostRecord): string | undefined {
  return loggedOnAccount(host)?.key;
}

/**
 * Views of users whose objects live as long as their host record (the host-local ones): four digests per
 * record add up at 100,000 hosts × four accounts, so each is derived once. Callers copy before changing one.
 */
const viewCache = new WeakMap<DomainUser, KlParams>();

/** The `ul_*` view of an account learnt from devices (the attributes of seed 001's List Users sample). */
export function domainUserView(user: DomainUser): KlParams {
  let view = viewCache.get(user);
  if (view === undefined) viewCache.set(user, (view = buildView(user)));
  return view;
}

function buildView(user: DomainUser): KlParams {
  const { account } = user;
  return {
    ul_Builtin: false,
    ul_InternalUser: false,
    ul_Local: user.local,
    ul_bTotpException: false,
    ul_bTotpReigstered: false,
    ul_bUIS: false,
    ul_bUser: account.isUser,
    ul_binId: new Uint8Array(digest('id', account.sid).subarray(0, 16)),
    ul_binSidHash: new Uint8Array(createHash('md5').update(account.sid).digest()),
    ul_imgSid: account.sid,
    ul_llTrusteeId: trusteeIdOf(account.sid),
    ul_nVServer: user.vserverId,
    ul_strObjectGUID: objectGuidOf(account.sid),
    ul_wstrCompany: '',
    ul_wstrDepartment: '',
    ul_wstrDisplayName: account.dn,
    ul_wstrMail: '',
    ul_wstrMobile: '',
    ul_wstrPrincipalName: user.dnsDomain === '' ? '' : `${account.sam}@${user.dnsDomain}`,
    ul_wstrSamAccountName: account.sam,
    ul_wstrTelephoneNumber: '',
  };
}
