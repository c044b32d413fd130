/**
 * KSC's role-based access control as the emulator models it: functional areas with access bits, roles that grant
 * them, and role assignments in two scopes. Seed 001's permission table names the areas; its setup guide says a
 * role must be assigned in both scopes: without "Administration Server" the API cannot be used, without
 * "Managed devices" no device data comes back.
 */
export const AREAS = {
  basic: 'Administration Server > General features > Basic functionality',
  aclFree: 'Administration Server > General features > Access objects regardless of their ACLs',
  kesAntivirus: 'Kaspersky Endpoint Security for Windows > Anti-virus functionality',
  keaHips: 'Kaspersky Endpoint Agent > Host Intrusion Prevention',
} as const;
export type Area = keyof typeof AREAS;

export const ACCESS = {
  read: 'Read',
  write: 'Write',
  execute: 'Execute',
  selections: 'Perform operations on device selections',
} as const;
export type Access = keyof typeof ACCESS;

export type Scope = 'server' | 'devices';

export type Rights = Partial<Record<Area, readonly Access[]>>;

export interface RoleDefinition {
  readonly name: string;
  readonly rights: Rights;
}

/** A user's roles per scope. */
export interface RoleAssignment {
  readonly server: readonly string[];
  readonly devices: readonly string[];
}

/** What a method requires: every listed access in the area. */
export interface RightRequirement {
  readonly area: Area;
  readonly access: readonly Access[];
}

const ALL: readonly Access[] = ['read', 'write', 'execute', 'selections'];

/** The roles a new emulator starts with. */
export const DEFAULT_ROLES: readonly RoleDefinition[] = [
  { name: 'Main Administrator', rights: { basic: ALL, aclFree: ALL, kesAntivirus: ALL, keaHips: ALL } },
  {
    name: 'Security Officer',
    rights: { basic: ALL, aclFree: ['read'], kesAntivirus: ALL, keaHips: ALL },
  },
  {
    name: 'Read-only Analyst',
    rights: { basic: ['read'], aclFree: ['read'], kesAntivirus: ['read'], keaHips: ['read'] },
  },
  { name: 'Basic Reader', rights: { basic: ['read'] } },
];

/** Rights already combined, per role table and list of role names, with the definitions they were made of. */
const combined = new WeakMap<
  ReadonlyMap<string, RoleDefinition>,
  Map<string, { readonly from: ReadonlyArray<RoleDefinition | undefined>; readonly rights: Rights }>
>();

/**
 * Combines the rights of several roles (a union, as KSC does). Every API call asks for its caller's rights, so the
 * union is kept per list of role names and reused while each of those names still maps to the same definition
 * (definitions are replaced, never changed in place: an edited or deleted role is seen at the next call).
 */
export function effectiveRights(
  roleNames: readonly string[],
  roles: ReadonlyMap<string, RoleDefinition>,
): Rights {
  let byNames = combined.get(roles);
  if (byNames === undefined) combined.set(roles, (byNames = new Map()));
  const key = roleNames.join('\u0000');
  const kept = byNames.get(key);
  if (kept !== undefined && kept.from.every((role, i) => roles.get(roleNames[i]!) === role))
    return kept.rights;
  const rights = combineRights(roleNames, roles);
  // Bounded by the distinct role lists of the users; a cleared table starts afresh when its lists change.
  if (byNames.size >= 1024) byNames.clear();
  byNames.set(key, { from: roleNames.map((name) => roles.get(name)), rights });
  return rights;
}

function combineRights(roleNames: readonly string[], roles: ReadonlyMap<string, RoleDefinition>): Rights {
  const merged: Partial<Record<Area, Set<Access>>> = {};
  for (const name of roleNames) {
    const role = roles.get(name);
    if (role === undefined) continue;
    for (const [area, access] of Object.entries(role.rights) as Array<[Area, readonly Access[]]>) {
      const set = (merged[area] ??= new Set());
      for (const a of access) set.add(a);
    }
  }
  return Object.fromEntries(Object.entries(merged).map(([area, set]) => [area, [...set]])) as Rights;
}

export function satisfies(rights: Rights, requirements: readonly RightRequirement[]): boolean {
  return requirements.every((req) => req.access.every((a) => rights[req.area]?.includes(a) === true));
}

/** Shorthand for method definitions: `need('basic', 'read', 'write')`. */
export function need(area: Area, ...access: Access[]): RightRequirement {
  return { area, access };
}
