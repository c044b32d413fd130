import { Random } from '../../core/random.ts';
import type { Clock } from '../../core/clock.ts';
import type { EmulatorLogger } from '../../core/request-log.ts';
import { USER_LOGINS } from '../world/names.ts';
import type { KscWorld } from '../world.ts';
import { DirectoryDelivery, type DeliveryMode, type DeliveryStats } from './delivery.ts';
import {
  DirectoryEventFactory,
  identityOfSeed,
  type DirectoryCloudEvent,
  type PublisherIdentity,
} from './events.ts';
import { userObject, type DirectoryObject } from './identity.ts';
import { CHANGEABLE_GROUPS, MAIN_DOMAIN, namesOfLogin, seededDirectory } from './seeded.ts';
import type { DirectorySnapshot, DirectoryTruth } from './truth.ts';

/** Options of the directory publisher (`--directory-*` flags of `kconnect emulator ksc`). */
export interface DirectoryPublishOptions {
  /** The receiver's URL (e.g. `http://127.0.0.1:8080/v1/directory/events`). */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  /** CloudEvents HTTP mode. Default `batch`. */
  readonly mode?: DeliveryMode;
  /** Live changes per second on the emulator's clock; 0 = none. Default 0. */
  readonly rate?: number;
  /** Items of one `ds_ids_chunk` at most. Default 1,000. */
  readonly chunkSize?: number;
  /** Events per request in batch mode. Default 500. */
  readonly batchSize?: number;
  /** Events waiting for delivery at most. Default 100,000. */
  readonly queueLimit?: number;
  /** First retry wait, ms (doubles up to `retryMaxMs`). Default 500. */
  readonly retryInitialMs?: number;
  /** Default 30,000. */
  readonly retryMaxMs?: number;
  /** Default 10,000. */
  readonly requestTimeoutMs?: number;
}

/** What `restore` does besides republishing the directory as it stands. */
export interface RestoreOptions {
  /** Users removed by the restore: the backup did not have them, so they are not republished. Default 0. */
  readonly omit?: number;
  /** Events of the republication sent a second time, with the same id, later in the stream. Default 0. */
  readonly duplicates?: number;
  /** Shuffles the republication within windows of this many events (their `time` keeps the true order). */
  readonly reorderWindow?: number;
  /** Whether `ds_info_reset_complete` ends the cycle. Default true. */
  readonly complete?: boolean;
}

export interface RestoreOutcome {
  readonly events: number;
  readonly omitted: readonly string[];
  readonly duplicated: number;
  readonly completed: boolean;
}

/** `GET /__emulator/directory`: what was published and delivered. */
export interface PublisherStatus {
  readonly instance: PublisherIdentity;
  readonly url: string;
  readonly mode: DeliveryMode;
  readonly rate: number;
  /** Events made (queued or dropped), by type. */
  readonly publishedByType: Readonly<Record<string, number>>;
  /** Events the receiver accepted, by type. */
  readonly deliveredByType: Readonly<Record<string, number>>;
  readonly lastIdByType: Readonly<Record<string, string>>;
  readonly delivery: DeliveryStats;
  readonly changes: number;
  /** The reset cycle last started: open until its `ds_info_reset_complete` is published. */
  readonly reset: { readonly open: boolean; readonly startedAt: string; readonly events: number } | null;
  readonly counts: { readonly users: number; readonly groups: number; readonly memberships: number };
}

/** A clock advanced by years must not make millions of changes in one tick. */
const MAX_CHANGES_PER_TICK = 10_000;

/**
 * The KSC emulator as `osmp-ds-info-provider` (seed 003): publishes its seeded domain in full on start, then live
 * changes at a rate on the emulator's clock, and a restore cycle (`ds_info_reset` … `ds_info_reset_complete`) on
 * request. Keeps the truth (what a receiver that applied everything holds) for tests to compare.
 */
export class DirectoryPublisher {
  readonly #truth: DirectoryTruth;
  readonly #events: DirectoryEventFactory;
  readonly #delivery: DirectoryDelivery;
  readonly #random: Random;
  readonly #publishedByType = new Map<string, number>();
  readonly #chunkSize: number;
  readonly #rate: number;
  #changes = 0;
  #addedUsers = 0;
  #lastTick: number;
  #carry = 0;
  #paused = false;
  #timer: NodeJS.Timeout | undefined;
  #reset: { open: boolean; startedAt: string; events: number } | null = null;

  constructor(
    world: KscWorld,
    private readonly clock: Clock,
    seed: number,
    private readonly options: DirectoryPublishOptions,
    logger?: EmulatorLogger,
  ) {
    this.#truth = seededDirectory(world, seed);
    this.#events = new DirectoryEventFactory(identityOfSeed(seed), clock);
    this.#random = Random.derive(seed, 'directory-changes');
    this.#chunkSize = options.chunkSize ?? 1000;
    this.#rate = options.rate ?? 0;
    this.#lastTick = clock.now();
    this.#delivery = new DirectoryDelivery({
      url: options.url,
      token: options.token,
      mode: options.mode ?? 'batch',
      batchSize: options.batchSize ?? 500,
      queueLimit: options.queueLimit ?? 100_000,
      retryInitialMs: options.retryInitialMs ?? 500,
      retryMaxMs: options.retryMaxMs ?? 30_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      ...(logger === undefined ? {} : { logger }),
    });
  }

  /** Publishes the directory in full and starts the live changes (checked every 250 ms of real time). */
  start(): void {
    this.publishFull();
    this.#lastTick = this.clock.now();
    this.#timer = setInterval(() => this.tick(), 250);
    this.#timer.unref();
  }

  /**
   * The full publication: groups, users, then memberships — `ds_group_members` per group in chunks, except the
   * department and VPN memberships of every fourth user, published as that user's `ds_obj_memberof` (so a
   * receiver needs both kinds to hold the whole directory).
   */
  fullPublication(): DirectoryCloudEvent[] {
    const events: DirectoryCloudEvent[] = [];
    const groups = this.#truth.objects('group');
    const users = this.#truth.objects('user');
    for (const object of [...groups, ...users]) events.push(this.#events.objectInfo(object));
    const viaMemberOf = new Set(users.filter((_, i) => i % 4 === 0).map((u) => u.key));
    const changeable = new Set(CHANGEABLE_GROUPS.map((name) => `group:${name}`));
    for (const group of groups) {
      const members = this.#truth
        .membersOf(group.key)
        .filter((m) => !(changeable.has(group.key) && viaMemberOf.has(m)))
        .map((m) => this.#object(m));
      if (members.length > 0) {
        events.push(...this.#events.memberships('ds_group_members', group, members, this.#chunkSize));
      }
    }
    for (const key of viaMemberOf) {
      const groupsOf = this.#truth
        .groupsOf(key)
        .filter((g) => changeable.has(g))
        .map((g) => this.#object(g));
      if (groupsOf.length > 0) {
        events.push(
          ...this.#events.memberships('ds_obj_memberof', this.#object(key), groupsOf, this.#chunkSize),
        );
      }
    }
    return events;
  }

  publishFull(): number {
    return this.#publish(this.fullPublication());
  }

  /** Makes the live changes that fell due on the clock since the last tick (none while paused or frozen). */
  tick(): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.#lastTick);
    this.#lastTick = now;
    if (this.#paused || this.#rate <= 0) return 0;
    this.#carry += (elapsed / 1000) * this.#rate;
    const due = Math.min(MAX_CHANGES_PER_TICK, Math.floor(this.#carry));
    this.#carry -= Math.floor(this.#carry);
    return this.change(due);
  }

  /**
   * Makes `count` live changes now: a user added (with two memberships), a user removed, or a membership added or
   * removed — chosen by the seeded random, so one seed gives one sequence of changes.
   */
  change(count: number): number {
    let made = 0;
    // A drawn change may be a no-op (the user is already a member, the group is empty): draw again, a bounded
    // number of times, so `count` changes are made in any directory but an empty one.
    for (let attempts = 0; made < count && attempts < count * 20; attempts++) {
      const roll = this.#random.float();
      const events =
        roll < 0.25
          ? this.#addUser()
          : roll < 0.4
            ? this.#removeUser()
            : roll < 0.75
              ? this.#join()
              : this.#leave();
      if (events.length === 0) continue;
      this.#publish(events);
      made += 1;
    }
    this.#changes += made;
    return made;
  }

  /**
   * A simulated restore from backup: `ds_info_reset`, the directory as it stands after the restore (without the
   * `omit` users), then `ds_info_reset_complete` — with duplicates, reordering or no completion on request.
   */
  restore(options: RestoreOptions = {}): RestoreOutcome {
    const users = this.#truth.objects('user');
    const omitted: string[] = [];
    for (let i = 0; i < Math.min(options.omit ?? 0, users.length); i++) {
      const candidates = this.#truth.objects('user');
      const victim = this.#random.pick(candidates);
      this.#truth.remove(victim.key);
      omitted.push(victim.key);
    }
    const reset = this.#events.make('ds_info_reset');
    const body = this.fullPublication();
    const duplicates = Math.min(options.duplicates ?? 0, body.length);
    for (let i = 0; i < duplicates; i++) {
      const from = this.#random.int(0, body.length - 1);
      const event = body[from];
      if (event !== undefined) body.splice(this.#random.int(from + 1, body.length), 0, event);
    }
    const window = options.reorderWindow ?? 0;
    if (window > 1) {
      for (let start = 0; start < body.length; start += window) {
        for (let i = Math.min(start + window, body.length) - 1; i > start; i--) {
          const j = this.#random.int(start, i);
          [body[i], body[j]] = [body[j] as DirectoryCloudEvent, body[i] as DirectoryCloudEvent];
        }
      }
    }
    const completed = options.complete ?? true;
    const events = [reset, ...body, ...(completed ? [this.#events.make('ds_info_reset_complete')] : [])];
    this.#reset = { open: !completed, startedAt: reset.time ?? '', events: events.length };
    this.#publish(events);
    return { events: events.length, omitted, duplicated: duplicates, completed };
  }

  pause(): void {
    this.#paused = true;
    this.#delivery.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#lastTick = this.clock.now();
    this.#delivery.resume();
  }

  /** Delivers what is queued now, without waiting for the current backoff. */
  flush(): void {
    this.#delivery.retryNow();
  }

  /** Resolves when everything queued has been delivered (or refused). */
  idle(): Promise<void> {
    return this.#delivery.idle();
  }

  truth(): DirectorySnapshot {
    return this.#truth.snapshot();
  }

  status(): PublisherStatus {
    const snapshot = this.#truth.snapshot();
    return {
      instance: this.#events.identity,
      url: this.options.url,
      mode: this.options.mode ?? 'batch',
      rate: this.#rate,
      publishedByType: Object.fromEntries(this.#publishedByType),
      deliveredByType: this.#delivery.deliveredByType(),
      lastIdByType: this.#delivery.lastIdByType(),
      delivery: this.#delivery.stats(),
      changes: this.#changes,
      reset: this.#reset,
      counts: {
        users: snapshot.users.length,
        groups: snapshot.groups.length,
        memberships: snapshot.memberships.length,
      },
    };
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#delivery.close();
  }

  #publish(events: readonly DirectoryCloudEvent[]): number {
    for (const event of events) {
      this.#publishedByType.set(event.type, (this.#publishedByType.get(event.type) ?? 0) + 1);
    }
    return this.#delivery.enqueue(events);
  }

  #object(key: string): DirectoryObject {
    const object = this.#truth.get(key);
    if (object === undefined) throw new Error(`directory publisher: no object ${key}`);
    return object;
  }

  #changeableGroup(): DirectoryObject {
    return this.#object(`group:${this.#random.pick(CHANGEABLE_GROUPS)}`);
  }

  #addUser(): DirectoryCloudEvent[] {
    let user: DirectoryObject;
    do {
      this.#addedUsers += 1;
      const login = `${this.#random.pick(USER_LOGINS)}${this.#addedUsers}`;
      user = userObject(MAIN_DOMAIN, namesOfLogin(login));
    } while (this.#truth.has(user.key));
    this.#truth.add(user);
    const all = this.#object('group:Domain Users');
    const group = this.#changeableGroup();
    this.#truth.addMember(all.key, user.key);
    this.#truth.addMember(group.key, user.key);
    return [
      this.#events.objectInfo(user),
      ...this.#events.memberships('ds_group_members', all, [user], this.#chunkSize),
      ...this.#events.memberships('ds_obj_memberof', user, [group], this.#chunkSize),
    ];
  }

  #removeUser(): DirectoryCloudEvent[] {
    const users = this.#truth.objects('user');
    if (users.length === 0) return [];
    const user = this.#random.pick(users);
    this.#truth.remove(user.key);
    return this.#events.objectsDeleted([user], this.#chunkSize);
  }

  #join(): DirectoryCloudEvent[] {
    const users = this.#truth.objects('user');
    if (users.length === 0) return [];
    const user = this.#random.pick(users);
    const group = this.#changeableGroup();
    if (!this.#truth.addMember(group.key, user.key)) return [];
    return this.#random.chance(0.5)
      ? this.#events.memberships('ds_group_members', group, [user], this.#chunkSize)
      : this.#events.memberships('ds_obj_memberof', user, [group], this.#chunkSize);
  }

  #leave(): DirectoryCloudEvent[] {
    const group = this.#changeableGroup();
    const members = this.#truth.membersOf(group.key);
    if (members.length === 0) return [];
    const user = this.#object(this.#random.pick(members));
    this.#truth.removeMember(group.key, user.key);
    return this.#random.chance(0.5)
      ? this.#events.memberships('ds_group_members_deleted', group, [user], this.#chunkSize)
      : this.#events.memberships('ds_obj_memberof_deleted', user, [group], this.#chunkSize);
  }
}
