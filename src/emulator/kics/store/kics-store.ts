import type { Kysely } from 'kysely';
import { openDatabase, type DatabaseLocation, type OpenDatabase } from '../../../store/database.ts';
import type { Clock } from '../../core/clock.ts';
import type {
  AllowRule,
  ApplicationMessage,
  AuditEntry,
  Device,
  DeviceProtocol,
  KicsDictionaries,
  KicsEvent,
  Tag,
  Vulnerability,
} from '../../../kics/model.ts';
import type { TrafficRecipe } from '../traffic/recipe.ts';
import { generateKicsWorld, type KicsWorldOptions } from '../world/index.ts';
import { utcTime } from '../times.ts';
import { DocumentTable } from './documents.ts';
import { migrateKicsStore, WORLD_TABLES, type KicsTableSet } from './migrations.ts';
import type { KicsSchema } from './schema.ts';

export interface KicsStoreOptions {
  readonly db: DatabaseLocation;
  readonly clock: Clock;
  /** Used only when the database is new (or after a reset). */
  readonly world: Omit<KicsWorldOptions, 'now'>;
  /**
   * Parts with tables of their own (connectors and tokens), migrated after the world. A reset leaves their tables
   * alone: the connectors' packages are the callers' credentials and outlive any world.
   */
  readonly parts: readonly KicsTableSet[];
}

/** The name under which each dictionary document is stored. */
const DICTIONARY_NAMES = [
  'about',
  'license',
  'locale',
  'configuration',
  'technologies',
  'monitoringPoints',
  'protocolStacks',
  'eventTypes',
] as const satisfies ReadonlyArray<keyof KicsDictionaries>;

/** The highest device id ever handed out (kics_meta). */
const LAST_DEVICE_ID_KEY = 'lastDeviceId';

/**
 * The emulated server's state, durable in SQLite or PostgreSQL: one document table per resource, the small
 * dictionaries cached in memory. A new database is seeded from the world generator; writes that must not
 * interleave (a reset, live events, creating a device with a fresh id) run one after another.
 */
export class KicsStore {
  readonly devices: DocumentTable<Device>;
  readonly events: DocumentTable<KicsEvent>;
  readonly tags: DocumentTable<Tag>;
  readonly vulnerabilities: DocumentTable<Vulnerability>;
  readonly allowRules: DocumentTable<AllowRule>;
  readonly applicationMessages: DocumentTable<ApplicationMessage>;
  readonly auditEntries: DocumentTable<AuditEntry>;
  private cachedDictionaries: KicsDictionaries | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly resetListeners: Array<() => void> = [];

  private constructor(
    readonly database: OpenDatabase<KicsSchema>,
    readonly clock: Clock,
    private readonly options: KicsStoreOptions,
  ) {
    this.devices = new DocumentTable(database, 'kics_devices');
    this.events = new DocumentTable(database, 'kics_events');
    this.tags = new DocumentTable(database, 'kics_tags');
    this.vulnerabilities = new DocumentTable(database, 'kics_vulnerabilities');
    this.allowRules = new DocumentTable(database, 'kics_allow_rules');
    this.applicationMessages = new DocumentTable(database, 'kics_app_messages');
    this.auditEntries = new DocumentTable(database, 'kics_audit_entries');
  }

  static async open(options: KicsStoreOptions): Promise<KicsStore> {
    const database = openDatabase<KicsSchema>(options.db);
    try {
      await migrateKicsStore(database.db as Kysely<unknown>, database.kind, options.parts);
      const store = new KicsStore(database, options.clock, options);
      const seeded = await database.db
        .selectFrom('kics_meta')
        .select('value')
        .where('key', '=', 'seeded')
        .executeTakeFirst();
      if (seeded === undefined) await store.seed();
      return store;
    } catch (error) {
      await database.close();
      throw error;
    }
  }

  get db(): Kysely<KicsSchema> {
    return this.database.db;
  }

  async close(): Promise<void> {
    await this.database.close();
  }

  /** Runs writes that must not interleave one after another. */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Deletes the world and generates it again from its seed (connectors and users stay). */
  async reset(): Promise<void> {
    await this.exclusively(() => this.seed());
    for (const listener of this.resetListeners) listener();
  }

  /** Parts that keep state beside the database forget it on a reset. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  async meta(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('kics_meta')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('kics_meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async dictionaries(): Promise<KicsDictionaries> {
    if (this.cachedDictionaries !== undefined) return this.cachedDictionaries;
    const rows = await this.db.selectFrom('kics_dictionaries').select(['name', 'doc']).execute();
    const entries = Object.fromEntries(rows.map((row) => [row.name, JSON.parse(row.doc) as unknown]));
    this.cachedDictionaries = entries as unknown as KicsDictionaries;
    return this.cachedDictionaries;
  }

  /** The capture recipe of an event; undefined when the event is unknown, null when it has no traffic. */
  async trafficOf(id: number): Promise<TrafficRecipe | null | undefined> {
    const row = await this.db
      .selectFrom('kics_events')
      .select('traffic')
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return row.traffic === null ? null : (JSON.parse(row.traffic) as TrafficRecipe);
  }

  /** The recipes of several events, by id (events without traffic are absent). */
  async trafficOfMany(ids: readonly number[]): Promise<Map<number, TrafficRecipe>> {
    const found = new Map<number, TrafficRecipe>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('kics_events')
        .select(['id', 'traffic'])
        .where('id', 'in', ids.slice(i, i + 500))
        .where('traffic', 'is not', null)
        .execute();
      for (const row of rows)
        if (row.traffic !== null) found.set(Number(row.id), JSON.parse(row.traffic) as TrafficRecipe);
    }
    return found;
  }

  async insertEvent(event: KicsEvent, traffic: TrafficRecipe | null): Promise<void> {
    await this.db
      .insertInto('kics_events')
      .values({
        id: event.id,
        doc: JSON.stringify(event),
        traffic: traffic === null ? null : JSON.stringify(traffic),
      })
      .execute();
  }

  async deviceProtocols(id: number): Promise<DeviceProtocol[] | undefined> {
    const row = await this.db
      .selectFrom('kics_devices')
      .select('protocols')
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.protocols) as DeviceProtocol[]);
  }

  /**
   * The id of a new device: past every id handed out before, as a database identity column would be, so a removed
   * device's id never comes back (clients, pipelines and audit entries may still name it). Call inside
   * {@link exclusively}. A reset forgets the mark with the world it belonged to.
   */
  async nextDeviceId(): Promise<number> {
    const mark = Number((await this.meta(LAST_DEVICE_ID_KEY)) ?? 0);
    const next = Math.max(await this.devices.maxId(), mark) + 1;
    await this.setMeta(LAST_DEVICE_ID_KEY, String(next));
    return next;
  }

  /** The id of the device named `name` (compared without case), if any. */
  async deviceIdByName(name: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('kics_devices')
      .select('id')
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.id);
  }

  async insertDevice(device: Device, protocols: readonly DeviceProtocol[]): Promise<void> {
    await this.db
      .insertInto('kics_devices')
      .values({
        id: device.id,
        doc: JSON.stringify(device),
        name_key: nameKey(device.name),
        protocols: JSON.stringify(protocols),
      })
      .execute();
  }

  async updateDevice(device: Device): Promise<void> {
    await this.db
      .updateTable('kics_devices')
      .set({ doc: JSON.stringify(device), name_key: nameKey(device.name) })
      .where('id', '=', device.id)
      .execute();
  }

  /** Removes a device with its tags and vulnerability entries, all or nothing. */
  async deleteDevice(id: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('kics_tags').where('asset_id', '=', id).execute();
      await trx.deleteFrom('kics_vulnerabilities').where('asset_id', '=', id).execute();
      const result = await trx.deleteFrom('kics_devices').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  /** Appends an audit entry with the next id. */
  async audit(entry: Omit<AuditEntry, 'id' | 'date' | 'node'>): Promise<void> {
    await this.exclusively(async () => {
      const id = (await this.auditEntries.maxId()) + 1;
      await this.auditEntries.insert(id, {
        id,
        date: utcTime(this.clock.now()),
        node: 'kics-server',
        ...entry,
      });
    });
  }

  private async seed(): Promise<void> {
    const db = this.db as Kysely<unknown>;
    for (const table of WORLD_TABLES) await db.deleteFrom(table as never).execute();
    this.cachedDictionaries = undefined;
    const world = generateKicsWorld({ ...this.options.world, now: this.clock.now() });
    const bulk = this.database.bulkInsert.bind(this.database);
    await bulk(
      'kics_dictionaries',
      ['name', 'doc'],
      DICTIONARY_NAMES.map((name) => [name, JSON.stringify(world[name])]),
    );
    await bulk(
      'kics_devices',
      ['id', 'doc', 'name_key', 'protocols'],
      mapIterable(world.devices, ({ device, protocols }) => [
        device.id,
        JSON.stringify(device),
        nameKey(device.name),
        JSON.stringify(protocols),
      ]),
    );
    await bulk(
      'kics_events',
      ['id', 'doc', 'traffic'],
      mapIterable(world.events, ({ event, traffic }) => [
        event.id,
        JSON.stringify(event),
        traffic === null ? null : JSON.stringify(traffic),
      ]),
    );
    const documents = (items: Iterable<{ readonly id: number }>) =>
      mapIterable(items, (item) => [item.id, JSON.stringify(item)] as const);
    await bulk(
      'kics_tags',
      ['id', 'doc', 'asset_id'],
      mapIterable(world.tags, (tag) => [tag.id, JSON.stringify(tag), tag.assetId] as const),
    );
    await bulk(
      'kics_vulnerabilities',
      ['id', 'doc', 'asset_id'],
      mapIterable(
        world.vulnerabilities,
        (v) => [v.assetVulnerabilityId, JSON.stringify(v), v.assetId] as const,
      ),
    );
    await bulk('kics_allow_rules', ['id', 'doc'], documents(world.allowRules));
    await bulk('kics_app_messages', ['id', 'doc'], documents(world.applicationMessages));
    await bulk('kics_audit_entries', ['id', 'doc'], documents(world.auditEntries));
    await this.db
      .insertInto('kics_meta')
      .values({ key: 'seeded', value: new Date(this.clock.now()).toISOString() })
      .execute();
  }
}

/** Device names are unique without regard to case. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Iterable<U> {
  for (const item of items) yield map(item);
}
