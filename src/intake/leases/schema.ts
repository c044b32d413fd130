/**
 * The lease tables, in the intake's state store beside the checkpoints (one migration set: `intake`), so that a
 * checkpoint commit can check its lease in the same transaction.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../../store/database.ts';

// A type alias, not an interface: Kysely needs an index-compatible record.
export type LeaseTables = {
  kconnect_intake_leases: {
    pipeline: string;
    /** The worker holding (or that last held) the lease. */
    owner: string;
    /** One more with every new owner: the fencing token a checkpoint commit must carry. */
    token: number;
    /** Milliseconds since the epoch; at or before now the lease is free (a release sets 0). */
    expires_at: number;
  };
  kconnect_intake_workers: {
    worker: string;
    /** Milliseconds since the epoch: the worker counts as live until then (its heartbeat renews it). */
    expires_at: number;
  };
};

/** The migration that creates the lease and worker tables (`0002-leases` of the intake's set). */
export async function createLeaseTables(db: Kysely<unknown>, kind: DatabaseKind): Promise<void> {
  const int64 = sql.raw(kind === 'postgres' ? 'bigint' : 'integer');
  const text = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  await db.schema
    .createTable('kconnect_intake_leases')
    .addColumn('pipeline', text, (c) => c.notNull().primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('token', int64, (c) => c.notNull())
    .addColumn('expires_at', int64, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('kconnect_intake_workers')
    .addColumn('worker', text, (c) => c.notNull().primaryKey())
    .addColumn('expires_at', int64, (c) => c.notNull())
    .execute();
}
