import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { PlainJson } from '../../commands/core/types.ts';
import { KconnectError } from '../../errors.ts';
import {
  openDatabase,
  type DatabaseKind,
  type DatabaseLocation,
  type OpenDatabase,
} from '../../store/database.ts';
import { migrate, type MigrationSet } from '../../store/migrations.ts';
import type { Checkpoint, SinkPosition } from '../types.ts';
import { LeaseLostError } from '../leases/errors.ts';
import { LeaseStore } from '../leases/store.ts';
import { createLeaseTables, type LeaseTables } from '../leases/schema.ts';
import { CheckpointConflictError, CheckpointCorruptError, CheckpointUnreadableError } from './errors.ts';

// A type alias, not an interface: Kysely needs an index-compatible record.
export type CheckpointTables = {
  kconnect_intake_checkpoints: {
    pipeline: string;
    generation: number;
    /** The checkpoint's content as JSON text: { sourceCursor, sinkPosition, totals }. */
    body: string;
    /** sha256 hex of `pipeline \n generation \n body`: a row copied to another generation fails it too. */
    checksum: string;
    committed_at: number;
  };
} & LeaseTables;

export const CHECKPOINT_MIGRATIONS: MigrationSet = {
  name: 'intake',
  migrations: (kind: DatabaseKind) => {
    const int64 = sql.raw(kind === 'postgres' ? 'bigint' : 'integer');
    const text = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
    return {
      '0001-checkpoints': {
        async up(db: Kysely<unknown>): Promise<void> {
          await db.schema
            .createTable('kconnect_intake_checkpoints')
            .addColumn('pipeline', text, (c) => c.notNull())
            .addColumn('generation', int64, (c) => c.notNull())
            .addColumn('body', 'text', (c) => c.notNull())
            .addColumn('checksum', 'text', (c) => c.notNull())
            .addColumn('committed_at', int64, (c) => c.notNull())
            .addPrimaryKeyConstraint('kconnect_intake_checkpoints_pk', ['pipeline', 'generation'])
            .execute();
        },
      },
      '0002-leases': {
        async up(db: Kysely<unknown>): Promise<void> {
          await createLeaseTables(db, kind);
        },
      },
    };
  },
};

/** The lease a commit is made under: the commit is refused unless the pipeline's lease still has this token. */
export interface CheckpointFence {
  readonly token: number;
  /**
   * The lease's name when it is not the checkpoint's key: a pipeline with several sinks commits one checkpoint per
   * sink (`<pipeline>/<sink>`) under the pipeline's one lease. Default: the checkpoint's key.
   */
  readonly lease?: string;
}

/** What a commit stores; the store adds the pipeline, the generation and the time. */
export interface CheckpointContent {
  /** Where the source resumes; null: from the pipeline's configured start (nothing read yet). */
  readonly sourceCursor: PlainJson;
  /** Where the sink had durably got to; null: the sink was never opened at a position. */
  readonly sinkPosition: SinkPosition;
  readonly totals: Checkpoint['totals'];
}

/** The result of reading a pipeline's checkpoint. */
export interface CheckpointRead {
  /** The newest readable generation; undefined when the pipeline never committed. */
  readonly checkpoint: Checkpoint | undefined;
  /**
   * The highest generation stored, readable or not (0: none): the generation a writer builds on, so its next
   * commit lands above a damaged one instead of colliding with it.
   */
  readonly head: number;
  /** Newer generations that were refused, newest first: report them. */
  readonly corrupt: readonly CheckpointCorruptError[];
}

export interface CheckpointStoreOptions {
  /** Generations kept per pipeline (older ones are deleted after each commit). Default 5, at least 2. */
  readonly keep?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * The database's kind, for a store on a database it did not open (default: the opened one's, else sqlite):
   * on PostgreSQL a fenced commit locks the lease row for its transaction.
   */
  readonly kind?: DatabaseKind;
}

const DEFAULT_KEEP = 5;
const MAX_PIPELINE_BYTES = 256;

function checksumOf(pipeline: string, generation: number, body: string): string {
  return createHash('sha256').update(`${pipeline}\n${generation}\n${body}`).digest('hex');
}

function checkPipeline(pipeline: string): void {
  if (pipeline === '' || Buffer.byteLength(pipeline) > MAX_PIPELINE_BYTES || pipeline.includes('\u0000')) {
    throw new KconnectError(
      'INVALID_INPUT',
      `checkpoints: invalid pipeline name ${JSON.stringify(pipeline)}`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The checkpoint a row holds, or why it holds none. */
function decode(row: {
  pipeline: string;
  generation: number;
  body: string;
  checksum: string;
  committed_at: number;
}): Checkpoint | CheckpointCorruptError {
  const generation = Number(row.generation);
  const corrupt = (reason: string) => new CheckpointCorruptError(row.pipeline, generation, reason);
  if (row.body === '') return corrupt('empty');
  if (row.checksum !== checksumOf(row.pipeline, generation, row.body)) return corrupt('checksum mismatch');
  let content: unknown;
  try {
    content = JSON.parse(row.body);
  } catch {
    return corrupt('not JSON');
  }
  if (!isObject(content)) return corrupt('not an object');
  if (!('sourceCursor' in content)) return corrupt('missing sourceCursor');
  if (!('sinkPosition' in content)) return corrupt('missing sinkPosition');
  const totals = content.totals;
  if (!isObject(totals) || !isCount(totals.records) || !isCount(totals.documents) || !isCount(totals.gaps))
    return corrupt('missing or invalid totals');
  return {
    pipeline: row.pipeline,
    generation,
    sourceCursor: content.sourceCursor as PlainJson,
    sinkPosition: content.sinkPosition as SinkPosition,
    committedAt: Number(row.committed_at),
    totals: {
      records: totals.records,
      documents: totals.documents,
      gaps: totals.gaps,
      ...(isCount(totals.deadLettered) ? { deadLettered: totals.deadLettered } : {}),
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The checkpoints of intake pipelines, in the state store's database (SQLite by default, PostgreSQL for several
 * workers): every commit is a new generation with a checksum, the last few are kept, and a read resumes from the
 * newest one that passes its checksum — reporting the ones that did not (R2).
 *
 * A commit is one INSERT … SELECT that succeeds only if the writer's generation is still the newest, so of two
 * writers building on the same generation exactly one wins and the other gets {@link CheckpointConflictError}.
 */
export class CheckpointStore {
  private readonly keep: number;
  private readonly now: () => number;
  private readonly kind: DatabaseKind;

  /** A store on a database whose intake tables are migrated ({@link CHECKPOINT_MIGRATIONS}). */
  constructor(
    private readonly db: Kysely<CheckpointTables>,
    options: CheckpointStoreOptions = {},
    private readonly owned?: OpenDatabase<CheckpointTables>,
  ) {
    this.keep = Math.max(2, options.keep ?? DEFAULT_KEEP);
    this.now = options.now ?? Date.now;
    this.kind = owned?.kind ?? options.kind ?? 'sqlite';
  }

  /** Opens a store of its own (SQLite file or PostgreSQL URL) and migrates it; {@link close} closes it. */
  static async open(
    location: DatabaseLocation,
    options: CheckpointStoreOptions = {},
  ): Promise<CheckpointStore> {
    const database = openDatabase<CheckpointTables>(location, { poolSize: 4 });
    try {
      await migrate(database.db as Kysely<unknown>, database.kind, CHECKPOINT_MIGRATIONS);
      // A checkpoint reported as committed must survive a power cut: WAL with NORMAL may lose the last commits.
      if (database.kind === 'sqlite') await sql`pragma synchronous = FULL`.execute(database.db);
    } catch (error) {
      await database.close();
      throw error;
    }
    return new CheckpointStore(database.db, options, database);
  }

  /**
   * The newest readable generation of `pipeline`, with the damaged newer ones it skipped.
   *
   * @throws {CheckpointUnreadableError} when generations exist and none is readable.
   */
  async read(pipeline: string): Promise<CheckpointRead> {
    checkPipeline(pipeline);
    const rows = await this.db
      .selectFrom('kconnect_intake_checkpoints')
      .selectAll()
      .where('pipeline', '=', pipeline)
      .orderBy('generation', 'desc')
      .execute();
    const corrupt: CheckpointCorruptError[] = [];
    for (const row of rows) {
      const decoded = decode(row);
      if (decoded instanceof CheckpointCorruptError) corrupt.push(decoded);
      else return { checkpoint: decoded, head: Number(rows[0]!.generation), corrupt };
    }
    if (corrupt.length > 0) throw new CheckpointUnreadableError(pipeline, corrupt);
    return { checkpoint: undefined, head: 0, corrupt };
  }

  /**
   * Writes generation `after + 1` if `after` is still the newest generation stored (0: none), then deletes
   * generations older than the last {@link CheckpointStoreOptions.keep}. With a `fence`, only if the pipeline's
   * lease still carries its token, checked in the same transaction as the write (PostgreSQL: the lease row is
   * locked `FOR UPDATE` first, so a takeover waits for this commit or this commit sees the takeover; SQLite: the
   * one INSERT … SELECT runs under the database's write lock).
   *
   * @throws {CheckpointConflictError} when another writer committed since.
   * @throws {LeaseLostError} when the fence's token is no longer the lease's.
   */
  async commit(
    pipeline: string,
    content: CheckpointContent,
    after: number,
    fence?: CheckpointFence,
  ): Promise<Checkpoint> {
    checkPipeline(pipeline);
    if (!Number.isSafeInteger(after) || after < 0)
      throw new KconnectError('INVALID_INPUT', `checkpoints: generation ${after} is not a generation`);
    const generation = after + 1;
    const body = JSON.stringify({
      sourceCursor: content.sourceCursor,
      sinkPosition: content.sinkPosition,
      totals: content.totals,
    });
    const committedAt = this.now();
    const leaseName = fence?.lease ?? pipeline;
    const insert = async (db: Kysely<CheckpointTables>): Promise<number> => {
      if (fence !== undefined && this.kind === 'postgres') {
        const lease = await db
          .selectFrom('kconnect_intake_leases')
          .select(['owner', 'token'])
          .where('pipeline', '=', leaseName)
          .forUpdate()
          .executeTakeFirst();
        if (lease === undefined || Number(lease.token) !== fence.token)
          throw new LeaseLostError(leaseName, fence.token, lease?.owner, lease && Number(lease.token));
      }
      const newest = db
        .selectFrom('kconnect_intake_checkpoints')
        .select((eb) => eb.fn.coalesce(eb.fn.max('generation'), sql.lit(0)).as('newest'))
        .where('pipeline', '=', pipeline);
      let query = db
        .selectNoFrom([
          sql<string>`${pipeline}`.as('pipeline'),
          sql<number>`${generation}`.as('generation'),
          sql<string>`${body}`.as('body'),
          sql<string>`${checksumOf(pipeline, generation, body)}`.as('checksum'),
          sql<number>`${committedAt}`.as('committed_at'),
        ])
        .where(newest, '=', after);
      if (fence !== undefined)
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('kconnect_intake_leases')
              .select('token')
              .where('pipeline', '=', leaseName)
              .where('token', '=', fence.token),
          ),
        );
      const result = await db
        .insertInto('kconnect_intake_checkpoints')
        .columns(['pipeline', 'generation', 'body', 'checksum', 'committed_at'])
        .expression(query)
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    };
    let inserted: number;
    try {
      inserted =
        fence !== undefined && this.kind === 'postgres'
          ? await this.db.transaction().execute(insert)
          : await insert(this.db);
    } catch (error) {
      // Two writers that both saw `after` as the newest: the primary key lets one in.
      if (isUniqueViolation(error)) throw new CheckpointConflictError(pipeline, after);
      throw error;
    }
    if (inserted === 0) {
      if (fence !== undefined) {
        // Which condition refused it: the lease is the one the worker must act on.
        const lease = await this.db
          .selectFrom('kconnect_intake_leases')
          .select(['owner', 'token'])
          .where('pipeline', '=', leaseName)
          .executeTakeFirst();
        if (lease === undefined || Number(lease.token) !== fence.token)
          throw new LeaseLostError(leaseName, fence.token, lease?.owner, lease && Number(lease.token));
      }
      throw new CheckpointConflictError(pipeline, after);
    }
    await this.db
      .deleteFrom('kconnect_intake_checkpoints')
      .where('pipeline', '=', pipeline)
      .where('generation', '<=', generation - this.keep)
      .execute();
    return { pipeline, generation, ...content, committedAt };
  }

  /**
   * Commits a new generation that resumes the source at `sourceCursor` and keeps the sink where it durably is
   * (rewinding the source never rewrites what the sink holds). With no readable generation, the sink position
   * is null: the sink starts afresh beside what it holds. Retries when a writer commits meanwhile.
   */
  async reset(pipeline: string, sourceCursor: PlainJson): Promise<Checkpoint> {
    for (let attempt = 0; ; attempt++) {
      let current: CheckpointRead;
      try {
        current = await this.read(pipeline);
      } catch (error) {
        if (!(error instanceof CheckpointUnreadableError)) throw error;
        const head = Math.max(...error.corrupt.map((c) => c.generation));
        current = { checkpoint: undefined, head, corrupt: error.corrupt };
      }
      try {
        return await this.commit(
          pipeline,
          {
            sourceCursor,
            sinkPosition: current.checkpoint?.sinkPosition ?? null,
            totals: current.checkpoint?.totals ?? { records: 0, documents: 0, gaps: 0 },
          },
          current.head,
        );
      } catch (error) {
        if (!(error instanceof CheckpointConflictError) || attempt >= 4) throw error;
      }
    }
  }

  /** The leases of pipelines, in this store's database (their fencing tokens are what {@link commit} checks). */
  leases(now: () => number = this.now): LeaseStore {
    return new LeaseStore(this.db, now);
  }

  /** The pipelines that have checkpoints, in name order. */
  async pipelines(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('kconnect_intake_checkpoints')
      .select('pipeline')
      .distinct()
      .orderBy('pipeline')
      .execute();
    return rows.map((row) => row.pipeline);
  }

  /** Closes the database if this store opened it. */
  async close(): Promise<void> {
    await this.owned?.close();
  }
}
