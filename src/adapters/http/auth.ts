import { createHash, randomBytes } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import type { CommandDefinition } from '../../commands/index.ts';
import { KconnectError } from '../../errors.ts';
import type { ServiceTables } from './store.ts';

/**
 * What an API token may do: run read-only commands, run commands that change things, read the audit log, deliver
 * directory events (`ingest`: a publisher's token, which neither reads nor responds).
 */
export const SCOPES = ['read', 'respond', 'admin', 'ingest'] as const;
export type Scope = (typeof SCOPES)[number];

/** The caller behind a request, as the audit log names it. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  /** The connections the token may call; absent: every connection. */
  readonly connections?: readonly string[];
}

/** A stored token as lists show it: never the token itself. */
export interface ApiTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  /** The connections the token may call; null: every connection. */
  readonly connections: readonly string[] | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** `kc_` and 32 random bytes in base64url: 256 bits, recognisable by secret scanners. */
const TOKEN_PATTERN = /^kc_[A-Za-z0-9_-]{43}$/;
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._@:/-]{0,99}$/u;
/** `last_used_at` is written at most this often per token: a write per request would cost more than the call. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Verified tokens kept in memory, at most this many: enough for every caller of a busy service, small enough that
 * a flood of distinct valid tokens cannot grow the heap (unknown tokens are never kept).
 */
export const TOKEN_CACHE_ENTRIES = 1000;
/**
 * The revocation version: tokens are never deleted and a revocation is never undone, so this count changes with
 * every revocation, from any process or replica on the database.
 */
const REVOCATIONS = CompiledQuery.raw('SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL');

/** The scope a command needs: `read` for read-only commands; anything that changes KSC needs `respond`. */
export function requiredScope(command: Pick<CommandDefinition, 'readOnly'>): Scope {
  return command.readOnly ? 'read' : 'respond';
}

/**
 * Scopes from a comma-separated list or an array; duplicates are dropped.
 *
 * @throws {KconnectError} INVALID_INPUT naming the unknown scope, or for an empty list.
 */
export function parseScopes(value: string | readonly string[]): Scope[] {
  const items = (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) {
    throw new KconnectError('INVALID_INPUT', `scope: at least one of ${SCOPES.join(', ')} is needed`);
  }
  const scopes: Scope[] = [];
  for (const item of items) {
    if (!(SCOPES as readonly string[]).includes(item)) {
      throw new KconnectError(
        'INVALID_INPUT',
        `scope: unknown scope ${JSON.stringify(item)} (one of ${SCOPES.join(', ')})`,
      );
    }
    if (!scopes.includes(item as Scope)) scopes.push(item as Scope);
  }
  return scopes;
}

/** What a connection name may be (the configuration's rule). */
const CONNECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * Connection names from a comma-separated list or an array; duplicates are dropped.
 *
 * @throws {KconnectError} INVALID_INPUT naming a malformed name, or for an empty list.
 */
export function parseConnections(value: string | readonly string[]): string[] {
  const items = (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) {
    throw new KconnectError('INVALID_INPUT', 'connections: at least one connection name is needed');
  }
  for (const item of items) {
    if (!CONNECTION_NAME_PATTERN.test(item)) {
      throw new KconnectError(
        'INVALID_INPUT',
        `connections: ${JSON.stringify(item)} is not a connection name (letters, digits, "_", "." and "-")`,
      );
    }
  }
  return [...new Set(items)];
}

/** Whether the token may call the connection. */
export function allowsConnection(principal: Principal, connection: string): boolean {
  return principal.connections === undefined || principal.connections.includes(connection);
}

/** The 403 message of a token limited to other connections: names the connection asked for, not the others. */
export function connectionDeniedMessage(principal: Principal, connection: string): string {
  return `The API token "${principal.name}" (${principal.tokenId}) is not allowed on the connection "${connection}"`;
}

/** SHA-256 of a token, hex: what the database holds. A fast hash suffices for 256 random bits. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The 401 message: what is missing, or that the token is not one the service accepts (never which reason). */
export function unauthenticatedMessage(given: string | undefined): string {
  return given === undefined
    ? 'Missing API token: send "Authorization: Bearer kc_…" (make one with `kconnect token create`)'
    : 'Unknown or revoked API token';
}

/** The `WWW-Authenticate` header of a 401 (RFC 6750). */
export function wwwAuthenticate(given: string | undefined): string {
  return given === undefined ? 'Bearer realm="kconnect"' : 'Bearer realm="kconnect", error="invalid_token"';
}

/** The 403 message: which token, which scope is missing for what, and what the token has. */
export function deniedMessage(principal: Principal, scope: Scope, what: string): string {
  return (
    `The API token "${principal.name}" (${principal.tokenId}) lacks the "${scope}" scope that ${what} needs ` +
    `(it has: ${principal.scopes.join(', ')})`
  );
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function storedConnections(text: string | null): string[] | null {
  return text === null ? null : text.split(',').filter(Boolean);
}

function rowInfo(row: ServiceTables['api_tokens']): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    connections: storedConnections(row.connections),
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** Reads the first column of a one-row query through a prepared statement (the database's `pluck`). */
export type PluckQuery = <T>(query: CompiledQuery) => Promise<T[]>;

/**
 * API tokens in the service database: created with a name and scopes, shown once, stored only as their SHA-256,
 * revoked by id or name. Revocation holds at once on every replica: a verified token is kept in memory only
 * while the database's revocation version (the count of revoked tokens) is the one it was verified under, and
 * that version is read on every request through a prepared statement — much cheaper than the token lookup
 * built, compiled and prepared per request, and no weaker.
 */
export class ApiTokens {
  private readonly lastWritten = new Map<string, number>();
  /** Token hash → the caller it stands for, verified under `verifiedVersion`; oldest first. */
  private readonly verified = new Map<string, Principal>();
  private verifiedVersion: number | undefined;

  constructor(
    private readonly db: Kysely<ServiceTables>,
    private readonly now: () => number = Date.now,
    /** Without it every request looks its token up (no cache). */
    private readonly pluck?: PluckQuery,
  ) {}

  /**
   * Creates a token; the returned `token` is the only copy there will ever be. Without `connections` it may
   * call every connection; with them, only those.
   *
   * @throws {KconnectError} INVALID_INPUT for a bad name or scope; CONFLICT when a live token has the name.
   */
  async create(
    name: string,
    scopes: string | readonly string[],
    connections?: string | readonly string[],
  ): Promise<{ token: string; info: ApiTokenInfo }> {
    const trimmed = name.trim();
    if (!NAME_PATTERN.test(trimmed)) {
      throw new KconnectError(
        'INVALID_INPUT',
        'name: 1–100 letters, digits, spaces and . _ @ : / -, starting with a letter or digit',
      );
    }
    const parsed = parseScopes(scopes);
    const allowed = connections === undefined ? null : parseConnections(connections);
    if ((await this.findLive(trimmed)) !== undefined) {
      throw new KconnectError(
        'CONFLICT',
        `name: a token named ${JSON.stringify(trimmed)} exists; revoke it first`,
      );
    }
    const token = `kc_${randomBytes(32).toString('base64url')}`;
    const row: ServiceTables['api_tokens'] = {
      id: `tok_${randomBytes(9).toString('base64url')}`,
      name: trimmed,
      token_hash: hashToken(token),
      scopes: parsed.join(','),
      connections: allowed === null ? null : allowed.join(','),
      created_at: this.now(),
      last_used_at: null,
      revoked_at: null,
    };
    try {
      await this.db.insertInto('api_tokens').values(row).execute();
    } catch (error) {
      // Another creator took the name between the check and the insert (the partial unique index).
      if ((await this.findLive(trimmed)) !== undefined) {
        throw new KconnectError('CONFLICT', `name: a token named ${JSON.stringify(trimmed)} exists`);
      }
      throw error;
    }
    return { token, info: rowInfo(row) };
  }

  /** Tokens, newest first; revoked ones only when asked. */
  async list(options: { includeRevoked?: boolean } = {}): Promise<ApiTokenInfo[]> {
    let query = this.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id');
    if (options.includeRevoked !== true) query = query.where('revoked_at', 'is', null);
    return (await query.execute()).map(rowInfo);
  }

  /**
   * Revokes a live token by id (`tok_…`) or name.
   *
   * @throws {KconnectError} NOT_FOUND when no live token has that id or name.
   */
  async revoke(idOrName: string): Promise<ApiTokenInfo> {
    const key = idOrName.trim();
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('id', '=', key), eb('name', '=', key)]))
      .executeTakeFirst();
    if (row === undefined) {
      throw new KconnectError('NOT_FOUND', `token: no live token with the id or name ${JSON.stringify(key)}`);
    }
    const at = this.now();
    await this.db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', row.id).execute();
    // The version check would see it on the next request anyway; this makes it independent of that.
    this.verified.clear();
    this.verifiedVersion = undefined;
    return rowInfo({ ...row, revoked_at: at });
  }

  /** The caller a token stands for, or undefined for a malformed, unknown or revoked token. */
  async authenticate(token: string | undefined): Promise<Principal | undefined> {
    if (token === undefined || !TOKEN_PATTERN.test(token)) return undefined;
    const hash = hashToken(token);
    const version = await this.revocationVersion();
    let principal = version === undefined ? undefined : this.verified.get(hash);
    if (principal === undefined) {
      principal = await this.lookUp(hash);
      if (principal === undefined) return undefined;
      // Only under the version read before the lookup: a request that overlapped a revocation keeps nothing.
      if (version !== undefined && version === this.verifiedVersion) this.keep(hash, principal);
    }
    const now = this.now();
    if (now - (this.lastWritten.get(principal.tokenId) ?? 0) >= LAST_USED_RESOLUTION_MS) {
      this.lastWritten.set(principal.tokenId, now);
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', principal.tokenId)
        .execute();
    }
    return principal;
  }

  /**
   * The current revocation version, after dropping every kept token when it moved; undefined without a cache.
   * Read before the lookup, so a token is never kept under a version newer than the one it was checked under.
   */
  private async revocationVersion(): Promise<number | undefined> {
    if (this.pluck === undefined) return undefined;
    const [count] = await this.pluck<number | string | bigint>(REVOCATIONS);
    const version = Number(count ?? 0);
    if (version !== this.verifiedVersion) {
      this.verified.clear();
      this.verifiedVersion = version;
    }
    return version;
  }

  private keep(hash: string, principal: Principal): void {
    if (this.verified.size >= TOKEN_CACHE_ENTRIES) {
      const oldest = this.verified.keys().next();
      if (oldest.done !== true) this.verified.delete(oldest.value);
    }
    this.verified.set(hash, principal);
  }

  private async lookUp(hash: string): Promise<Principal | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'scopes', 'connections'])
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const connections = storedConnections(row.connections);
    return {
      tokenId: row.id,
      name: row.name,
      scopes: parseScopes(row.scopes),
      ...(connections === null ? {} : { connections }),
    };
  }

  private findLive(name: string) {
    return this.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }
}
