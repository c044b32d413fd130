import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import { KconnectError } from '../errors.ts';
import { parseWireJson, stringifyWireJson, type WireJson } from '../wire/json.ts';
import { openDatabase, type DatabaseKind, type DatabaseLocation, type OpenDatabase } from './database.ts';
import { migrate, type MigrationSet } from './migrations.ts';

// A type alias, not an interface: Kysely needs an index-compatible record.
export type StateTables = {
  kconnect_state: {
    namespace: string;
    key: string;
    /** The value as lossless JSON (integers beyond 2^53 stay exact). */
    value: string;
    /** 1 when the key is first written, one more with every write; compare-and-set compares it. */
    version: number;
    /** Milliseconds since the epoch; null for an entry that never expires. */
    expires_at: number | null;
    updated_at: number;
  };
};

/** One live entry. */
export interface StateEntry {
  readonly namespace: string;
  readonly key: string;
  readonly value: WireJson;
  readonly version: number;
  /** Milliseconds since the epoch on the store's clock; undefined: never. */
  readonly expiresAt: number | undefined;
  readonly updatedAt: number;
}

export interface StateWriteOptions {
  /**
   * When the entry stops existing, in milliseconds since the epoch on the store's clock. An expired entry reads
   * as absent (also to compare-and-set) until a sweep deletes it. Default: never.
   */
  readonly expiresAt?: number | undefined;
}

export interface StateListOptions {
  /** Only keys after this one (the last key of the previous page). */
  readonly after?: string;
  /** At most this many entries. Default 1000. */
  readonly limit?: number;
}

export interface StateStoreOptions {
  /** The clock expiry is judged by, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** A namespace or key the store cannot hold the same way on SQLite and PostgreSQL. */
export class InvalidStateKeyError extends KconnectError {
  override readonly name = 'InvalidStateKeyError';

  constructor(
    readonly field: 'namespace' | 'key',
    readonly reason: string,
  ) {
    super('INVALID_INPUT', `state store: invalid ${field}: ${reason}`);
  }
}

/** Byte limits keep an index entry within PostgreSQL's B-tree limit (about 2,700 bytes). */
const MAX_NAMESPACE_BYTES = 128;
const MAX_KEY_BYTES = 1024;
const DEFAULT_LIST_LIMIT = 1000;

export const STATE_MIGRATIONS: MigrationSet = {
  name: 'state',
  migrations: (kind: DatabaseKind) => {
    const int64 = sql.raw(kind === 'postgres' ? 'bigint' : 'integer');
    // Keys compare byte by byte on both backends (SQLite's BINARY, PostgreSQL's "C"), so a prefix is a key range
    // the primary key serves, whatever collation the PostgreSQL database has.
    const text = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
    return {
      '0001-state': {
        async up(db: Kysely<unknown>): Promise<void> {
          await db.schema
            .createTable('kconnect_state')
            .addColumn('namespace', text, (c) => c.notNull())
            .addColumn('key', text, (c) => c.notNull())
            .addColumn('value', 'text', (c) => c.notNull())
            .addColumn('version', int64, (c) => c.notNull())
            .addColumn('expires_at', int64)
            .addColumn('updated_at', int64, (c) => c.notNull())
            .addPrimaryKeyConstraint('kconnect_state_pk', ['namespace', 'key'])
            .execute();
          await db.schema
            .createIndex('kconnect_state_expiry')
            .on('kconnect_state')
            .column('expires_at')
            .where(sql.ref('expires_at'), 'is not', null)
            .execute();
        },
      },
    };
  },
};

function checkName(field: 'namespace' | 'key', text: string, maxBytes: number): void {
  if (field === 'namespace' && text === '') throw new InvalidStateKeyError(field, 'empty');
  // PostgreSQL text holds neither NUL nor lone surrogates; refusing them everywhere keeps both backends alike.
  if (text.includes('\u0000')) throw new InvalidStateKeyError(field, 'contains NUL');
  if (/\p{Cs}/u.test(text))
    throw new InvalidStateKeyError(field, 'not well-formed Unicode (a lone surrogate)');
  if (Buffer.byteLength(text) > maxBytes)
    throw new InvalidStateKeyError(field, `longer than ${maxBytes} bytes`);
}

/** The smallest string above every string that starts with `prefix` (code point order), or none for ''. */
function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // The surrogate range holds no characters: the next one after U+D7FF is U+E000.
      return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
    }
  }
  return undefined;
}

type Row = Selectable<StateTables['kconnect_state']>;

function entryOf(row: Row): StateEntry {
  return {
    namespace: row.namespace,
    key: row.key,
    value: parseWireJson(row.value),
    version: Number(row.version),
    expiresAt: row.expires_at === null ? undefined : Number(row.expires_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * Durable state of kconnect: namespaced keys with JSON values (lossless), each with a version for compare-and-set
 * and an optional expiry, on SQLite or PostgreSQL. Idempotency keys of the CLI and the HTTP service live here, and
 * so will intake checkpoints: a position per pipeline and sink, advanced with compare-and-set, so that of two
 * workers only one moves it.
 *
 * Every operation is one statement, so a crash leaves each entry as it was before or after the operation, never
 * between. Versions grow by one with every write of a key, also across its expiry; a deleted or swept key
 * starts again at 1, so a version names a write only while the entry exists.
 *
 * **No secrets, by design**: values are stored as plain JSON, readable by whoever can read the database, and
 * copied into backups. Keep passwords, tokens and keys in the configuration's secret references; store at most
 * their public ids or hashes here.
 */
export class StateStore {
  private readonly now: () => number;

  /** A store on a database whose state tables are migrated ({@link STATE_MIGRATIONS}); closing it is the caller's. */
  constructor(
    private readonly db: Kysely<StateTables>,
    options: StateStoreOptions = {},
    private readonly owned?: OpenDatabase<StateTables>,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Opens a store of its own (a SQLite file, or a PostgreSQL URL) and migrates it; {@link close} closes it. A
   * SQLite file made here is private (mode 600) and syncs every write to disk before it returns.
   */
  static async open(location: DatabaseLocation, options: StateStoreOptions = {}): Promise<StateStore> {
    const database = openDatabase<StateTables>(location, { poolSize: 4 });
    try {
      await migrate(database.db as Kysely<unknown>, database.kind, STATE_MIGRATIONS);
      // WAL with NORMAL (openDatabase's default) may lose the last commits in a power cut; a checkpoint or an
      // idempotency key that reports "stored" must be stored.
      if (database.kind === 'sqlite') await sql`pragma synchronous = FULL`.execute(database.db);
    } catch (error) {
      await database.close();
      throw error;
    }
    return new StateStore(database.db, options, database);
  }

  /** Closes the database when the store opened it ({@link open}); otherwise its owner closes it. */
  async close(): Promise<void> {
    await this.owned?.close();
  }

  /** The live entry, or undefined when there is none or it has expired. */
  async get(namespace: string, key: string): Promise<StateEntry | undefined> {
    checkName('namespace', namespace, MAX_NAMESPACE_BYTES);
    checkName('key', key, MAX_KEY_BYTES);
    const row = await this.db
      .selectFrom('kconnect_state')
      .selectAll()
      .where('namespace', '=', namespace)
      .where('key', '=', key)
      .where(this.live())
      .executeTakeFirst();
    return row === undefined ? undefined : entryOf(row);
  }

  /** Writes the entry whatever is there; returns it with its new version. */
  async put(
    namespace: string,
    key: string,
    value: WireJson,
    options: StateWriteOptions = {},
  ): Promise<StateEntry> {
    const written = await this.upsert(namespace, key, value, options, false);
    // An unconditional upsert always writes a row.
    return written!;
  }

  /**
   * Writes the entry only if its version is still `expected` — 0 meaning "there is none" (or it has expired).
   * Of several writers that read version N, exactly one succeeds; the others get undefined and read again.
   */
  async compareAndSet(
    namespace: string,
    key: string,
    expected: number,
    value: WireJson,
    options: StateWriteOptions = {},
  ): Promise<StateEntry | undefined> {
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new KconnectError('INVALID_INPUT', `state store: expected version ${expected} is not a version`);
    }
    if (expected === 0) return this.upsert(namespace, key, value, options, true);
    checkName('namespace', namespace, MAX_NAMESPACE_BYTES);
    checkName('key', key, MAX_KEY_BYTES);
    const now = this.now();
    const row = await this.db
      .updateTable('kconnect_state')
      .set({
        value: stringifyWireJson(value),
        version: expected + 1,
        expires_at: options.expiresAt ?? null,
        updated_at: now,
      })
      .where('namespace', '=', namespace)
      .where('key', '=', key)
      .where('version', '=', expected)
      .where(this.live(now))
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : entryOf(row);
  }

  /**
   * Deletes the entry; with `expected`, only if it is live at that version. Returns whether a row was deleted (an
   * expired one counts when no version is given: deleting it is what was asked).
   */
  async delete(namespace: string, key: string, expected?: number): Promise<boolean> {
    checkName('namespace', namespace, MAX_NAMESPACE_BYTES);
    checkName('key', key, MAX_KEY_BYTES);
    let query = this.db
      .deleteFrom('kconnect_state')
      .where('namespace', '=', namespace)
      .where('key', '=', key);
    if (expected !== undefined) query = query.where('version', '=', expected).where(this.live());
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Live entries of a namespace whose keys start with `prefix`, in key order (byte order of their UTF-8). */
  async list(namespace: string, prefix = '', options: StateListOptions = {}): Promise<StateEntry[]> {
    checkName('namespace', namespace, MAX_NAMESPACE_BYTES);
    checkName('key', prefix, MAX_KEY_BYTES);
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new KconnectError('INVALID_INPUT', `state store: list limit ${limit} is not a positive integer`);
    }
    let query = this.db
      .selectFrom('kconnect_state')
      .selectAll()
      .where('namespace', '=', namespace)
      .where('key', '>=', prefix)
      .where(this.live());
    const end = prefixEnd(prefix);
    if (end !== undefined) query = query.where('key', '<', end);
    if (options.after !== undefined) {
      checkName('key', options.after, MAX_KEY_BYTES);
      query = query.where('key', '>', options.after);
    }
    const rows = await query.orderBy('key').limit(limit).execute();
    return rows.map(entryOf);
  }

  /** Deletes every expired entry (of every namespace); returns how many. */
  async sweepExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('kconnect_state')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', this.now())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Insert, or replace what is there: any row, or (`onlyIfAbsent`) only an expired one. One statement either way,
   * and on PostgreSQL two such inserts of one key cannot both win: the second sees the first's row.
   */
  private async upsert(
    namespace: string,
    key: string,
    value: WireJson,
    options: StateWriteOptions,
    onlyIfAbsent: boolean,
  ): Promise<StateEntry | undefined> {
    checkName('namespace', namespace, MAX_NAMESPACE_BYTES);
    checkName('key', key, MAX_KEY_BYTES);
    const now = this.now();
    const row = await this.db
      .insertInto('kconnect_state')
      .values({
        namespace,
        key,
        value: stringifyWireJson(value),
        version: 1,
        expires_at: options.expiresAt ?? null,
        updated_at: now,
      })
      .onConflict((conflict) => {
        const update = conflict.columns(['namespace', 'key']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          version: sql<number>`kconnect_state.version + 1`,
          expires_at: eb.ref('excluded.expires_at'),
          updated_at: eb.ref('excluded.updated_at'),
        }));
        return onlyIfAbsent
          ? update
              .where('kconnect_state.expires_at', 'is not', null)
              .where('kconnect_state.expires_at', '<=', now)
          : update;
      })
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : entryOf(row);
  }

  /** Not expired at `now`. */
  private live(now = this.now()) {
    return (eb: ExpressionBuilder<StateTables, 'kconnect_state'>) =>
      eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]);
  }
}
