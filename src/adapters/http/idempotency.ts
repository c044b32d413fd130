import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CommandResult, IdempotencyStore } from '../../commands/index.ts';
import { failedResult } from '../../commands/core/result.ts';
import { KconnectError } from '../../errors.ts';
import { parseWireJson, stringifyWireJson, type WireJson } from '../../wire/json.ts';
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

type Row = ServiceTables['idempotency_keys'];

/** Expired rows are swept at most this often per replica. */
const SWEEP_INTERVAL_MS = 60_000;

function serialise(result: CommandResult): string {
  return stringifyWireJson(result as unknown as WireJson);
}

function deserialise(text: string | null): CommandResult | undefined {
  return text === null ? undefined : (parseWireJson(text) as unknown as CommandResult);
}

/**
 * Idempotency keys in the service database, honoured across replicas: a replica claims a key by inserting its
 * row (insert-or-conflict, so exactly one claim wins) before the command runs, renews the claim while it runs,
 * and stores the result; a replica that finds the key claimed polls until the result is there.
 *
 * As {@link MemoryIdempotencyStore}: a failed result is not kept for later calls (a corrected retry with the
 * same key acts), but a call that waited on the failing one gets its result. A claim whose replica stopped
 * mid-run is reported as interrupted (409: the effect is unknown) once, and the key is then free again.
 */
export class DatabaseIdempotencyStore implements IdempotencyStore {
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly replica: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly titleOf: (command: string) => string;
  private readonly sweep: { last: number };

  constructor(
    private readonly db: Kysely<ServiceTables>,
    private readonly options: DatabaseIdempotencyOptions = {},
    private readonly scope = '',
    sweep?: { last: number },
  ) {
    this.now = options.now ?? Date.now;
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
    const row = await this.read(command, key);
    if (row === undefined || row.state !== 'done' || Number(row.expires_at) <= this.now()) return undefined;
    return deserialise(row.result);
  }

  async remember(command: string, key: string, result: CommandResult): Promise<void> {
    const now = this.now();
    const values: Row = {
      scope: this.scope,
      command,
      key,
      state: 'done',
      owner: this.replica,
      result: serialise(result),
      claimed_at: now,
      lease_until: now,
      expires_at: now + this.windowMs,
    };
    const { scope: _s, command: _c, key: _k, ...rest } = values;
    await this.db
      .insertInto('idempotency_keys')
      .values(values)
      .onConflict((oc) => oc.columns(['scope', 'command', 'key']).doUpdateSet(rest))
      .execute();
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
      if (await this.claim(command, key, owner)) return this.run(command, key, owner, work);
      const row = await this.read(command, key);
      if (row === undefined) continue; // finished and swept between the two statements: claim again
      const now = this.now();
      if (row.state === 'done' && Number(row.expires_at) > now) {
        const result = deserialise(row.result);
        if (result !== undefined) return result;
      }
      if (row.state === 'running') {
        if (Number(row.lease_until) > now) {
          const outcome = await this.waitFor(command, key, row.owner);
          if (outcome !== undefined) return outcome;
          continue;
        }
        return this.interrupted(command, key, row);
      }
      // A failed or expired result: whoever takes the row over runs the command again.
      if (await this.takeOver(command, key, row, owner)) return this.run(command, key, owner, work);
    }
  }

  private read(command: string, key: string): Promise<Row | undefined> {
    return this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', this.scope)
      .where('command', '=', command)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  private async claim(command: string, key: string, owner: string): Promise<boolean> {
    const now = this.now();
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({
        scope: this.scope,
        command,
        key,
        state: 'running',
        owner,
        result: null,
        claimed_at: now,
        lease_until: now + this.leaseMs,
        expires_at: now + this.windowMs,
      })
      .onConflict((oc) => oc.columns(['scope', 'command', 'key']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Replaces a row exactly as it was read: of several replicas trying, one wins. */
  private async takeOver(command: string, key: string, seen: Row, owner: string): Promise<boolean> {
    const now = this.now();
    const updated = await this.db
      .updateTable('idempotency_keys')
      .set({
        state: 'running',
        owner,
        result: null,
        claimed_at: now,
        lease_until: now + this.leaseMs,
        expires_at: now + this.windowMs,
      })
      .where('scope', '=', this.scope)
      .where('command', '=', command)
      .where('key', '=', key)
      .where('state', '=', seen.state)
      .where('owner', '=', seen.owner)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  private async run(
    command: string,
    key: string,
    owner: string,
    work: () => Promise<CommandResult>,
  ): Promise<CommandResult> {
    const renew = setInterval(
      () => {
        void this.db
          .updateTable('idempotency_keys')
          .set({ lease_until: this.now() + this.leaseMs })
          .where('scope', '=', this.scope)
          .where('command', '=', command)
          .where('key', '=', key)
          .where('owner', '=', owner)
          .execute()
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
    const now = this.now();
    await this.db
      .updateTable('idempotency_keys')
      .set({
        state: result.status === 'Failed' ? 'failed' : 'done',
        result: serialise(result),
        lease_until: now,
        expires_at: now + this.windowMs,
      })
      .where('scope', '=', this.scope)
      .where('command', '=', command)
      .where('key', '=', key)
      .where('owner', '=', owner)
      .execute();
    return result;
  }

  private async release(command: string, key: string, owner: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', this.scope)
      .where('command', '=', command)
      .where('key', '=', key)
      .where('owner', '=', owner)
      .execute();
  }

  /**
   * Polls the claim of `owner` until it ends: its result (done or failed), an interrupted result when its
   * lease runs out, or undefined when the row changed hands or vanished (the caller starts over).
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
      const row = await this.read(command, key);
      if (row === undefined || row.owner !== owner) return undefined;
      if (row.state === 'done' || row.state === 'failed') return deserialise(row.result);
      if (Number(row.lease_until) <= this.now()) return this.interrupted(command, key, row);
    }
  }

  /** A claim whose replica stopped: say so once, and free the key (marked failed) for the next call. */
  private async interrupted(command: string, key: string, seen: Row): Promise<CommandResult> {
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
    const now = this.now();
    await this.db
      .updateTable('idempotency_keys')
      .set({ state: 'failed', result: serialise(result), lease_until: now })
      .where('scope', '=', this.scope)
      .where('command', '=', command)
      .where('key', '=', key)
      .where('state', '=', 'running')
      .where('owner', '=', seen.owner)
      .execute();
    return result;
  }

  private async sweepExpired(): Promise<void> {
    const now = this.now();
    if (now - this.sweep.last < SWEEP_INTERVAL_MS) return;
    this.sweep.last = now;
    await this.db
      .deleteFrom('idempotency_keys')
      .where('expires_at', '<', now)
      .where('lease_until', '<', now)
      .execute();
  }
}
