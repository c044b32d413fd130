/**
 * Enrichment: the directory identity (display name, UPN, mail, groups) of a user KSC names by trustee id, SID or
 * `DOMAIN\name`, for the KSC commands that list users and for the intake's event mappings. What matches, in which
 * order, and what happens with several matches or an open reset: docs/decisions/0064-directory-enrichment.md.
 */
import type { PlainJson } from '../commands/core/types.ts';
import type { DirectoryIdentity, DirectoryUserDetail } from './model/views.ts';
import type { DirectoryQueries } from './queries.ts';

/** How KSC names a user: any of these, the strongest first (trustee id, SID, then the account name). */
export interface UserReference {
  /** `ul_llTrusteeId` (decimal); the directory's `ksc_trustee_id`. */
  readonly trusteeId?: string;
  /** A SID as text (`S-1-5-21-…`) or the base64 of its binary form (`ul_imgSid`, `KLNAG_ACCNTS_SID`). */
  readonly sid?: string;
  /** `DOMAIN\name` or `name` (an event's `GNRL_EA_PARAM_3`): a sAMAccountName, in that domain when named. */
  readonly account?: string;
}

/** What enrichment adds: the `directory` object of a user in a command's context, the user fields of an event. */
export interface EnrichedIdentity {
  readonly displayName?: string;
  readonly upn?: string;
  readonly mail?: string;
  readonly samName?: string;
  /** Every group, direct or through nesting, by display name (else sAMAccountName). */
  readonly groups: readonly string[];
  /** The groups the user is a direct member of. */
  readonly directGroups: readonly string[];
}

type Candidate = Omit<EnrichedIdentity, 'groups' | 'directGroups'> & {
  readonly groups: readonly string[];
  readonly directGroups: readonly string[];
};

/** Undefined when nothing matched; `ambiguous` when the matches are different people. */
type Resolution = EnrichedIdentity | 'ambiguous' | undefined;

function trimmed(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text === undefined || text === '' ? undefined : text;
}

function fromIdentity(identity: DirectoryIdentity): Candidate {
  return {
    ...(identity.displayName === undefined ? {} : { displayName: identity.displayName }),
    ...(identity.upn === undefined ? {} : { upn: identity.upn }),
    ...(identity.mail === undefined ? {} : { mail: identity.mail }),
    ...(identity.samName === undefined ? {} : { samName: identity.samName }),
    groups: identity.groups,
    directGroups: identity.directGroups,
  };
}

function fromDetail(detail: DirectoryUserDetail): Candidate {
  const name = (o: { info: { displayName?: string; samName?: string }; id: number }) =>
    o.info.displayName ?? o.info.samName ?? String(o.id);
  const { info } = detail.user;
  return {
    ...(info.displayName === undefined ? {} : { displayName: info.displayName }),
    ...(info.upn === undefined ? {} : { upn: info.upn }),
    ...(info.mail === undefined ? {} : { mail: info.mail }),
    ...(info.samName === undefined ? {} : { samName: info.samName }),
    groups: detail.groups.map((g) => name(g.object)),
    directGroups: detail.directGroups.map(name),
  };
}

/** Who a candidate is across publishers: two KSC instances publishing one domain describe one person twice. */
function personKey(candidate: Candidate): string {
  return (candidate.upn ?? candidate.samName ?? candidate.displayName ?? '').trim().toLowerCase();
}

/**
 * One identity from the matches: none → undefined; several of one person (one domain published by several KSC
 * instances) → that person, with the groups of all of them; different people → `ambiguous` (never one picked).
 */
function resolve(candidates: readonly Candidate[]): Resolution {
  if (candidates.length === 0) return undefined;
  const first = candidates[0]!;
  if (candidates.some((c) => personKey(c) !== personKey(first))) return 'ambiguous';
  const union = (pick: (c: Candidate) => readonly string[]) => [...new Set(candidates.flatMap(pick))];
  return { ...first, groups: union((c) => c.groups), directGroups: union((c) => c.directGroups) };
}

/** Whether an account's domain (`CORP` or `corp.example.com`) is the domain of a directory user. */
function inDomain(domain: string, candidate: Candidate, dn: string | undefined): boolean {
  const wanted = domain.toLowerCase();
  const dns = candidate.upn?.split('@')[1]?.toLowerCase();
  const dcs = (dn ?? '')
    .toLowerCase()
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('dc='))
    .map((part) => part.slice(3));
  // The NetBIOS name is, in all but renamed domains, the first label of the DNS name.
  return (
    dns === wanted ||
    dns?.split('.')[0] === wanted ||
    dcs.join('.') === wanted ||
    (dcs.length > 0 && dcs[0] === wanted)
  );
}

async function byAccount(directory: DirectoryQueries, account: string): Promise<Resolution> {
  const slash = account.lastIndexOf('\\');
  const sam = trimmed(slash < 0 ? account : account.slice(slash + 1));
  const domain = slash < 0 ? undefined : trimmed(account.slice(0, slash));
  if (sam === undefined) return undefined;
  const lookup = await directory.getUser(sam);
  const candidates = lookup.candidates
    .filter((c) => c.matchedBy.includes('sam_name'))
    .filter((c) => domain === undefined || inDomain(domain, fromDetail(c), c.user.info.dn))
    .map(fromDetail);
  return resolve(candidates);
}

/**
 * The directory identity of a user KSC names, or undefined when none matches or the matches are different people.
 * The trustee id is tried first (with the SID when both are known), then the SID, then the account name: the
 * first that matches anything decides.
 */
export async function identityOf(
  directory: DirectoryQueries,
  reference: UserReference,
): Promise<EnrichedIdentity | undefined> {
  const trusteeId = trimmed(reference.trusteeId);
  const sid = trimmed(reference.sid);
  const account = trimmed(reference.account);
  const attempts: (() => Promise<Resolution>)[] = [];
  if (trusteeId !== undefined && sid !== undefined)
    attempts.push(async () => resolve((await directory.identityFor({ trusteeId, sid })).map(fromIdentity)));
  if (trusteeId !== undefined)
    attempts.push(async () => resolve((await directory.identityFor({ trusteeId })).map(fromIdentity)));
  if (sid !== undefined)
    attempts.push(async () => resolve((await directory.identityFor({ sid })).map(fromIdentity)));
  if (account !== undefined) attempts.push(() => byAccount(directory, account));
  for (const attempt of attempts) {
    const resolution = await attempt();
    if (resolution === 'ambiguous') return undefined;
    if (resolution !== undefined) return resolution;
  }
  return undefined;
}

/** The `directory` object a command adds to a user: the identity as plain JSON. */
export function identityJson(identity: EnrichedIdentity): PlainJson {
  return { ...identity, groups: [...identity.groups], directGroups: [...identity.directGroups] };
}

export interface IdentityCacheOptions {
  /** How long an answer (a match or none) is reused. Default 60 s. */
  readonly ttlMs?: number;
  /** Answers kept at most; the oldest go first. Default 10,000. */
  readonly maxEntries?: number;
  /** Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The lookups of a stream of pages (the intake's): `prepare` looks up, once, each user a page names that is not
 * known yet; `get` then answers synchronously, so a mapping stays a pure function of its record and this lookup.
 * A directory that fails leaves those users unenriched for the page (and asks again on the next one): enrichment
 * never stops the events.
 */
export class IdentityCache {
  private readonly entries = new Map<string, { at: number; identity: EnrichedIdentity | undefined }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly directory: DirectoryQueries,
    options: IdentityCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  private static key(reference: UserReference): string {
    return JSON.stringify([
      trimmed(reference.trusteeId) ?? '',
      trimmed(reference.sid) ?? '',
      trimmed(reference.account)?.toLowerCase() ?? '',
    ]);
  }

  /** Looks up the references not answered within the TTL, each distinct one once. */
  async prepare(references: Iterable<UserReference>): Promise<void> {
    const wanted = new Map<string, UserReference>();
    const now = this.now();
    for (const reference of references) {
      const key = IdentityCache.key(reference);
      const known = this.entries.get(key);
      if (known !== undefined && now - known.at < this.ttlMs) continue;
      wanted.set(key, reference);
    }
    for (const [key, reference] of wanted) {
      let identity: EnrichedIdentity | undefined;
      try {
        identity = await identityOf(this.directory, reference);
      } catch {
        continue;
      }
      this.entries.delete(key);
      this.entries.set(key, { at: now, identity });
      if (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
  }

  /** The identity `prepare` found for a reference; undefined when none, or not prepared. */
  get(reference: UserReference): EnrichedIdentity | undefined {
    return this.entries.get(IdentityCache.key(reference))?.identity;
  }
}
