import type { DirectoryObject } from './identity.ts';

/** The publisher's directory as it stands: what a receiver that applied everything published must hold. */
export interface DirectorySnapshot {
  readonly users: readonly DirectoryObject[];
  readonly groups: readonly DirectoryObject[];
  /** Direct memberships as `[group key, member key]`, sorted. */
  readonly memberships: readonly (readonly [string, string])[];
}

/**
 * The publisher's truth: objects by key and direct memberships. Removing an object removes its memberships both
 * ways, as a directory does when an account is deleted.
 */
export class DirectoryTruth {
  readonly #objects = new Map<string, DirectoryObject>();
  /** Group key → member keys, in insertion order (publication order follows it). */
  readonly #members = new Map<string, Set<string>>();

  get size(): number {
    return this.#objects.size;
  }

  get(key: string): DirectoryObject | undefined {
    return this.#objects.get(key);
  }

  has(key: string): boolean {
    return this.#objects.has(key);
  }

  objects(kind?: DirectoryObject['kind']): DirectoryObject[] {
    const all = [...this.#objects.values()];
    return kind === undefined ? all : all.filter((o) => o.kind === kind);
  }

  add(object: DirectoryObject): void {
    this.#objects.set(object.key, object);
    if (object.kind === 'group' && !this.#members.has(object.key)) this.#members.set(object.key, new Set());
  }

  /** Removes the object and every membership it is part of; returns the groups it was a member of. */
  remove(key: string): string[] {
    const groups: string[] = [];
    this.#objects.delete(key);
    this.#members.delete(key);
    for (const [group, members] of this.#members) if (members.delete(key)) groups.push(group);
    return groups;
  }

  /** Adds a direct membership; false when it already existed or either side is unknown. */
  addMember(group: string, member: string): boolean {
    const members = this.#members.get(group);
    if (members === undefined || !this.#objects.has(member) || members.has(member)) return false;
    members.add(member);
    return true;
  }

  removeMember(group: string, member: string): boolean {
    return this.#members.get(group)?.delete(member) ?? false;
  }

  membersOf(group: string): string[] {
    return [...(this.#members.get(group) ?? [])];
  }

  groupsOf(member: string): string[] {
    return [...this.#members].filter(([, members]) => members.has(member)).map(([group]) => group);
  }

  snapshot(): DirectorySnapshot {
    const byKey = (a: DirectoryObject, b: DirectoryObject): number => a.key.localeCompare(b.key);
    const memberships: [string, string][] = [];
    for (const [group, members] of this.#members) for (const m of members) memberships.push([group, m]);
    memberships.sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
    return {
      users: this.objects('user').sort(byKey),
      groups: this.objects('group').sort(byKey),
      memberships,
    };
  }
}
