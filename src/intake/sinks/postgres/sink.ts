/**
 * Rows in a PostgreSQL table, one per document, upserted by the record's key in one transaction per batch
 * (`INSERT … ON CONFLICT (event_key) DO NOTHING`): a batch written again after a crash between write and commit
 * changes nothing, so the table holds every record exactly once (decisions/0052).
 */
import { sql, type Kysely } from 'kysely';
import type { Secret } from '../../../config/secrets.ts';
import { openDatabase, type OpenDatabase } from '../../../store/database.ts';
import type { RejectedDocument, Sink, SinkBatch, SinkPosition, SinkWriteResult } from '../../types.ts';
import { commonColumns } from './columns.ts';
import { isTransientPostgresError, PostgresSinkError } from './errors.ts';
import type { TableName } from './table-name.ts';

export { parseTableName, type TableName } from './table-name.ts';

export interface PostgresSinkOptions {
  readonly url: Secret;
  readonly table: TableName;
  /** Default true. */
  readonly createTable?: boolean;
  /** The `pipeline` column. */
  readonly pipeline: string;
  /** The URL without its password, for errors. */
  readonly display?: string;
}

/** Rows per INSERT: 9 parameters a row stays well under PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 2000;

/** The position: how many documents this sink has had accepted (replays included), for status. */
type Position = {
  readonly rows: number;
};

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export class PostgresSink implements Sink {
  readonly type = 'postgres';
  private database: OpenDatabase<unknown> | undefined;
  private rows = 0;
  private readonly createTable: boolean;

  constructor(private readonly options: PostgresSinkOptions) {
    this.createTable = options.createTable ?? true;
  }

  private fail(operation: 'connect' | 'create-table' | 'write', error: unknown): PostgresSinkError {
    if (error instanceof PostgresSinkError) return error;
    const code = codeOf(error);
    const reason = error instanceof Error ? error.message : String(error);
    return new PostgresSinkError(
      this.options.table.text,
      operation,
      code,
      reason,
      isTransientPostgresError(code),
      {
        cause: error,
      },
    );
  }

  private get table() {
    const { schema, name } = this.options.table;
    return schema === undefined ? sql.id(name) : sql.id(schema, name);
  }

  private async db(): Promise<Kysely<unknown>> {
    if (this.database === undefined) {
      let url: string;
      try {
        url = await this.options.url.read();
      } catch (error) {
        throw new PostgresSinkError(
          this.options.table.text,
          'connect',
          undefined,
          (error as Error).message,
          false,
        );
      }
      // A small pool per sink: one batch at a time, one spare for the table's creation.
      this.database = openDatabase({ url }, { poolSize: 2 });
    }
    return this.database.db;
  }

  async open(committed: SinkPosition | undefined, _signal?: AbortSignal): Promise<void> {
    const db = await this.db();
    this.rows = (committed as Position | null | undefined)?.rows ?? 0;
    if (!this.createTable) return;
    try {
      const { schema } = this.options.table;
      if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      await sql`
        create table if not exists ${this.table} (
          event_key text primary key,
          pipeline text not null,
          source text,
          time timestamptz,
          event_type text,
          severity text,
          host text,
          document jsonb not null,
          ingested_at timestamptz not null default now()
        )`.execute(db);
    } catch (error) {
      // Two sinks creating the same table at once: one wins, the other finds it made.
      if (codeOf(error) === '23505' || codeOf(error) === '42P07') return;
      throw this.fail('create-table', error);
    }
  }

  /** Nothing to undo: rows written after the committed position are upserted again, unchanged. */
  async write(batch: SinkBatch, _signal?: AbortSignal): Promise<SinkWriteResult> {
    const db = await this.db();
    const rejected: RejectedDocument[] = [];
    const rows: ReturnType<typeof sql>[] = [];
    let previousKey: string | undefined;
    let ordinal = 0;
    batch.documents.forEach((document, index) => {
      const key = batch.keys[index]!;
      // The documents of one record share its key: the second and later get #2, #3 (the mapping is pure, so the
      // same record always gives the same numbering).
      ordinal = key === previousKey ? ordinal + 1 : 1;
      previousKey = key;
      const json = JSON.stringify(document);
      // jsonb cannot hold NUL: a permanent refusal, dead-lettered rather than retried forever.
      if (json.includes('\\u0000')) {
        rejected.push({ index, reason: 'PostgreSQL jsonb cannot store the character U+0000' });
        return;
      }
      const c = commonColumns(document);
      rows.push(
        sql`(${ordinal === 1 ? key : `${key}#${ordinal}`}, ${this.options.pipeline}, ${c.source}, ${c.time}::timestamptz, ${c.eventType}, ${c.severity}, ${c.host}, ${json}::jsonb)`,
      );
    });
    if (rows.length > 0) {
      try {
        await db.transaction().execute(async (tx) => {
          for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
            await sql`
              insert into ${this.table} (event_key, pipeline, source, time, event_type, severity, host, document)
              values ${sql.join(rows.slice(i, i + ROWS_PER_STATEMENT))}
              on conflict (event_key) do nothing`.execute(tx);
          }
        });
      } catch (error) {
        throw this.fail('write', error);
      }
    }
    this.rows += rows.length;
    const position: Position = { rows: this.rows };
    return rejected.length === 0 ? { position } : { position, rejected };
  }

  async close(): Promise<void> {
    const database = this.database;
    this.database = undefined;
    await database?.close();
  }
}
