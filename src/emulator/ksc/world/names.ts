import { hashString, type Random } from '../../core/random.ts';
import type { LeafKind } from './groups.ts';
import type { OsSpec } from './platforms.ts';

/**
 * Host, user and domain names. Host display names follow what real estates look like (`WIN-` + 7 characters
 * from Windows setup, `DESKTOP-…`, `KASPERCLIENT2`-style lab names, site-numbered workstations, role-numbered
 * servers `SRV-FS-01`, `DC01`, Linux `ubuntu-web-03`) and are unique within a server.
 */

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const WINDOWS_SERVER_ROLES = [
  'FS',
  'APP',
  'SQL',
  'EXCH',
  'PRINT',
  'RDS',
  'WSUS',
  'CA',
  'BACKUP',
  'SCCM',
  'WEB',
  'ADFS',
];
const DATACENTER_WINDOWS_ROLES = [
  'SQL',
  'APP',
  'WEB',
  'HV-NODE',
  'FS',
  'EXCH',
  'RDS',
  'BACKUP',
  'SCCM',
  'VEEAM',
];
const BRANCH_SERVER_ROLES = ['FS', 'PRN', 'SRV', 'APP'];
const LINUX_SERVER_ROLES = [
  'web',
  'db',
  'app',
  'k8s-node',
  'mail',
  'proxy',
  'build',
  'log',
  'mon',
  'dns',
  'git',
  'cache',
  'files',
  'vpn',
];

function pad(n: number, width: number): string {
  const text = String(n);
  return text.length >= width ? text : '0'.repeat(width - text.length) + text;
}

/** Generates the display names of one server's hosts; never returns a name twice. */
export class HostNamer {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly rng: Random) {}

  /** Number of names handed out. */
  get size(): number {
    return this.used.size;
  }

  has(name: string): boolean {
    return this.used.has(name);
  }

  /** A display name for a host of `os` placed in a leaf of `kind` at `site` (null: a root or Unassigned). */
  next(os: OsSpec, kind: LeafKind | null, site: string | null): string {
    if (os.family === 'linux') return this.linuxName(os, kind);
    return os.role === 'server'
      ? this.windowsServerName(kind, site)
      : this.windowsWorkstationName(kind, site);
  }

  private windowsWorkstationName(kind: LeafKind | null, site: string | null): string {
    const r = this.rng.float();
    if (r < 0.25 || (site === null && r < 0.6)) return this.random('WIN-', 7);
    if (r < 0.48 || site === null) return this.random('DESKTOP-', 7);
    if (r < 0.55) return this.random('LAPTOP-', 8);
    if (r < 0.59) return this.sequence('KASPERCLIENT', 0);
    const department = kind === 'finance' ? '-FIN' : kind === 'development' ? '-DEV' : '';
    return this.sequence(`${site}${department}-WS-`, 4);
  }

  private windowsServerName(kind: LeafKind | null, site: string | null): string {
    if (kind === 'servers' && site !== null && site !== 'HQ') {
      if (this.counters.get(`${site}-DC`) === undefined) return this.sequence(`${site}-DC`, 2);
      return this.sequence(`${site}-${this.rng.pick(BRANCH_SERVER_ROLES)}-`, 2);
    }
    if (kind === 'servers' && (this.counters.get('DC') ?? 0) < 2) return this.sequence('DC', 2);
    const roles = kind === 'windows-servers' ? DATACENTER_WINDOWS_ROLES : WINDOWS_SERVER_ROLES;
    return this.sequence(`SRV-${this.rng.pick(roles)}-`, 2);
  }

  private linuxName(os: OsSpec, kind: LeafKind | null): string {
    const distro = os.distro ?? 'linux';
    if (os.role === 'workstation')
      return this.sequence(`${distro}-${kind === 'development' ? 'dev' : 'ws'}-`, 3);
    return this.sequence(`${distro}-${this.rng.pick(LINUX_SERVER_ROLES)}-`, 2);
  }

  private random(prefix: string, length: number): string {
    for (;;) {
      const name = prefix + this.rng.chars(UPPER_ALNUM, length);
      if (this.claim(name)) return name;
    }
  }

  private sequence(prefix: string, width: number): string {
    let n = this.counters.get(prefix) ?? 0;
    for (;;) {
      n += 1;
      const name = prefix + (width > 0 ? pad(n, width) : String(n));
      if (this.claim(name)) {
        this.counters.set(prefix, n);
        return name;
      }
    }
  }

  private claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }
}

/** NetBIOS name of a host: upper case, at most 15 characters. */
export function netbiosName(displayName: string): string {
  const upper = displayName.toUpperCase();
  return upper.length > 15 ? upper.slice(0, 15) : upper;
}

const FIRST_NAMES = [
  'James',
  'Mary',
  'John',
  'Patricia',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Daniel',
  'Karen',
  'Anna',
  'Alexei',
  'Olga',
  'Ivan',
  'Maria',
  'Lukas',
  'Sophie',
  'Mateo',
  'Lucia',
  'Hiro',
  'Yuki',
  'Omar',
  'Layla',
  'Arjun',
  'Priya',
  'Chen',
  'Mei',
  'Kofi',
  'Amara',
  'Erik',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Martin',
  'Jackson',
  'Lee',
  'Walker',
  'Hall',
  'Young',
  'King',
  'Wright',
  'Lopez',
  'Hill',
  'Scott',
  'Green',
  'Adams',
  'Baker',
  'Nelson',
  'Ivanov',
  'Petrova',
  'Schmidt',
  'Muller',
  'Rossi',
  'Tanaka',
  'Sato',
  'Haddad',
  'Patel',
  'Sharma',
  'Wang',
  'Li',
  'Mensah',
  'Okafor',
  'Larsen',
  'Novak',
  'Kowalski',
  'Silva',
  'Costa',
  'Dubois',
];

/** Account names (`jsmith`), one per first/last name pair, built once. */
export const USER_LOGINS: readonly string[] = FIRST_NAMES.flatMap((first) =>
  LAST_NAMES.map((last) => (first.charAt(0) + last).toLowerCase()),
);

/** The person behind a login of {@link USER_LOGINS} (the first of the names that make it), for directory data. */
export function personOfLogin(login: string): { readonly first: string; readonly last: string } | undefined {
  for (const first of FIRST_NAMES) {
    if (first.charAt(0).toLowerCase() !== login.charAt(0)) continue;
    const last = LAST_NAMES.find((l) => l.toLowerCase() === login.slice(1));
    if (last !== undefined) return { first, last };
  }
  return undefined;
}

/** The account usually logged on to a host, stable for the host id (no state to keep). */
export function primaryUserOf(hostId: string): string {
  return USER_LOGINS[hashString(hostId) % USER_LOGINS.length] ?? 'administrator';
}

/** A server's Windows domain: NetBIOS name and DNS suffix. */
export interface DomainNames {
  readonly netbios: string;
  readonly dns: string;
}

/** The domain of a server: `CORP` / `corp.example.com` for the main one, derived from the name otherwise. */
export function domainFor(vserverId: number, vserverName: string): DomainNames {
  if (vserverId === 0) return { netbios: 'CORP', dns: 'corp.example.com' };
  let slug = '';
  for (const ch of vserverName.toLowerCase()) {
    const alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (alnum) slug += ch;
    else if (slug.length > 0 && !slug.endsWith('-')) slug += '-';
  }
  while (slug.endsWith('-')) slug = slug.slice(0, -1);
  if (slug.length === 0) slug = `vs${vserverId}`;
  return { netbios: netbiosName(slug), dns: `${slug}.example.net` };
}
