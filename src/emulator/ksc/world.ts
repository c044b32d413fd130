import { sql } from 'kysely';
import { decodeParams, stringifyParams } from '../../ksc/codec.ts';
import { parseWireJson } from '../../wire/json.ts';
import type { KlParams } from '../../ksc/values.ts';
import { openDatabase, type DatabaseLocation, type OpenDatabase } from '../../store/database.ts';
import { hashPassword, verifyPassword } from './auth/passwords.ts';
import { DEFAULT_ROLES, type RoleAssignment, type RoleDefinition } from './auth/rights.ts';
import type { Clock } from '../core/clock.ts';
import { PART_TABLES } from './store/tables/index.ts';
import type { NewWorld } from './store/tables/table-set.ts';
import { ALL_TABLES, createEventIndexes, dropEventIndexes, migrateToLatest } from './store/migrations.ts';
import type { EmulatorSchema } from './store/schema.ts';
import type {
  EventRecord,
  GroupRecord,
  HostRecord,
  ProductInstall,
  VServerRecord,
  WorldOptions,
} from './world/model.ts';
import { generateWorld } from './world/index.ts';

export interface UserRecord {
  readonly id: number;
  readonly vserverId: number;
  readonly name: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly internal: boolean;
  readonly roles: RoleAssignment;
  failedAttempts: number;
  lockedUntil: number | null;
}

/** A user the emulator creates in a new world. */
export interface SeedUser {
  readonly name: string;
  readonly password: string;
  readonly roles: RoleAssignment;
  readonly vserver?: string;
  readonly displayName?: string;
}

export interface WorldOpenOptions {
  readonly db: DatabaseLocation;
  readonly clock: Clock;
  /** Used only when the database is new (or after a reset). */
  readonly world: Omit<WorldOptions, 'now'>;
  readonly users: readonly SeedUser[];
  /** The event store keeps at most this many events; beyond it the oldest are deleted, as KSC does. */
  readonly maxEvents: number;
}

const INSERT_BATCH = 500;

function toJson(params: KlParams): string {
  return stringifyParams(params);
}

function fromJson(text: string): KlParams {
  return decodeParams(parseWireJson(text));
}

interface ProductRow {
  name: string;
  version: string;
  info: string;
}

/**
 * The emulated server's state: durable in SQLite or PostgreSQL, with the small, hot tables (servers, groups,
 * hosts, users, roles) mirrored in memory so filters and enumerations over 100,000 hosts need no query.
 * Every mutation writes through to the database first. Events stay in the database only.
 */
export class KscWorld implements NewWorld {
  readonly vservers = new Map<number, VServerRecord>();
  /**
   * How long new task runs take, as a share of their realistic length (1). The demo shortens them so that a
   * scan started from the console ends within a minute; the seeded history keeps its realistic lengths.
   */
  taskTimeScale = 1;
  readonly groups = new Map<number, GroupRecord>();
  readonly hosts = new Map<string, HostRecord>();
  readonly roles = new Map<string, RoleDefinition>();
  readonly users = new Map<number, UserRecord>();
  private hostsByVserver = new Map<number, HostRecord[]>();
  private lastEventId = 0;
  private eventCountCache = 0;

  private constructor(
    readonly store: OpenDatabase<EmulatorSchema>,
    readonly clock: Clock,
    private readonly options: WorldOpenOptions,
  ) {}

  static async open(options: WorldOpenOptions): Promise<KscWorld> {
    const store = openDatabase<EmulatorSchema>(options.db);
    try {
      await migrateToLatest(store.db as never, store.kind);
      const world = new KscWorld(store, options.clock, options);
      const seeded = await store.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', 'seeded')
        .executeTakeFirst();
      // A fresh seed already holds the whole world in memory; only a world read from disk needs loading.
      if (seeded === undefined) await world.seed();
      else await world.load();
      return world;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  get db(): OpenDatabase<EmulatorSchema>['db'] {
    return this.store.db;
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /** Deletes everything and generates the world again from its seed. */
  async reset(): Promise<void> {
    await this.exclusively(() => this.seed());
    for (const listener of this.resetListeners) listener();
  }

  private readonly resetListeners: Array<() => void> = [];
  private readonly deletionListeners: Array<(deletion: EventDeletion) => Promise<void>> = [];

  /**
   * Parts that keep positions in the event history (EventProcessing result sets, event-snapshot.ts) hear of a
   * deletion of events before it happens, while the events can still be read.
   */
  onEventsDeleting(listener: (deletion: EventDeletion) => Promise<void>): void {
    this.deletionListeners.push(listener);
  }

  private async eventsDeleting(deletion: EventDeletion): Promise<void> {
    for (const listener of this.deletionListeners) await listener(deletion);
  }

  /** Parts that keep state beside the database (the agent scheduler's next due time) forget it on a reset. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Runs writes that must not interleave (a reset and live events) one after another. */
  private exclusively<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ------------------------------------------------------------------------------------------ seeding

  /**
   * Generates the world and stores it. Starts by emptying the tables, so a seed that was interrupted half-way
   * is simply redone on the next start (the `seeded` mark is written last).
   */
  private async seed(): Promise<void> {
    await this.eventsDeleting({ kind: 'reset' });
    await this.clearTables();
    const generated = generateWorld({ ...this.options.world, now: this.clock.now() });
    const db = this.db;
    await db
      .insertInto('vservers')
      .values(generated.vservers.map((v) => ({ id: v.id, name: v.name, display_name: v.displayName })))
      .execute();
    await this.store.bulkInsert('groups', GROUP_COLUMNS, generated.groups.map(groupValues));
    await this.store.bulkInsert('hosts', HOST_COLUMNS, generated.hosts.map(hostValues));
    await db
      .insertInto('roles')
      .values(DEFAULT_ROLES.map((r) => ({ name: r.name, rights: JSON.stringify(r.rights) })))
      .execute();
    const byName = new Map(generated.vservers.map((v) => [v.name, v.id]));
    let userId = 1;
    for (const user of this.options.users) {
      await db
        .insertInto('users')
        .values({
          id: userId++,
          vserver_id: byName.get(user.vserver ?? '') ?? 0,
          name: user.name,
          display_name: user.displayName ?? user.name,
          password_hash: hashPassword(user.password),
          internal: 1,
          roles: JSON.stringify(user.roles),
          failed_attempts: 0,
          locked_until: null,
        })
        .execute();
    }
    this.lastEventId = 0;
    this.eventCountCache = 0;
    // Building the event indexes once after the load is much cheaper than maintaining them row by row.
    await dropEventIndexes(db as never);
    await this.storeEvents(generated.events);
    await createEventIndexes(db as never);
    await db
      .insertInto('meta')
      .values({ key: 'seeded', value: String(this.clock.now()) })
      .execute();
    this.vservers.clear();
    for (const v of generated.vservers) this.vservers.set(v.id, v);
    this.groups.clear();
    for (const g of generated.groups) this.groups.set(g.id, g);
    this.setHosts(generated.hosts);
    await this.loadAccounts();
    for (const set of PART_TABLES) await set.seed?.(this);
  }

  /** Seed of the generated world: the parts derive their own seeded data (tasks, lists) from it. */
  get seedValue(): number {
    return this.options.world.seed;
  }

  /** Fills the host cache in the order the database returns them (display name, then id) on a later start. */
  private setHosts(hosts: readonly HostRecord[]): void {
    const sorted = [...hosts].sort((a, b) => {
      const x = String(a.attributes['KLHST_WKS_DN'] ?? a.id);
      const y = String(b.attributes['KLHST_WKS_DN'] ?? b.id);
      return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    this.hosts.clear();
    for (const host of sorted) this.hosts.set(host.id, host);
    this.reindexHosts();
  }

  private async clearTables(): Promise<void> {
    for (const table of ALL_TABLES) await this.db.deleteFrom(table as never).execute();
  }

  private async load(): Promise<void> {
    const db = this.db;
    this.vservers.clear();
    for (const row of await db.selectFrom('vservers').selectAll().execute()) {
      this.vservers.set(row.id, { id: row.id, name: row.name, displayName: row.display_name });
    }
    this.groups.clear();
    for (const row of await db.selectFrom('groups').selectAll().orderBy('id').execute()) {
      this.groups.set(row.id, {
        id: row.id,
        vserverId: row.vserver_id,
        parentId: row.parent_id,
        name: row.name,
        attributes: fromJson(row.attrs),
      });
    }
    const hosts: HostRecord[] = [];
    for (const row of await db.selectFrom('hosts').selectAll().execute()) {
      const products = (JSON.parse(row.products) as ProductRow[]).map((p): ProductInstall => ({
        name: p.name,
        version: p.version,
        info: fromJson(p.info),
      }));
      hosts.push({
        id: row.id,
        vserverId: row.vserver_id,
        groupId: row.group_id,
        attributes: fromJson(row.attrs),
        products,
      });
    }
    this.setHosts(hosts);
    await this.loadAccounts();
    const stats = await db
      .selectFrom('events')
      .select([sql<number>`coalesce(max(id), 0)`.as('maxId'), sql<number>`count(*)`.as('count')])
      .executeTakeFirstOrThrow();
    this.lastEventId = Number(stats.maxId);
    this.eventCountCache = Number(stats.count);
  }

  private async loadAccounts(): Promise<void> {
    const db = this.db;
    this.roles.clear();
    for (const row of await db.selectFrom('roles').selectAll().execute()) {
      this.roles.set(row.name, {
        name: row.name,
        rights: JSON.parse(row.rights) as RoleDefinition['rights'],
      });
    }
    this.users.clear();
    for (const row of await db.selectFrom('users').selectAll().execute()) {
      this.users.set(row.id, {
        id: row.id,
        vserverId: row.vserver_id,
        name: row.name,
        displayName: row.display_name,
        passwordHash: row.password_hash,
        internal: row.internal === 1,
        roles: JSON.parse(row.roles) as RoleAssignment,
        failedAttempts: row.failed_attempts,
        lockedUntil: row.locked_until,
      });
    }
  }

  private reindexHosts(): void {
    this.hostsByVserver = new Map();
    for (const host of this.hosts.values()) {
      let list = this.hostsByVserver.get(host.vserverId);
      if (list === undefined) this.hostsByVserver.set(host.vserverId, (list = []));
      list.push(host);
    }
  }

  // ------------------------------------------------------------------------------------------ reads

  vserverByName(name: string): VServerRecord | undefined {
    for (const v of this.vservers.values()) if (v.name.toLowerCase() === name.toLowerCase()) return v;
    return undefined;
  }

  hostsOf(vserverId: number): readonly HostRecord[] {
    return this.hostsByVserver.get(vserverId) ?? [];
  }

  groupsOf(vserverId: number): GroupRecord[] {
    return [...this.groups.values()].filter((g) => g.vserverId === vserverId);
  }

  /** The root "Managed devices" group of a server (the one `GroupIdGroups` returns). */
  rootGroup(vserverId: number): GroupRecord | undefined {
    return this.groupsOf(vserverId).find(
      (g) =>
        g.parentId === null &&
        g.attributes['grp_from_unassigned'] !== true &&
        !g.name.startsWith('Administration'),
    );
  }

  unassignedGroup(vserverId: number): GroupRecord | undefined {
    return this.groupsOf(vserverId).find(
      (g) => g.parentId === null && g.attributes['grp_from_unassigned'] === true,
    );
  }

  /** Ids of a group and all groups below it. */
  subtree(groupId: number): Set<number> {
    const ids = new Set<number>([groupId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const g of this.groups.values()) {
        if (g.parentId !== null && ids.has(g.parentId) && !ids.has(g.id)) {
          ids.add(g.id);
          grew = true;
        }
      }
    }
    return ids;
  }

  userByName(vserverId: number, name: string): UserRecord | undefined {
    const lower = name.toLowerCase();
    for (const user of this.users.values()) {
      if (user.vserverId === vserverId && user.name.toLowerCase() === lower) return user;
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------ writes

  async saveUserLoginState(user: UserRecord): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failed_attempts: user.failedAttempts, locked_until: user.lockedUntil })
      .where('id', '=', user.id)
      .execute();
  }

  /** Sets a user's password (the emulator's `--admin-password` wins over what an existing world stored). */
  async setPassword(user: UserRecord, password: string): Promise<void> {
    if (verifyPassword(password, user.passwordHash)) return;
    const hash = hashPassword(password);
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    this.users.set(user.id, { ...user, passwordHash: hash });
  }

  /**
   * Adds a virtual server with its groups (`VServers.AddVServerInfo`, docs/decisions/0068). The groups' ids must be
   * new; nothing else of the server exists yet.
   */
  async addVServer(vserver: VServerRecord, groups: readonly GroupRecord[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('vservers')
        .values({ id: vserver.id, name: vserver.name, display_name: vserver.displayName })
        .execute();
      for (const group of groups) await trx.insertInto('groups').values(groupRow(group)).execute();
    });
    this.vservers.set(vserver.id, vserver);
    for (const group of groups) this.groups.set(group.id, group);
  }

  /** Changes a virtual server's display name (`KLVSRV_DN`); its login name stays. */
  async renameVServer(id: number, displayName: string): Promise<void> {
    const vserver = this.vservers.get(id);
    if (vserver === undefined) return;
    await this.db.updateTable('vservers').set({ display_name: displayName }).where('id', '=', id).execute();
    this.vservers.set(id, { ...vserver, displayName });
  }

  /**
   * Removes a virtual server with what is its alone: its groups, its hosts and its internal users. Its event
   * history stays (as a deleted host's does); rows other parts keep by server id become unreachable, since a
   * virtual server's id is never given again.
   */
  async removeVServer(id: number): Promise<void> {
    if (id === 0 || !this.vservers.has(id)) return;
    await this.deleteHosts(this.hostsOf(id).map((h) => h.id));
    await this.removeGroups(this.groupsOf(id).map((g) => g.id));
    const users = [...this.users.values()].filter((u) => u.vserverId === id).map((u) => u.id);
    if (users.length > 0) await this.db.deleteFrom('users').where('id', 'in', users).execute();
    await this.db.deleteFrom('vservers').where('id', '=', id).execute();
    for (const user of users) this.users.delete(user);
    this.vservers.delete(id);
  }

  async addGroup(vserverId: number, parentId: number, name: string): Promise<GroupRecord> {
    const parent = this.groups.get(parentId);
    if (parent === undefined) throw new RangeError(`no group ${parentId}`);
    const maxId = Math.max(...this.groups.keys());
    const now = new Date(Math.floor(this.clock.now() / 1000) * 1000);
    const fullName = `${String(parent.attributes['grp_full_name'] ?? parent.name)}/${name}`;
    const attributes: KlParams = {
      id: maxId + 1,
      name,
      parentId,
      grp_full_name: fullName,
      level: Number(parent.attributes['level'] ?? 0) + 1,
      creationDate: now,
      lastUpdate: now,
      autoRemovePeriod: 0,
      notifyPeriod: 0,
      grp_from_unassigned: parent.attributes['grp_from_unassigned'] === true,
      KLVSRV_ID: vserverId,
    };
    const group: GroupRecord = { id: maxId + 1, vserverId, parentId, name, attributes };
    await this.db.insertInto('groups').values(groupRow(group)).execute();
    this.groups.set(group.id, group);
    return group;
  }

  async removeGroups(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .deleteFrom('groups')
      .where('id', 'in', [...ids])
      .execute();
    for (const id of ids) this.groups.delete(id);
  }

  /** Replaces hosts (same ids) in the database and the cache. */
  async saveHosts(hosts: readonly HostRecord[]): Promise<void> {
    if (hosts.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const host of hosts) {
        const row = hostRow(host);
        await trx
          .updateTable('hosts')
          .set({
            group_id: row.group_id,
            display_name: row.display_name,
            attrs: row.attrs,
            products: row.products,
          })
          .where('id', '=', host.id)
          .execute();
      }
    });
    for (const host of hosts) this.hosts.set(host.id, host);
    this.reindexHosts();
  }

  async deleteHosts(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += INSERT_BATCH) {
      await this.db
        .deleteFrom('hosts')
        .where('id', 'in', ids.slice(i, i + INSERT_BATCH))
        .execute();
    }
    for (const id of ids) this.hosts.delete(id);
    this.reindexHosts();
  }

  // ------------------------------------------------------------------------------------------ events

  /** Next `event_db_id`. */
  nextEventId(): number {
    return ++this.lastEventId;
  }

  get eventCount(): number {
    return this.eventCountCache;
  }

  /** Stores events, then deletes the oldest beyond the store's maximum size. */
  insertEvents(events: Iterable<EventRecord>): Promise<number> {
    return this.exclusively(() => this.storeEvents(events));
  }

  private async storeEvents(events: Iterable<EventRecord>): Promise<number> {
    let lastId = this.lastEventId;
    const rows = (function* (): Generator<EventValues> {
      for (const event of events) {
        if (event.id > lastId) lastId = event.id;
        yield eventValues(event);
      }
    })();
    const inserted = await this.store.bulkInsert('events', EVENT_COLUMNS, rows);
    this.lastEventId = lastId;
    this.eventCountCache += inserted;
    await this.trimEvents();
    return inserted;
  }

  /**
   * Deletes the given events (as an operator's cleanup would). Every deletion of events goes through the world:
   * open result sets hear of it first (`onEventsDeleting`).
   */
  deleteEvents(ids: readonly number[]): Promise<number> {
    return this.exclusively(async () => {
      await this.eventsDeleting({ kind: 'events', ids });
      let deleted = 0;
      for (let i = 0; i < ids.length; i += INSERT_BATCH) {
        const result = await this.db
          .deleteFrom('events')
          .where('id', 'in', ids.slice(i, i + INSERT_BATCH))
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      this.eventCountCache -= deleted;
      return deleted;
    });
  }

  private async trimEvents(): Promise<void> {
    const excess = this.eventCountCache - this.options.maxEvents;
    if (excess <= 0) return;
    const cutoff = await this.db
      .selectFrom('events')
      .select('id')
      .orderBy('id')
      .offset(excess - 1)
      .limit(1)
      .executeTakeFirst();
    if (cutoff === undefined) return;
    await this.eventsDeleting({ kind: 'trim', throughId: Number(cutoff.id) });
    const result = await this.db.deleteFrom('events').where('id', '<=', cutoff.id).executeTakeFirst();
    this.eventCountCache -= Number(result.numDeletedRows);
  }
}

/** A deletion of events: the store trimming its oldest (every id up to one), given ones, or a reset (every one). */
export type EventDeletion =
  | { readonly kind: 'trim'; readonly throughId: number }
  | { readonly kind: 'events'; readonly ids: readonly number[] }
  | { readonly kind: 'reset' };

type GroupValues = [number, number, number | null, string, string];
type HostValues = [string, number, number, string, string, string];
type EventValues = [number, number, string | null, number, string, number, string];

const GROUP_COLUMNS: readonly string[] = ['id', 'vserver_id', 'parent_id', 'name', 'attrs'];
const HOST_COLUMNS: readonly string[] = ['id', 'vserver_id', 'group_id', 'display_name', 'attrs', 'products'];
const EVENT_COLUMNS: readonly string[] = [
  'id',
  'vserver_id',
  'host_id',
  'rise_time',
  'event_type',
  'severity',
  'attrs',
];

function groupValues(group: GroupRecord): GroupValues {
  return [group.id, group.vserverId, group.parentId, group.name, toJson(group.attributes)];
}

function productsJson(host: HostRecord): string {
  const products: ProductRow[] = host.products.map((p) => ({
    name: p.name,
    version: p.version,
    info: toJson(p.info),
  }));
  return JSON.stringify(products);
}

function hostValues(host: HostRecord): HostValues {
  return [
    host.id,
    host.vserverId,
    host.groupId,
    String(host.attributes['KLHST_WKS_DN'] ?? host.id),
    toJson(host.attributes),
    productsJson(host),
  ];
}

function eventValues(event: EventRecord): EventValues {
  return [
    event.id,
    event.vserverId,
    event.hostId,
    event.riseTime,
    event.eventType,
    event.severity,
    toJson(event.attributes),
  ];
}

function groupRow(group: GroupRecord): EmulatorSchema['groups'] {
  const [id, vserver_id, parent_id, name, attrs] = groupValues(group);
  return { id, vserver_id, parent_id, name, attrs };
}

function hostRow(host: HostRecord): EmulatorSchema['hosts'] {
  const [id, vserver_id, group_id, display_name, attrs, products] = hostValues(host);
  return { id, vserver_id, group_id, display_name, attrs, products };
}
