import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LeaseTables } from './schema.ts';

/** A lease as the table holds it. */
export interface Lease {
  readonly pipeline: string;
  readonly owner: string;
  readonly token: number;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** A worker's id: host, pid and a random part (a restarted process with the same pid is another worker). */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Whether `owner` (a {@link newWorkerId}) names a process of this machine that no longer runs. Another process's
 * pid on the same host name in another PID namespace (two containers sharing a host name) would read as gone: the
 * fencing token still refuses that worker's next commit, so the mistake costs a batch, never a duplicate.
 */
export function isDeadLocalWorker(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === 'ESRCH';
  }
}

/**
 * Leases of intake pipelines and the heartbeats of the workers competing for them, on the intake's state store
 * (a database migrated with the intake's migrations). Every operation is one statement, so it is atomic on
 * SQLite and PostgreSQL alike; the clock is the caller's (`now`), so workers on several machines need clocks
 * that agree to well within the lease's time to live — and the fencing token keeps checkpoints safe even when
 * they do not.
 */
export class LeaseStore {
  constructor(
    private readonly db: Kysely<LeaseTables>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes the pipeline's lease when it is free (never held, released or expired) or held by a worker of this
   * machine whose process is gone (a `kill -9`: waiting out its lease would only delay the restart), with a token
   * one above the last one. Resolves with the new lease, or undefined when another worker holds it.
   */
  async acquire(pipeline: string, worker: string, ttlMs: number): Promise<Lease | undefined> {
    const taken = await this.take(pipeline, worker, ttlMs);
    if (taken !== undefined) return taken;
    const held = await this.get(pipeline);
    return held !== undefined && isDeadLocalWorker(held.owner)
      ? this.take(pipeline, worker, ttlMs, held.owner)
      : undefined;
  }

  /** The one statement of {@link acquire}: free leases, and also `orphanOf`'s when given. */
  private async take(
    pipeline: string,
    worker: string,
    ttlMs: number,
    orphanOf?: string,
  ): Promise<Lease | undefined> {
    const now = this.now();
    const row = await this.db
      .insertInto('kconnect_intake_leases')
      .values({ pipeline, owner: worker, token: 1, expires_at: now + ttlMs })
      .onConflict((oc) =>
        oc
          .column('pipeline')
          .doUpdateSet((eb) => ({
            owner: eb.ref('excluded.owner'),
            token: eb('kconnect_intake_leases.token', '+', 1),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) =>
            orphanOf === undefined
              ? eb('kconnect_intake_leases.expires_at', '<=', now)
              : eb.or([
                  eb('kconnect_intake_leases.expires_at', '<=', now),
                  eb('kconnect_intake_leases.owner', '=', orphanOf),
                ]),
          ),
      )
      .returning(['pipeline', 'owner', 'token', 'expires_at'])
      .executeTakeFirst();
    return row === undefined ? undefined : leaseOf(row);
  }

  /** Extends a lease this worker holds with `token`; false when it is no longer ours (another worker took it). */
  async renew(pipeline: string, worker: string, token: number, ttlMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('kconnect_intake_leases')
      .set({ expires_at: this.now() + ttlMs })
      .where('pipeline', '=', pipeline)
      .where('owner', '=', worker)
      .where('token', '=', token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Frees a lease this worker holds (the token stays, so the next owner's is higher). */
  async release(pipeline: string, worker: string, token: number): Promise<void> {
    await this.db
      .updateTable('kconnect_intake_leases')
      .set({ expires_at: 0 })
      .where('pipeline', '=', pipeline)
      .where('owner', '=', worker)
      .where('token', '=', token)
      .execute();
  }

  /** The pipeline's lease row, whether live or not. */
  async get(pipeline: string): Promise<Lease | undefined> {
    const row = await this.db
      .selectFrom('kconnect_intake_leases')
      .selectAll()
      .where('pipeline', '=', pipeline)
      .executeTakeFirst();
    return row === undefined ? undefined : leaseOf(row);
  }

  /** Every lease row, in pipeline order. */
  async list(): Promise<Lease[]> {
    const rows = await this.db.selectFrom('kconnect_intake_leases').selectAll().orderBy('pipeline').execute();
    return rows.map(leaseOf);
  }

  /** Says this worker is alive until now + ttl. */
  async heartbeat(worker: string, ttlMs: number): Promise<void> {
    const expires = this.now() + ttlMs;
    await this.db
      .insertInto('kconnect_intake_workers')
      .values({ worker, expires_at: expires })
      .onConflict((oc) => oc.column('worker').doUpdateSet({ expires_at: expires }))
      .execute();
  }

  /** How many workers' heartbeats are live (at least 1: the caller counts itself). */
  async liveWorkers(): Promise<number> {
    const now = this.now();
    const row = await this.db
      .selectFrom('kconnect_intake_workers')
      .select((eb) => eb.fn.countAll<number>().as('live'))
      .where('expires_at', '>', now)
      .executeTakeFirst();
    // Dead workers' rows are kept a while for status; drop the long-dead ones so the table stays small.
    await this.db
      .deleteFrom('kconnect_intake_workers')
      .where('expires_at', '<', now - 3_600_000)
      .execute();
    return Math.max(1, Number(row?.live ?? 0));
  }

  /** Removes this worker's heartbeat (a clean stop: the others count one worker fewer at once). */
  async leave(worker: string): Promise<void> {
    await this.db.deleteFrom('kconnect_intake_workers').where('worker', '=', worker).execute();
  }
}

function leaseOf(row: { pipeline: string; owner: string; token: number; expires_at: number }): Lease {
  return {
    pipeline: row.pipeline,
    owner: row.owner,
    token: Number(row.token),
    expiresAt: Number(row.expires_at),
  };
}
