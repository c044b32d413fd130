import { Random } from '../../core/random.ts';
import { domainUsersOf } from '../users/domain-users.ts';
import { personOfLogin } from '../world/names.ts';
import type { KscWorld } from '../world.ts';
import { groupObject, userObject, type PublishedDomain, type UserNames } from './identity.ts';
import { DirectoryTruth } from './truth.ts';

/** The main server's domain, as `domainFor(0, …)` names it for the hosts. */
export const MAIN_DOMAIN: PublishedDomain = { netbios: 'CORP', dns: 'corp.example.com' };

/** Groups every user belongs to; large enough that its members need several `ds_ids_chunk`s. */
export const ALL_USERS_GROUP = 'Domain Users';
/** Departments: each user is a direct member of one. */
export const DEPARTMENTS = [
  'Finance',
  'Engineering',
  'Sales',
  'Human Resources',
  'IT Support',
  'Legal',
] as const;
/** A chain of seven groups, each a member of the one before: a user of the last is six levels below the first. */
export const NESTING_CHAIN = [1, 2, 3, 4, 5, 6, 7].map((level) => `Nesting Level ${level}`);
/** A cycle-free diamond: Top ⊃ Left, Right; Left ⊃ Bottom; Right ⊃ Bottom. */
export const DIAMOND = {
  top: 'Diamond Top',
  left: 'Diamond Left',
  right: 'Diamond Right',
  bottom: 'Diamond Bottom',
} as const;
/** Where live changes move users in and out (besides adding and removing users). */
export const CHANGEABLE_GROUPS: readonly string[] = ['VPN Users', ...DEPARTMENTS];

/** Every group of the domain, in the order the directory adds them (AdHosts.FindAdGroups lists the same). */
export const DOMAIN_GROUPS: readonly string[] = [
  ALL_USERS_GROUP,
  ...CHANGEABLE_GROUPS,
  ...NESTING_CHAIN,
  DIAMOND.top,
  DIAMOND.left,
  DIAMOND.right,
  DIAMOND.bottom,
];

/** Names of a login of the world (`jsmith` → John Smith, `john.smith`); a suffixed login keeps its digits. */
export function namesOfLogin(sam: string): UserNames {
  const base = sam.replace(/\d+$/, '');
  const digits = sam.slice(base.length);
  const person = personOfLogin(base);
  if (person === undefined) return { sam, displayName: sam, mailbox: sam };
  return {
    sam,
    displayName: `${person.first} ${person.last}${digits === '' ? '' : ` ${digits}`}`,
    mailbox: `${person.first}.${person.last}${digits}`.toLowerCase(),
  };
}

/**
 * The directory of the world's main domain: the domain accounts logged on to its hosts (the users `list_users`
 * shows) and groups derived from the seed — departments, `VPN Users`, a seven-group nesting chain and a diamond.
 * Same world and seed, same directory.
 */
export function seededDirectory(world: KscWorld, seed: number): DirectoryTruth {
  const random = Random.derive(seed, 'directory');
  const truth = new DirectoryTruth();
  const sams = domainUsersOf(world.hostsOf(0))
    .filter((u) => !u.local)
    .map((u) => u.account.sam)
    .sort();
  const users = [...new Set(sams)].map((sam) => userObject(MAIN_DOMAIN, namesOfLogin(sam)));

  for (const name of DOMAIN_GROUPS) truth.add(groupObject(MAIN_DOMAIN, name));
  for (const user of users) truth.add(user);

  const group = (name: string): string => `group:${name}`;
  for (let i = 0; i + 1 < NESTING_CHAIN.length; i++) {
    truth.addMember(group(NESTING_CHAIN[i] ?? ''), group(NESTING_CHAIN[i + 1] ?? ''));
  }
  truth.addMember(group(DIAMOND.top), group(DIAMOND.left));
  truth.addMember(group(DIAMOND.top), group(DIAMOND.right));
  truth.addMember(group(DIAMOND.left), group(DIAMOND.bottom));
  truth.addMember(group(DIAMOND.right), group(DIAMOND.bottom));
  // The SOC's own group sits inside IT Support: a user there is also two levels below it.
  truth.addMember(group('IT Support'), group(NESTING_CHAIN[0] ?? ''));

  const deepest = group(NESTING_CHAIN[NESTING_CHAIN.length - 1] ?? '');
  users.forEach((user, index) => {
    truth.addMember(group(ALL_USERS_GROUP), user.key);
    truth.addMember(group(random.pick(DEPARTMENTS)), user.key);
    if (random.chance(0.3)) truth.addMember(group('VPN Users'), user.key);
    if (index % 7 === 0) truth.addMember(deepest, user.key);
    if (index % 11 === 0) truth.addMember(group(DIAMOND.bottom), user.key);
  });
  return truth;
}
