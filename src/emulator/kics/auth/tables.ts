import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../../../store/database.ts';

/**
 * The tables of the KICS emulator's authentication: application users, connectors, refresh tokens and the token
 * signing secret. Booleans are integers (0/1) and times epoch milliseconds, the same on SQLite and PostgreSQL.
 *
 * What is kept at rest is never usable as a credential by itself: no connector password, no private key (both
 * exist only in the connector's package), refresh tokens as SHA-256 hashes only, access tokens not at all.
 */
// A type alias, not an interface: Kysely's `withTables` needs an index-compatible record.
export type AuthTables = {
  kics_auth_users: {
    name: string;
    /** One of ROLES (users.ts). */
    role: string;
    blocked: number;
    /** Deleted accounts stay as rows, so a token naming them is refused as "deleted", not "unknown". */
    deleted: number;
    created_at: number;
  };
  kics_auth_connectors: {
    id: string;
    name: string;
    user_name: string;
    description: string;
    certificate_pem: string;
    /** SHA-256 of the certificate's DER, lowercase hex (pki.ts `certificateFingerprint`). */
    certificate_sha256: string;
    /** `active` or `removed`. */
    state: string;
    created_at: number;
  };
  kics_auth_refresh_tokens: {
    /** SHA-256 of the token, hex: the token itself is never stored. */
    token_hash: string;
    /** Every token obtained by refreshing descends from one certificate grant: its family. */
    family_id: string;
    connector_id: string;
    expires_at: number;
    used: number;
    created_at: number;
  };
  kics_auth_secrets: {
    name: string;
    value: string;
  };
};

/** The shape of a part's table set (as the KSC emulator's parts have it), without a world to seed. */
export interface AuthTableSet {
  /** Migration name; runs after the KICS store's own `0001-world`. */
  readonly migration: string;
  /** Children before parents: a reset deletes in this order. */
  readonly tables: readonly (keyof AuthTables & string)[];
  up(db: Kysely<unknown>, kind: DatabaseKind): Promise<void>;
}

export const authTables: AuthTableSet = {
  migration: '0002-auth',
  tables: ['kics_auth_refresh_tokens', 'kics_auth_connectors', 'kics_auth_users', 'kics_auth_secrets'],
  async up(db, kind) {
    // Epoch milliseconds outgrow PostgreSQL's 32-bit `integer`.
    const big = sql.raw(kind === 'postgres' ? 'bigint' : 'integer');
    await db.schema
      .createTable('kics_auth_users')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('kics_auth_connectors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull().references('kics_auth_users.name'))
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('certificate_pem', 'text', (c) => c.notNull())
      .addColumn('certificate_sha256', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('kics_auth_connectors_certificate')
      .on('kics_auth_connectors')
      .columns(['certificate_sha256'])
      .execute();
    await db.schema
      .createTable('kics_auth_refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('connector_id', 'text', (c) => c.notNull().references('kics_auth_connectors.id'))
      .addColumn('expires_at', big, (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', big, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('kics_auth_refresh_tokens_family')
      .on('kics_auth_refresh_tokens')
      .columns(['family_id'])
      .execute();
    await db.schema
      .createTable('kics_auth_secrets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
