import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';
import type { KscWorld, UserRecord } from '../world.ts';
import { ADMINISTRATION_SERVERS, MANAGED_DEVICES, UNASSIGNED_DEVICES, WORKGROUP } from '../world/groups.ts';
import type { GroupRecord } from '../world/model.ts';
import { virtualServers } from './servers.ts';

/**
 * Virtual servers created, changed, moved and removed through `VServers`, and their access lists
 * (docs/decisions/0068). A virtual server itself lives in the world (its row and its groups, so logins, scoping and
 * every class see it like a seeded one); what the world's tables have no place for — the parent group it was put
 * in, the attributes clients changed, its access list, the next free id — is one server setting of the main server:
 * `{next, changed: {id: {KLVSRV_*: value}}, acl: {id: [KLSPLU_* entries]}}`. A reset forgets all of it.
 */

const SETTING = 'virtual-servers';

/** Bits of the reference's "Access rights" table, which `KLSPLU_ALLOWMASK` / `KLSPLU_DENYMASK` use. */
export const ACCESS_RIGHTS = Object.freeze({
  READ: 0x1,
  WRITE: 0x2,
  EXECUTE: 0x4,
  GLOBAL_CERTIFICATE: 0x10,
  CHANGE_ACL: 0x400,
  EVENT_REGISTRATION: 0x800,
  EVENT_NOTIFICATION: 0x1000,
  INSTALL_APPLICATIONS: 0x2000,
  INSTALL_UTILITY: 0x4000,
  SERVER_HIERARCHY: 0x8000,
  SAVE_NETWORK_LIST: 0x10000,
  TUNNEL: 0x20000,
  CONNECT: 0x40000,
  EXPORT_LICENSE: 0x80000,
  MANAGE_PATCHES: 0x100000,
  RDP_SESSION: 0x200000,
  DESKTOP_SHARING: 0x400000,
  PXE_SERVER: 0x800000,
  ENROLL_MOBILE: 0x1000000,
  GATHERING_MOBILE_COMMANDS: 0x2000000,
  MOBILE_COMMANDS: 0x4000000,
  MANAGE_VIRTUAL_SERVERS: 0x8000000,
  DELETE_EVENTS: 0x10000000,
  QUERY_OPERATIONS: 0x20000000,
});

/** Every right a virtual server's access list can grant (`KLSPL_POSSIBLE_RIGHTS`). */
export const ALL_RIGHTS = Object.values(ACCESS_RIGHTS).reduce((mask, bit) => mask | bit, 0);

/** The role whose holders on the main server the inherited access list of every virtual server lets in. */
const INHERITED_ROLE = 'Main Administrator';

/** `KLVSRV_*` attributes the reference marks read-only: `UpdateVServerInfo` refuses them. */
const READ_ONLY: ReadonlySet<string> = new Set([
  'KLVSRV_ID',
  'KLVSRV_UID',
  'KLVSRV_GRP',
  'KLVSRV_GROUPS',
  'KLVSRV_SUPER',
  'KLVSRV_UNASSIGNED',
  'KLVSRV_HST_UID',
]);

const isBool = (v: KlValue | undefined): boolean => typeof v === 'boolean';
const textUpTo =
  (max: number) =>
  (v: KlValue | undefined): boolean =>
    typeof v === 'string' && v.length <= max;

/** The attributes `UpdateVServerInfo` changes, with the type (and length) each must have. */
export const UPDATABLE: Readonly<Record<string, (v: KlValue | undefined) => boolean>> = {
  KLVSRV_DN: (v) => typeof v === 'string' && v.trim() !== '',
  KLVSRV_ENABLED: isBool,
  KLVSRV_LIC_ENABLED: isBool,
  KLVSRV_NEW_HOSTS_PROHIBITED: isBool,
  KLVSRV_CUSTOM_INFO: textUpTo(Number.MAX_SAFE_INTEGER),
  KLVSRV_VS_DESCR: textUpTo(512),
  KLVSRV_NF_CUSTOM_URL: textUpTo(1024),
};

/** Why `UpdateVServerInfo` refuses an attribute: it is read-only, or its value does not fit. */
export function refusedAttribute(info: KlParams): string | undefined {
  for (const [name, value] of Object.entries(info)) {
    if (READ_ONLY.has(name)) return name;
    const fits = UPDATABLE[name];
    if (fits !== undefined && !fits(value)) return name;
  }
  return undefined;
}

interface VirtualServerChanges {
  readonly next: number;
  readonly changed: Readonly<Record<string, KlParams>>;
  readonly acl: Readonly<Record<string, readonly KlParams[]>>;
}

function asRecord<T>(value: KlValue | undefined): Record<string, T> {
  return value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, T>)
    : {};
}

async function load(world: KscWorld): Promise<VirtualServerChanges> {
  const stored = await storedSetting(world, 0, SETTING);
  const next = stored?.['next'];
  const highest = Math.max(0, ...world.vservers.keys());
  return {
    // Never below the highest id in the world: a seeded server keeps its id, a removed one's id is not reused.
    next: Math.max(typeof next === 'number' ? next : 0, highest + 1),
    changed: asRecord<KlParams>(stored?.['changed']),
    acl: asRecord<KlParams[]>(stored?.['acl']),
  };
}

function save(world: KscWorld, changes: VirtualServerChanges): Promise<void> {
  return storeSetting(world, 0, SETTING, {
    next: changes.next,
    changed: { ...changes.changed },
    acl: Object.fromEntries(Object.entries(changes.acl).map(([id, entries]) => [id, [...entries]])),
  });
}

/** One change at a time per world: a read-modify-write of the stored setting must not lose a concurrent one. */
const queues = new WeakMap<KscWorld, Promise<unknown>>();

function serialised<T>(world: KscWorld, change: () => Promise<T>): Promise<T> {
  const previous = queues.get(world) ?? Promise.resolve();
  const run = previous.then(change, change);
  queues.set(
    world,
    run.catch(() => undefined),
  );
  return run;
}

/** The virtual servers as clients see them now (`KLVSRV_*`), in id order; none seen from a virtual server. */
export async function currentVirtualServers(world: KscWorld, fromVserver: number): Promise<KlParams[]> {
  const servers = virtualServers(world, fromVserver);
  if (servers.length === 0) return servers;
  const { changed } = await load(world);
  return servers.map((s) => ({ ...s, ...changed[String(s['KLVSRV_ID'])] }));
}

/** One virtual server as clients see it, or `undefined`. */
export async function currentVirtualServer(world: KscWorld, id: number): Promise<KlParams | undefined> {
  return (await currentVirtualServers(world, 0)).find((s) => s['KLVSRV_ID'] === id);
}

/** A display name no other virtual server has: KSC adds a number to a name that is taken. */
function uniqueName(world: KscWorld, wanted: string): string {
  const taken = new Set<string>();
  for (const v of world.vservers.values()) {
    taken.add(v.name.toLowerCase());
    taken.add(v.displayName.toLowerCase());
  }
  if (!taken.has(wanted.toLowerCase())) return wanted;
  for (let n = 2; ; n++) {
    const candidate = `${wanted} (${n})`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** The roots of a new virtual server, as every server has them (world/groups.ts), created now. */
function rootGroups(vserverId: number, firstId: number, now: number): GroupRecord[] {
  const created = new Date(Math.floor(now / 1000) * 1000);
  const group = (id: number, name: string, parentId: number | null, fullName: string): GroupRecord => {
    const underUnassigned = name === UNASSIGNED_DEVICES || name === WORKGROUP;
    const attributes: Record<string, KlValue> = { id, name };
    if (parentId !== null) attributes['parentId'] = parentId;
    Object.assign(attributes, {
      grp_full_name: fullName,
      level: parentId === null ? 0 : 1,
      creationDate: created,
      lastUpdate: created,
      autoRemovePeriod: 0,
      notifyPeriod: name === ADMINISTRATION_SERVERS ? 0 : 7,
      grp_from_unassigned: underUnassigned,
      grp_enable_fscan: true,
      KLVSRV_ID: vserverId,
    });
    return { id, vserverId, parentId, name, attributes };
  };
  const [managed, unassigned, superGroup, workgroup] = [0, 1, 2, 3].map((n) => firstId + n) as [
    number,
    number,
    number,
    number,
  ];
  return [
    group(managed, MANAGED_DEVICES, null, MANAGED_DEVICES),
    group(unassigned, UNASSIGNED_DEVICES, null, UNASSIGNED_DEVICES),
    group(superGroup, ADMINISTRATION_SERVERS, null, ADMINISTRATION_SERVERS),
    group(workgroup, WORKGROUP, unassigned, `${UNASSIGNED_DEVICES}/${WORKGROUP}`),
  ];
}

/**
 * Creates a virtual server in a group of the main server: its row, its root groups (no hosts, no users), its
 * parent group. Its login name is the (unique) display name it was created with.
 */
export function addVirtualServer(
  world: KscWorld,
  now: number,
  displayName: string,
  parentGroup: number,
): Promise<{ id: number; displayName: string }> {
  return serialised(world, async () => {
    const changes = await load(world);
    const id = changes.next;
    const name = uniqueName(world, displayName.trim());
    const firstGroup = Math.max(0, ...world.groups.keys()) + 1;
    await world.addVServer({ id, name, displayName: name }, rootGroups(id, firstGroup, now));
    await save(world, {
      ...changes,
      next: id + 1,
      changed: { ...changes.changed, [String(id)]: { KLVSRV_GRP: parentGroup } },
    });
    return { id, displayName: name };
  });
}

/** Removes a virtual server and what is its alone (KscWorld.removeVServer); false when there is none. */
export function deleteVirtualServer(world: KscWorld, id: number): Promise<boolean> {
  return serialised(world, async () => {
    if (id === 0 || !world.vservers.has(id)) return false;
    const changes = await load(world);
    await world.removeVServer(id);
    const { [String(id)]: _changed, ...changed } = changes.changed;
    const { [String(id)]: _acl, ...acl } = changes.acl;
    await save(world, { ...changes, changed, acl });
    return true;
  });
}

/** Applies `UPDATABLE` attributes (and a new parent group) to a virtual server; false when there is none. */
export function changeVirtualServer(world: KscWorld, id: number, update: KlParams): Promise<boolean> {
  return serialised(world, async () => {
    if (id === 0 || !world.vservers.has(id)) return false;
    const { KLVSRV_DN: displayName, ...rest } = update;
    if (typeof displayName === 'string') await world.renameVServer(id, displayName);
    if (Object.keys(rest).length > 0) {
      const changes = await load(world);
      const merged = { ...changes.changed[String(id)], ...rest };
      await save(world, { ...changes, changed: { ...changes.changed, [String(id)]: merged } });
    }
    return true;
  });
}

/** An entry of a virtual server's access list for one of the emulator's internal users. */
function userEntry(user: UserRecord, allow: number, deny: number, inherited: boolean): KlParams {
  return {
    KLSPLU_SID: '',
    KLSPLU_NAME: user.name,
    KLSPLU_IS_GROUP: false,
    KLSPLU_AKUSER_ID: user.id,
    KLSPLU_MAY_WRITE: !inherited,
    KLSPLU_MAY_REMOVE: !inherited,
    KLSPLU_ALLOWMASK: allow,
    KLSPLU_DENYMASK: deny,
  };
}

/**
 * The access list of a virtual server (the reference's "Permissions structure"). Until a client sets one it is
 * inherited from the main server: every user of the main server with the Main Administrator role there, allowed
 * everything.
 */
export async function virtualServerPermissions(world: KscWorld, id: number): Promise<KlParams> {
  const own = (await load(world)).acl[String(id)];
  const entries =
    own ??
    [...world.users.values()]
      .filter((u) => u.vserverId === 0 && u.roles.server.includes(INHERITED_ROLE))
      .map((u) => userEntry(u, ALL_RIGHTS, 0, true));
  return {
    KLSPL_INHERITED: own === undefined,
    KLSPL_POSSIBLE_RIGHTS: ALL_RIGHTS,
    KLSPL_PERMISSIONS: [...entries],
  };
}

/** What a client may put in an access-list entry; refused with the attribute's name otherwise. */
export function normaliseEntry(world: KscWorld, entry: KlValue): KlParams | string {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || entry instanceof Date)
    return 'KLSPL_PERMISSIONS';
  const e = entry as KlParams;
  const mask = (name: string): number | undefined => {
    const v = e[name] ?? 0;
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v & ALL_RIGHTS : undefined;
  };
  const allow = mask('KLSPLU_ALLOWMASK');
  if (allow === undefined) return 'KLSPLU_ALLOWMASK';
  const deny = mask('KLSPLU_DENYMASK');
  if (deny === undefined) return 'KLSPLU_DENYMASK';
  const userId = e['KLSPLU_AKUSER_ID'];
  if (userId !== undefined) {
    const user = typeof userId === 'number' ? world.users.get(userId) : undefined;
    // Only the main server's users can be let into another server; a virtual server's own users are its own.
    if (user === undefined || user.vserverId !== 0) return 'KLSPLU_AKUSER_ID';
    return userEntry(user, allow, deny, false);
  }
  const sid = e['KLSPLU_SID'];
  if (typeof sid !== 'string' || sid === '') return 'KLSPLU_SID';
  const name = e['KLSPLU_NAME'];
  return {
    KLSPLU_SID: sid,
    KLSPLU_NAME: typeof name === 'string' ? name : '',
    KLSPLU_IS_GROUP: e['KLSPLU_IS_GROUP'] === true,
    KLSPLU_MAY_WRITE: true,
    KLSPLU_MAY_REMOVE: true,
    KLSPLU_ALLOWMASK: allow,
    KLSPLU_DENYMASK: deny,
  };
}

/** Whether an access list lets a user of the main server connect: allowed by an entry, denied by none. */
export function listLetsIn(entries: readonly KlValue[], user: UserRecord): boolean {
  const mine = entries.filter(
    (e): e is KlParams =>
      e !== null &&
      typeof e === 'object' &&
      !Array.isArray(e) &&
      (e as KlParams)['KLSPLU_AKUSER_ID'] === user.id,
  );
  const has = (name: string): boolean =>
    mine.some((e) => (((e[name] as number | undefined) ?? 0) & ACCESS_RIGHTS.CONNECT) !== 0);
  return has('KLSPLU_ALLOWMASK') && !has('KLSPLU_DENYMASK');
}

/** Replaces a virtual server's own access list (it stops inheriting). */
export function setVirtualServerPermissions(
  world: KscWorld,
  id: number,
  entries: readonly KlParams[],
): Promise<void> {
  return serialised(world, async () => {
    const changes = await load(world);
    await save(world, { ...changes, acl: { ...changes.acl, [String(id)]: entries } });
  });
}

/**
 * Whether a user of the main server may log in to a virtual server: the server is enabled and its access list
 * lets the user connect. A virtual server's own users are not asked about here.
 */
export async function mayConnect(world: KscWorld, vserverId: number, user: UserRecord): Promise<boolean> {
  if (!(await isEnabled(world, vserverId))) return false;
  const list = (await virtualServerPermissions(world, vserverId))['KLSPL_PERMISSIONS'];
  return Array.isArray(list) && listLetsIn(list, user);
}

/** `KLVSRV_ENABLED` of a virtual server (true until a client disables it); the main server is always enabled. */
export async function isEnabled(world: KscWorld, vserverId: number): Promise<boolean> {
  if (vserverId === 0) return true;
  return (await load(world)).changed[String(vserverId)]?.['KLVSRV_ENABLED'] !== false;
}
