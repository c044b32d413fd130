import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import { KconnectError } from '../../errors.ts';
import { openDatabase, redactUrl, type DatabaseKind, type OpenDatabase } from '../../store/database.ts';
import { migrate, type MigrationSet } from '../../store/migrations.ts';
import { STATE_MIGRATIONS, type StateTables } from '../../store/state.ts';
import { copyEarlierIdempotencyKeys } from './idempotency.ts';

/**
 * The service's tables. Every replica of the service shares them through one PostgreSQL database (or, for a
 * single process, one SQLite file), which is what makes tokens, the audit log and idempotency keys hold across
 * replicas. Idempotency keys live in the state store's table (`kconnect_state`).
 */
// A type alias, not an interface: Kysely needs an index-compatible record.
export type ServiceTables = StateTables & {
  api_tokens: {
    /** `tok_…`, public: it names the token in lists, audit rows and logs. */
    id: string;
    name: string;
    /** SHA-256 of the token, hex. The token itself is never stored. */
    token_hash: string;
    /** Comma-separated scopes. */
    scopes: string;
    /** Comma-separated connections the token may call; null (tokens made before 0003 too): every connection. */
    connections: string | null;
    created_at: number;
    last_used_at: number | null;
    revoked_at: number | null;
  };
  audit_log: {
    id: Generated<number>;
    at: number;
    request_id: string;
    replica: string;
    token_id: string | null;
    token_name: string | null;
    command: string;
    connection: string;
    /** JSON array of the hosts the input names. */
    hosts: string;
    idempotency_key: string | null;
    outcome: string;
    status_code: number;
    error_code: string | null;
    message: string | null;
    duration_ms: number;
    /** The caller's address (0004). */
    client: string | null;
    /** How many calls the row stands for (0004): refused authentications are counted per client and window. */
    count: number;
  };
  /** Before 0002: idempotency keys. Kept, unused, so a replica of the earlier version still finds it. */
  idempotency_keys: {
    /** Who may see the key's result: the connection and the token (keys of different callers never meet). */
    scope: string;
    command: string;
    key: string;
    /** `running`, `done` or `failed`. */
    state: string;
    /** The replica and request that claimed the key. */
    owner: string;
    /** The CommandResult as lossless JSON, once finished. */
    result: string | null;
    claimed_at: number;
    /** A running claim whose lease has passed belongs to a replica that stopped. */
    lease_until: number;
    expires_at: number;
  };
};

export type ServiceDatabase = OpenDatabase<ServiceTables>;

/** Where the service database lives: a SQLite file or a PostgreSQL URL. */
export type ServiceDatabaseLocation = { readonly file: string } | { readonly url: string };

/** The database named on a command line or in a configuration: a `postgres://` URL, or else a SQLite file. */
export function serviceDatabaseLocation(text: string): ServiceDatabaseLocation {
  const trimmed = text.trim();
  if (trimmed === '')
    throw new KconnectError('INVALID_INPUT', 'database: empty (a file path or a postgres:// URL)');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { url: trimmed };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new KconnectError(
      'INVALID_INPUT',
      `database: expected a postgres:// URL or a file path, got ${redactUrl(trimmed)}`,
    );
  }
  return { file: trimmed };
}

function int64(kind: DatabaseKind): 'bigint' | 'integer' {
  return kind === 'postgres' ? 'bigint' : 'integer';
}

function migrations(kind: DatabaseKind): Record<string, Migration> {
  const big = sql.raw(int64(kind));
  return {
    '0001-service': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('last_used_at', big)
          .addColumn('revoked_at', big)
          .execute();
        // Names identify live tokens; a revoked token keeps its name for the audit trail and frees it.
        await db.schema
          .createIndex('api_tokens_live_name')
          .on('api_tokens')
          .column('name')
          .unique()
          .where(sql.ref('revoked_at'), 'is', null)
          .execute();
        await db.schema
          .createTable('audit_log')
          .addColumn('id', kind === 'postgres' ? 'bigserial' : 'integer', (c) =>
            kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', big, (c) => c.notNull())
          .addColumn('request_id', 'text', (c) => c.notNull())
          .addColumn('replica', 'text', (c) => c.notNull())
          .addColumn('token_id', 'text')
          .addColumn('token_name', 'text')
          .addColumn('command', 'text', (c) => c.notNull())
          .addColumn('connection', 'text', (c) => c.notNull())
          .addColumn('hosts', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text')
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('status_code', 'integer', (c) => c.notNull())
          .addColumn('error_code', 'text')
          .addColumn('message', 'text')
          .addColumn('duration_ms', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at']).execute();
        await db.schema.createIndex('audit_log_command').on('audit_log').columns(['command', 'at']).execute();
        await db.schema
          .createTable('idempotency_keys')
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('command', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('result', 'text')
          .addColumn('claimed_at', big, (c) => c.notNull())
          .addColumn('lease_until', big, (c) => c.notNull())
          .addColumn('expires_at', big, (c) => c.notNull())
          .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'command', 'key'])
          .execute();
        await db.schema
          .createIndex('idempotency_keys_expiry')
          .on('idempotency_keys')
          .columns(['expires_at'])
          .execute();
      },
    },
    // Idempotency keys move into the state store (migrated before these, see migrateServiceDatabase).
    '0002-idempotency-in-state-store': {
      up: (db: Kysely<unknown>) => copyEarlierIdempotencyKeys(db as Kysely<ServiceTables>, Date.now()),
    },
    // Tokens limited to some connections; existing rows stay null, which keeps their access to all of them.
    '0003-token-connections': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('api_tokens').addColumn('connections', 'text').execute();
      },
    },
    // Refused authentications are counted into one row per client and window; earlier rows stood for one call.
    '0004-audit-client-and-count': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('audit_log').addColumn('client', 'text').execute();
        await db.schema
          .alterTable('audit_log')
          .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
          .execute();
      },
    },
  };
}

/**
 * The service's migrations. The bookkeeping table keeps the name it had before the helper existed
 * (`kconnect_service_migrations`): its own, so the service may share a PostgreSQL database with other parts.
 */
export const SERVICE_MIGRATIONS: MigrationSet = {
  name: 'service',
  table: 'kconnect_service_migrations',
  migrations,
};

/**
 * Brings the service tables up to date (the state store's first: the service keeps idempotency keys there);
 * safe on every start and from several replicas at once.
 */
export async function migrateServiceDatabase(db: Kysely<unknown>, kind: DatabaseKind): Promise<void> {
  await migrate(db, kind, STATE_MIGRATIONS);
  await migrate(db, kind, SERVICE_MIGRATIONS);
}

/** Opens the service database and migrates it. */
export async function openServiceDatabase(
  location: ServiceDatabaseLocation,
  options: { poolSize?: number } = {},
): Promise<ServiceDatabase> {
  const database = openDatabase<ServiceTables>(location, options);
  try {
    await migrateServiceDatabase(database.db as Kysely<unknown>, database.kind);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
