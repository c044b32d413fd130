import { idempotencyKeyOf } from '../../commands/core/execute.ts';
import type { Kysely } from 'kysely';
import { AuditBatchWriter } from './audit-batch.ts';
import type { ServiceTables } from './store.ts';

/**
 * How a command call ended: the command's own status, or why the service refused it before it ran
 * (`unauthenticated` 401, `denied` 403, `invalid` 400 for a body that is not JSON or an unknown connection,
 * `rate_limited` 429, `unavailable` 503 while shutting down, `aborted` 499 when the caller went away before
 * its request body arrived).
 */
export type AuditOutcome =
  | 'Successful'
  | 'Partially Successful'
  | 'Failed'
  | 'unauthenticated'
  | 'denied'
  | 'invalid'
  | 'rate_limited'
  | 'unavailable'
  | 'aborted';

/** One command call: who, which command on which connection, the target hosts, how it ended and how long it took. */
export interface AuditEntry {
  readonly at: number;
  readonly requestId: string;
  readonly replica: string;
  /** Null when the caller was not authenticated. */
  readonly tokenId: string | null;
  readonly tokenName: string | null;
  readonly command: string;
  readonly connection: string;
  readonly hosts: readonly string[];
  readonly idempotencyKey: string | null;
  readonly outcome: AuditOutcome;
  readonly statusCode: number;
  /** The first error's code (`ACCESS_DENIED`, `NOT_FOUND`, …) for failures and refusals. */
  readonly errorCode: string | null;
  readonly message: string | null;
  readonly durationMs: number;
  /** The caller's address as the service saw it (a proxy's, behind one). */
  readonly client?: string | null;
  /**
   * How many calls the row stands for: 1, except for refused authentications, which are counted into one row
   * per client address and window.
   */
  readonly count?: number;
}

export interface StoredAuditEntry extends AuditEntry {
  readonly id: number;
  readonly client: string | null;
  readonly count: number;
}

export interface AuditQuery {
  readonly command?: string;
  /** Entries at or after this time (ms since the epoch). */
  readonly since?: number;
  /** Only entries with a smaller id: the next page after the last id seen. */
  readonly before?: number;
  readonly limit: number;
}

/** The audit row keeps this many hosts of one call; the rest are counted. */
const MAX_HOSTS = 100;
const MAX_TEXT = 256;

/** Caller text made storable: PostgreSQL text refuses NUL, and control characters only mislead a reader. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}

function clip(text: string): string {
  const cleaned = clean(text);
  return cleaned.length <= MAX_TEXT ? cleaned : `${cleaned.slice(0, MAX_TEXT - 1)}…`;
}

/**
 * The hosts a command input names in `fields` (the command's `targetFields` hint), as given: before
 * validation, so a refused call still shows what it aimed at.
 */
export function targetHosts(input: unknown, fields: readonly string[]): string[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
  const hosts: string[] = [];
  let more = 0;
  for (const [field, value] of Object.entries(input)) {
    if (!fields.includes(field)) continue;
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof item !== 'string' || item === '') continue;
      if (hosts.length < MAX_HOSTS) hosts.push(clip(item));
      else more++;
    }
  }
  if (more > 0) hosts.push(`… and ${more} more`);
  return hosts;
}

/** The `idempotencyKey` of an input as the audit row keeps it, or null when it has no usable one. */
export function auditedIdempotencyKey(input: unknown): string | null {
  const key = idempotencyKeyOf(input);
  return key === undefined ? null : clip(key);
}

function toRow(entry: AuditEntry): Omit<ServiceTables['audit_log'], 'id'> {
  return {
    at: entry.at,
    request_id: entry.requestId,
    replica: entry.replica,
    token_id: entry.tokenId,
    token_name: entry.tokenName,
    command: clip(entry.command),
    connection: clip(entry.connection),
    hosts: JSON.stringify(entry.hosts),
    idempotency_key: entry.idempotencyKey,
    outcome: entry.outcome,
    status_code: entry.statusCode,
    error_code: entry.errorCode,
    message: entry.message === null ? null : clean(entry.message.slice(0, 2000)),
    duration_ms: Math.max(0, Math.round(entry.durationMs)),
    client: entry.client === undefined || entry.client === null ? null : clip(entry.client),
    count: entry.count ?? 1,
  };
}

function fromRow(row: ServiceTables['audit_log'] & { id: number }): StoredAuditEntry {
  return {
    id: Number(row.id),
    at: Number(row.at),
    requestId: row.request_id,
    replica: row.replica,
    tokenId: row.token_id,
    tokenName: row.token_name,
    command: row.command,
    connection: row.connection,
    hosts: JSON.parse(row.hosts) as string[],
    idempotencyKey: row.idempotency_key,
    outcome: row.outcome as AuditOutcome,
    statusCode: row.status_code,
    errorCode: row.error_code,
    message: row.message,
    durationMs: row.duration_ms,
    client: row.client,
    count: Number(row.count),
  };
}

/** The audit log in the service database, shared by every replica. */
export class AuditLog {
  private readonly batches: AuditBatchWriter<Omit<ServiceTables['audit_log'], 'id'>>;

  constructor(private readonly db: Kysely<ServiceTables>) {
    this.batches = new AuditBatchWriter(async (rows) => {
      await this.db
        .insertInto('audit_log')
        .values([...rows])
        .execute();
    });
  }

  /**
   * Writes one row together with the rows of the calls that end at the same time (group commit); resolves once
   * it has committed, so a call answered after it has its row even if the process dies the next moment.
   */
  append(entry: AuditEntry): Promise<void> {
    return this.batches.write(toRow(entry));
  }

  /** Resolves once every appended row has committed (or failed): before the database closes. */
  flush(): Promise<void> {
    return this.batches.drain();
  }

  /** Writes one row at once; its id (for a row that is counted on afterwards). */
  async record(entry: AuditEntry): Promise<number> {
    const row = await this.db
      .insertInto('audit_log')
      .values(toRow(entry))
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** Sets how many calls a row stands for (the refused authentications of one client and window). */
  async setCount(id: number, count: number): Promise<void> {
    await this.db.updateTable('audit_log').set({ count }).where('id', '=', id).execute();
  }

  /**
   * Removes the rows older than `before` (ms since the epoch): retention is the only way rows leave the log.
   * In batches, so a first run over a large log does not hold a long lock. The number of rows removed.
   */
  async prune(before: number, batch = 5000): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = this.db.selectFrom('audit_log').select('id').where('at', '<', before).limit(batch);
      const result = await this.db.deleteFrom('audit_log').where('id', 'in', ids).executeTakeFirst();
      const count = Number(result.numDeletedRows);
      removed += count;
      if (count < batch) return removed;
    }
  }

  /** Entries newest first. */
  async query(query: AuditQuery): Promise<StoredAuditEntry[]> {
    let select = this.db.selectFrom('audit_log').selectAll();
    if (query.command !== undefined) select = select.where('command', '=', query.command);
    if (query.since !== undefined) select = select.where('at', '>=', query.since);
    if (query.before !== undefined) select = select.where('id', '<', query.before);
    const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((row) => fromRow(row as ServiceTables['audit_log'] & { id: number }));
  }
}
