import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CommandResult, IdempotencyStore } from '../../commands/index.ts';
import { failedResult } from '../../commands/core/result.ts';
import { KconnectError } from '../../errors.ts';
import { StateStore, type StateEntry } from '../../store/state.ts';
import { parseWireJson, type WireJson } from '../../wire/json.ts';
import type { ServiceTables } from './store.ts';

export interface DatabaseIdempotencyOptions {
  /** Milliseconds since the epoch; every replica's clock should be close (NTP). Default `Date.now`. */
  readonly now?: () => number;
  /** How long a result is remembered. Default one day, as the in-process store. */
  readonly windowMs?: number;
  /** A running claim not renewed for this long belongs to a replica that stopped. Default 60 s. */
  readonly leaseMs?: number;
  /** How often a waiting replica looks for the result. Default 100 ms. */
  readonly pollMs?: number;
  /** Names this replica in claims (for operators reading the table). */
  readonly replica?: string;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Stops waiting for another replica's result (the service's forced shutdown). */
  readonly signal?: AbortSignal;
  /** The title of a command, for the failure indicator of the results the store makes itself. */
  readonly titleOf?: (command: string) => string;
}

/** The state-store namespace of the service's idempotency keys. */
export const SERVICE_IDEMPOTENCY_NAMESPACE = 'service.idempotency';

/** The state-store key of an idempotency key: JSON of its parts, since a scope holds `/` (`prod/tok_1`). */
export function serviceIdempotencyKey(scope: string, command: string, key: string): string {
  return JSON.stringify([scope, command, key]);
}

/** What the state store holds per key, as JSON; the entry's expiry is the end of the key's window. */
export interface KeyRecord {
  /** `running` while claimed, then `done` or `failed`. */
  readonly state: 'running' | 'done' | 'failed';
  /** The replica and request that claimed the key. */
  readonly owner: string;
  readonly claimedAt: number;
  /** A running claim whose lease has passed belongs to a replica that stopped. */
  readonly leaseUntil: number;
  /** The CommandResult, once finished. */
  readonly result: CommandResult | null;
}

function recordValue(record: KeyRecord): WireJson {
  return record as unknown as WireJson;
}

function recordOf(entry: StateEntry): KeyRecord | undefined {
  const value = entry.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { state, owner, claimedAt, leaseUntil } = value;
  if (state !== 'running' && state !== 'done' && state !== 'failed') return undefined;
  if (typeof owner !== 'string' || typeof claimedAt !== 'number' || typeof leaseUntil !== 'number')
    return undefined;
  return value as unknown as KeyRecord;
}

/** Expired keys are swept at most this often per replica. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Idempotency keys in the state store of the service database, honoured across replicas: a replica claims a key
 * with compare-and-set from "none" (exactly one claim wins) before the command runs, renews the claim while it
 * runs, and stores the result; a replica that finds the key claimed polls until the result is there. Every
 * change of a key after the claim is a compare-and-set too, so a write made on a stale read loses and reads
 * again instead of overwriting what another replica wrote meanwhile.
 *
 * As {@link MemoryIdempotencyStore}: a failed result is not kept for later calls (a corrected retry with the
 * same key acts), but a call that waited on the failing one gets its result. A claim whose replica stopped
 * mid-run is reported as interrupted (409: the effect is unknown) once, and the key is then free again.
 */
export class DatabaseIdempotencyStore implements IdempotencyStore {
  private readonly state: StateStore;
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly replica: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly titleOf: (command: string) => string;
  private readonly sweep: { last: number };

  /** `db` is the service database (migrated by `openServiceDatabase`), which holds the state store's table. */
  constructor(
    private readonly db: Kysely<ServiceTables>,
    private readonly options: DatabaseIdempotencyOptions = {},
    private readonly scope = '',
    sweep?: { last: number },
  ) {
    this.now = options.now ?? Date.now;
    this.state = new StateStore(db, { now: this.now });
    this.windowMs = options.windowMs ?? 86_400_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 100;
    this.replica = options.replica ?? 'kconnect';
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.titleOf = options.titleOf ?? ((command) => command);
    this.sweep = sweep ?? { last: 0 };
  }

  /** The same store with keys of their own: keys of different scopes (callers, connections) never meet. */
  scoped(scope: string): DatabaseIdempotencyStore {
    return new DatabaseIdempotencyStore(this.db, this.options, scope, this.sweep);
  }

  async get(command: string, key: string): Promise<CommandResult | undefined> {
    const seen = await this.read(command, key);
    return seen?.record.state === 'done' ? (seen.record.result ?? undefined) : undefined;
  }

  async remember(command: string, key: string, result: CommandResult): Promise<void> {
    const now = this.now();
    const record: KeyRecord = { state: 'done', owner: this.replica, claimedAt: now, leaseUntil: now, result };
    await this.state.put(SERVICE_IDEMPOTENCY_NAMESPACE, this.id(command, key), recordValue(record), {
      expiresAt: now + this.windowMs,
    });
  }

  /**
   * @throws {KconnectError} INVALID_INPUT for a key with control characters (PostgreSQL text cannot hold NUL).
   */
  async once(command: string, key: string, work: () => Promise<CommandResult>): Promise<CommandResult> {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(key)) {
      throw new KconnectError(
        'INVALID_INPUT',
        'The value for parameter (idempotencyKey) is invalid: control characters are not allowed.',
      );
    }
    await this.sweepExpired();
    for (;;) {
      const owner = `${this.replica}/${randomUUID()}`;
      if (await this.claim(command, key, owner, 0)) return this.run(command, key, owner, work);
      const seen = await this.read(command, key);
      if (seen === undefined) continue; // finished and expired or freed between the two statements: claim again
      const { record } = seen;
      if (record.state === 'done' && record.result !== null) return record.result;
      if (record.state === 'running') {
        if (record.leaseUntil > this.now()) {
          const outcome = await this.waitFor(command, key, record.owner);
          if (outcome !== undefined) return outcome;
          continue;
        }
        return this.interrupted(command, key, seen);
      }
      // A failed result: whoever replaces the entry as it was read runs the command again.
      if (await this.claim(command, key, owner, seen.entry.version))
        return this.run(command, key, owner, work);
    }
  }

  private id(command: string, key: string): string {
    return serviceIdempotencyKey(this.scope, command, key);
  }

  private async read(
    command: string,
    key: string,
  ): Promise<{ entry: StateEntry; record: KeyRecord } | undefined> {
    const entry = await this.state.get(SERVICE_IDEMPOTENCY_NAMESPACE, this.id(command, key));
    const record = entry === undefined ? undefined : recordOf(entry);
    return entry === undefined || record === undefined ? undefined : { entry, record };
  }

  /** Claims the key if its entry is still at `version` (0: there is none): of several replicas, one wins. */
  private async claim(command: string, key: string, owner: string, version: number): Promise<boolean> {
    const now = this.now();
    const record: KeyRecord = {
      state: 'running',
      owner,
      claimedAt: now,
      leaseUntil: now + this.leaseMs,
      result: null,
    };
    const written = await this.state.compareAndSet(
      SERVICE_IDEMPOTENCY_NAMESPACE,
      this.id(command, key),
      version,
      recordValue(record),
      { expiresAt: now + this.windowMs },
    );
    return written !== undefined;
  }

  /**
   * Changes the key's record while `owner` holds it (`change` returns undefined to leave it): read, then
   * compare-and-set, again when another write came between. Returns whether the change was written.
   */
  private async whileOwned(
    command: string,
    key: string,
    owner: string,
    change: (record: KeyRecord, entry: StateEntry) => { record: KeyRecord; expiresAt: number } | undefined,
  ): Promise<boolean> {
    for (;;) {
      const seen = await this.read(command, key);
      if (seen === undefined || seen.record.owner !== owner) return false;
      const next = change(seen.record, seen.entry);
      if (next === undefined) return false;
      const written = await this.state.compareAndSet(
        SERVICE_IDEMPOTENCY_NAMESPACE,
        this.id(command, key),
        seen.entry.version,
        recordValue(next.record),
        { expiresAt: next.expiresAt },
      );
      if (written !== undefined) return true;
    }
  }

  private async run(
    command: string,
    key: string,
    owner: string,
    work: () => Promise<CommandResult>,
  ): Promise<CommandResult> {
    const renew = setInterval(
      () => {
        void this.whileOwned(command, key, owner, (record, entry) => {
          if (record.state !== 'running') return undefined;
          const leaseUntil = this.now() + this.leaseMs;
          // A claim outlives its window while it runs: the sweep must not take a live claim away.
          return {
            record: { ...record, leaseUntil },
            expiresAt: Math.max(entry.expiresAt ?? leaseUntil, leaseUntil),
          };
        })
          // A missed renewal is made up by the next; the lease has room for two.
          .catch(() => undefined);
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    renew.unref();
    let result: CommandResult;
    try {
      result = await work();
    } catch (error) {
      clearInterval(renew);
      // No result to give anyone: free the key so a retry acts.
      await this.release(command, key, owner);
      throw error;
    }
    clearInterval(renew);
    // Written also over an "interrupted" mark of another replica (it keeps the owner): the outcome is known now.
    await this.whileOwned(command, key, owner, (record) => {
      const now = this.now();
      return {
        record: { ...record, state: result.status === 'Failed' ? 'failed' : 'done', result, leaseUntil: now },
        expiresAt: now + this.windowMs,
      };
    });
    return result;
  }

  private async release(command: string, key: string, owner: string): Promise<void> {
    for (;;) {
      const seen = await this.read(command, key);
      if (seen === undefined || seen.record.owner !== owner) return;
      const id = this.id(command, key);
      if (await this.state.delete(SERVICE_IDEMPOTENCY_NAMESPACE, id, seen.entry.version)) return;
    }
  }

  /**
   * Polls the claim of `owner` until it ends: its result (done or failed), an interrupted result when its
   * lease runs out, or undefined when the key changed hands or vanished (the caller starts over).
   */
  private async waitFor(command: string, key: string, owner: string): Promise<CommandResult | undefined> {
    for (;;) {
      if (this.options.signal?.aborted === true) {
        throw new KconnectError(
          'UPSTREAM_UNAVAILABLE',
          `Stopped waiting for the call with idempotency key "${key}" on another replica: the service is shutting down`,
        );
      }
      await this.sleep(this.pollMs);
      const seen = await this.read(command, key);
      if (seen === undefined || seen.record.owner !== owner) return undefined;
      if (seen.record.state === 'done' || seen.record.state === 'failed')
        return seen.record.result ?? undefined;
      if (seen.record.leaseUntil <= this.now()) return this.interrupted(command, key, seen);
    }
  }

  /**
   * A claim whose replica stopped: say so once, and free the key (marked failed) for the next call. The mark is
   * a compare-and-set on the entry as read: had the replica renewed its lease meanwhile, it is alive and keeps it.
   */
  private async interrupted(
    command: string,
    key: string,
    seen: { entry: StateEntry; record: KeyRecord },
  ): Promise<CommandResult> {
    const result = failedResult(this.titleOf(command), [
      {
        failureIndicator: `${this.titleOf(command)} failed.`,
        statusCode: 409,
        code: 'CONFLICT',
        message:
          `The earlier call with idempotency key "${key}" stopped before it finished (its replica went away), ` +
          'so whether it acted is unknown: check the state in KSC, then retry (the key is free again)',
      },
    ]);
    const record: KeyRecord = { ...seen.record, state: 'failed', result, leaseUntil: this.now() };
    await this.state.compareAndSet(
      SERVICE_IDEMPOTENCY_NAMESPACE,
      this.id(command, key),
      seen.entry.version,
      recordValue(record),
      { expiresAt: seen.entry.expiresAt },
    );
    return result;
  }

  private async sweepExpired(): Promise<void> {
    const now = this.now();
    if (now - this.sweep.last < SWEEP_INTERVAL_MS) return;
    this.sweep.last = now;
    await this.state.sweepExpired();
  }
}

/**
 * Migration `0002` of the service: the live keys of the table earlier versions kept (`idempotency_keys`) move
 * into the state store, so a retry across the upgrade still gets its first result.
 */
export async function copyEarlierIdempotencyKeys(db: Kysely<ServiceTables>, now: number): Promise<void> {
  const state = new StateStore(db, { now: () => now });
  const rows = await db.selectFrom('idempotency_keys').selectAll().where('expires_at', '>', now).execute();
  for (const row of rows) {
    const record: KeyRecord = {
      state: row.state === 'running' || row.state === 'done' ? row.state : 'failed',
      owner: row.owner,
      claimedAt: Number(row.claimed_at),
      leaseUntil: Number(row.lease_until),
      result: row.result === null ? null : (parseWireJson(row.result) as unknown as CommandResult),
    };
    await state.put(
      SERVICE_IDEMPOTENCY_NAMESPACE,
      serviceIdempotencyKey(row.scope, row.command, row.key),
      recordValue(record),
      { expiresAt: Math.max(Number(row.expires_at), Number(row.lease_until)) },
    );
  }
}
