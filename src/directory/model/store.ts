import type { Kysely } from 'kysely';
import {
  openDatabase,
  type DatabaseKind,
  type DatabaseLocation,
  type OpenDatabase,
} from '../../store/database.ts';
import { migrate } from '../../store/migrations.ts';
import type {
  ApplyOutcome,
  DirectoryApplier,
  DirectoryEvent,
  PublisherInstance,
  RejectionChannel,
} from '../types.ts';
import {
  applyMembership,
  applyObjectInfo,
  applyObjectsDeleted,
  scopeOf,
  type PublisherRow,
} from './apply.ts';
import { clockOf, laterClock, timeOfClock } from './clock.ts';
import { NoResetInProgressError } from './errors.ts';
import { sidToBase64 } from './identity.ts';
import type { Db } from './objects.ts';
import { list, match, objectsByIds, relations, walk } from './queries.ts';
import { abandonPending, completeReset, openReset } from './reset.ts';
import { DIRECTORY_MIGRATIONS, type DirectoryTables } from './schema.ts';
import type {
  DirectoryIdentity,
  DirectoryObject,
  DirectoryStatus,
  GroupMembersLookup,
  IdentityQuery,
  InstanceStatus,
  ListOptions,
  ListPage,
  RejectedEvents,
  RejectionCount,
  ResetInProgress,
  UserLookup,
} from './views.ts';

/** A group as enrichment names it: its display name, else its sAMAccountName, else the model's id. */
function groupName(group: DirectoryObject): string {
  return group.info.displayName ?? group.info.samName ?? String(group.id);
}

export interface DirectoryStoreOptions {
  /** Milliseconds since the epoch, for a reset's age. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The directory model on the state store (SQLite or PostgreSQL): applies checked directory events, each in its own
 * transaction, and answers the queries the directory commands and enrichment are built on. Conventions in
 * docs/decisions/0054-directory-model.md.
 */
export class DirectoryStore implements DirectoryApplier {
  /** Applies run one after another in this process; on PostgreSQL the publisher row lock orders processes. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  /** Refusals counted by this process, keyed `via` + NUL + reason: the table holds the totals. */
  private readonly rejectedSinceStart = new Map<string, number>();

  private constructor(
    private readonly db: Db,
    private readonly kind: DatabaseKind,
    private readonly owned: OpenDatabase<DirectoryTables> | undefined,
    options: DirectoryStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Opens (and migrates) the directory tables at a location; `close()` closes the database. */
  static async open(
    location: DatabaseLocation,
    options: DirectoryStoreOptions = {},
  ): Promise<DirectoryStore> {
    const opened = openDatabase<DirectoryTables>(location);
    try {
      await migrate(opened.db as Kysely<unknown>, opened.kind, DIRECTORY_MIGRATIONS);
    } catch (error) {
      await opened.close();
      throw error;
    }
    return new DirectoryStore(opened.db, opened.kind, opened, options);
  }

  /** The directory on a database the caller opened and closes (the service's state store, a test's wrapped one). */
  static async on(
    db: Kysely<DirectoryTables>,
    kind: DatabaseKind,
    options: DirectoryStoreOptions = {},
  ): Promise<DirectoryStore> {
    await migrate(db as Kysely<unknown>, kind, DIRECTORY_MIGRATIONS);
    return new DirectoryStore(db, kind, undefined, options);
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.owned?.close();
  }

  /**
   * One database transaction per call, one savepoint per event: each event is still applied whole or not at all
   * (a failing one is rolled back to its savepoint, the ones before it are committed, the call rejects), while the
   * commit — most of an event's cost on SQLite, where every commit writes its pages to the WAL — is paid once per
   * call (decision 0054).
   */
  apply(events: readonly DirectoryEvent[]): Promise<readonly ApplyOutcome[]> {
    const run = this.queue.then(async () => {
      const outcomes: ApplyOutcome[] = [];
      if (events.length === 0) return outcomes;
      const trx = await this.db.startTransaction().execute();
      // Publisher rows read in this transaction (locked on PostgreSQL): later events of the call reuse them.
      const publishers = new Map<string, PublisherRow>();
      let failure: unknown;
      try {
        for (const event of events) {
          const inEvent = await trx.savepoint('directory_event').execute();
          try {
            outcomes.push(await this.applyOne(inEvent, event, publishers));
            await inEvent.releaseSavepoint('directory_event').execute();
          } catch (error) {
            await inEvent.rollbackToSavepoint('directory_event').execute();
            failure = error;
            break;
          }
        }
        await trx.commit().execute();
      } catch (error) {
        await trx
          .rollback()
          .execute()
          .catch(() => undefined);
        throw error;
      }
      if (failure !== undefined) throw failure;
      return outcomes;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Adds refused events to the persisted counts (one transaction per call) and to this process's own. */
  countRejected(via: RejectionChannel, reasons: readonly string[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    const run = this.queue.then(async () => {
      if (counts.size === 0) return;
      await this.db.transaction().execute(async (trx) => {
        for (const [reason, count] of counts) {
          await trx
            .insertInto('kconnect_directory_rejections')
            .values({ via, reason, count })
            .onConflict((oc) =>
              oc.columns(['via', 'reason']).doUpdateSet((eb) => ({
                count: eb('kconnect_directory_rejections.count', '+', eb.ref('excluded.count')),
              })),
            )
            .execute();
        }
      });
      for (const [reason, count] of counts) {
        const key = `${via}\u0000${reason}`;
        this.rejectedSinceStart.set(key, (this.rejectedSinceStart.get(key) ?? 0) + count);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async rejected(): Promise<RejectedEvents> {
    const rows = await this.db
      .selectFrom('kconnect_directory_rejections')
      .selectAll()
      .orderBy('via')
      .orderBy('reason')
      .execute();
    const reasons: RejectionCount[] = rows.map((row) => ({
      via: row.via as RejectionChannel,
      reason: row.reason,
      total: Number(row.count),
      sinceStart: this.rejectedSinceStart.get(`${row.via}\u0000${row.reason}`) ?? 0,
    }));
    return {
      total: reasons.reduce((n, r) => n + r.total, 0),
      sinceStart: reasons.reduce((n, r) => n + r.sinceStart, 0),
      reasons,
    };
  }

  private async applyOne(
    trx: Db,
    event: DirectoryEvent,
    publishers: Map<string, PublisherRow>,
  ): Promise<ApplyOutcome> {
    const clock = clockOf(event.time, event.id);
    const key = JSON.stringify([event.instance.tenantId, event.instance.kscInstanceId]);
    const publisher = publishers.get(key) ?? (await this.publisher(trx, event.instance));
    // A reset changes the generations: the next event reads the row again.
    if (event.type === 'ds_info_reset' || event.type === 'ds_info_reset_complete') publishers.delete(key);
    else
      publishers.set(key, { ...publisher, last_event_clock: laterClock(publisher.last_event_clock, clock) });
    const id = Number(publisher.id);
    const seen = await trx
      .selectFrom('kconnect_directory_seen')
      .select('id')
      .where('source', '=', event.source)
      .where('id', '=', event.id)
      .executeTakeFirst();
    if (seen !== undefined) {
      await trx
        .updateTable('kconnect_directory_publishers')
        .set((eb) => ({ duplicates: eb('duplicates', '+', 1) }))
        .where('id', '=', id)
        .execute();
      return 'duplicate';
    }
    await trx
      .insertInto('kconnect_directory_seen')
      .values({ source: event.source, id: event.id, received_at: this.now() })
      .execute();
    const changed = await this.change(trx, publisher, event, clock);
    const resetOpen =
      publisher.pending_generation !== null &&
      event.type !== 'ds_info_reset' &&
      event.type !== 'ds_info_reset_complete';
    await trx
      .updateTable('kconnect_directory_publishers')
      .set((eb) => ({
        applied: changed ? eb('applied', '+', 1) : eb.ref('applied'),
        stale: changed ? eb.ref('stale') : eb('stale', '+', 1),
        reset_events: resetOpen ? eb('reset_events', '+', 1) : eb.ref('reset_events'),
        last_event_clock: laterClock(publisher.last_event_clock, clock),
      }))
      .where('id', '=', id)
      .execute();
    return changed ? 'applied' : 'stale';
  }

  private async change(
    trx: Db,
    publisher: PublisherRow,
    event: DirectoryEvent,
    clock: string,
  ): Promise<boolean> {
    if (event.type === 'ds_info_reset') return openReset(trx, publisher, clock, this.now());
    if (event.type === 'ds_info_reset_complete') return completeReset(trx, publisher, clock);
    // An object event older than the reset that opened the generation it would land in predates the republication.
    const base = publisher.pending_base_clock ?? publisher.base_clock;
    if (clock < base) return false;
    const scope = scopeOf(publisher, event.instance);
    switch (event.type) {
      case 'ds_user_info':
      case 'ds_group_info':
        return applyObjectInfo(trx, scope, event, clock);
      case 'ds_obj_deleted':
        return applyObjectsDeleted(trx, scope, event, clock);
      case 'ds_group_members':
      case 'ds_group_members_deleted':
      case 'ds_obj_memberof':
      case 'ds_obj_memberof_deleted':
        return applyMembership(trx, scope, event, clock);
    }
  }

  /** The publisher row of an instance, made on its first event; on PostgreSQL locked for the transaction. */
  private async publisher(trx: Db, instance: PublisherInstance): Promise<PublisherRow> {
    await trx
      .insertInto('kconnect_directory_publishers')
      .values({
        tenant_id: instance.tenantId,
        ksc_instance_id: instance.kscInstanceId,
        generation: 1,
        base_clock: '',
        pending_generation: null,
        pending_base_clock: null,
        reset_started_at: null,
        reset_events: 0,
        last_event_clock: null,
        applied: 0,
        duplicates: 0,
        stale: 0,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'ksc_instance_id']).doNothing())
      .execute();
    let query = trx
      .selectFrom('kconnect_directory_publishers')
      .selectAll()
      .where('tenant_id', '=', instance.tenantId)
      .where('ksc_instance_id', '=', instance.kscInstanceId);
    if (this.kind === 'postgres') query = query.forUpdate();
    return query.executeTakeFirstOrThrow();
  }

  /** Drops the generation an open reset was filling; queries go on from the complete one. */
  async abandonReset(instance: Pick<PublisherInstance, 'tenantId' | 'kscInstanceId'>): Promise<void> {
    const run = this.queue.then(() =>
      this.db.transaction().execute(async (trx) => {
        let query = trx
          .selectFrom('kconnect_directory_publishers')
          .selectAll()
          .where('tenant_id', '=', instance.tenantId)
          .where('ksc_instance_id', '=', instance.kscInstanceId);
        if (this.kind === 'postgres') query = query.forUpdate();
        const publisher = await query.executeTakeFirst();
        if (publisher?.pending_generation === null || publisher === undefined)
          throw new NoResetInProgressError(instance.tenantId, instance.kscInstanceId);
        await abandonPending(trx, publisher);
      }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  async getUser(identifier: string): Promise<UserLookup> {
    const matched = await match(this.db, identifier, 'user');
    const users = await objectsByIds(this.db, [...matched.keys()]);
    const candidates = [];
    for (const user of users) {
      const { reached, depthLimited } = await walk(this.db, user.id, 'up');
      const groups = await relations(this.db, reached);
      candidates.push({
        user,
        matchedBy: matched.get(user.id) ?? [],
        directGroups: groups.filter((g) => g.depth === 1).map((g) => g.object),
        groups,
        depthLimited,
      });
    }
    return { identifier, candidates };
  }

  listUsers(options: ListOptions = {}): Promise<ListPage> {
    return list(this.db, 'user', options);
  }

  listGroups(options: ListOptions = {}): Promise<ListPage> {
    return list(this.db, 'group', options);
  }

  async groupMembers(group: string, options: { transitive?: boolean } = {}): Promise<GroupMembersLookup> {
    const matched = await match(this.db, group, 'group');
    const groups = await objectsByIds(this.db, [...matched.keys()]);
    const candidates = [];
    for (const object of groups) {
      const { reached, depthLimited } = await walk(
        this.db,
        object.id,
        'down',
        options.transitive === true ? undefined : 1,
      );
      candidates.push({
        group: object,
        members: await relations(this.db, reached),
        depthLimited: options.transitive === true && depthLimited,
      });
    }
    return { identifier: group, candidates };
  }

  /** The directory identities a KSC trustee, SID, uid or UPN belongs to (enrichment); several when ambiguous. */
  async identityFor(query: IdentityQuery): Promise<readonly DirectoryIdentity[]> {
    let q = this.db
      .selectFrom('kconnect_directory_objects as o')
      .innerJoin('kconnect_directory_publishers as p', (join) =>
        join.onRef('p.id', '=', 'o.publisher_id').onRef('p.generation', '=', 'o.generation'),
      )
      .select('o.id')
      .where('o.state', '=', 'live')
      .where('o.kind', '=', 'user');
    let constrained = false;
    if (query.trusteeId !== undefined) {
      q = q.where('o.trustee_id', '=', query.trusteeId);
      if (query.trusteeSfx !== undefined) q = q.where('o.trustee_sfx', '=', query.trusteeSfx);
      constrained = true;
    }
    if (query.sid !== undefined) {
      q = q.where('o.sid_bin', '=', sidToBase64(query.sid) ?? query.sid.trim());
      constrained = true;
    }
    if (query.upn !== undefined) {
      q = q.where('o.upn_lc', '=', query.upn.trim().toLowerCase());
      constrained = true;
    }
    for (const [kind, value] of [
      ['sid_hash', query.sidHash],
      ['uid', query.uid?.toLowerCase()],
    ] as const) {
      if (value === undefined) continue;
      q = q.where('o.id', 'in', (eb) =>
        eb
          .selectFrom('kconnect_directory_identifiers')
          .select('object_id')
          .where('kind', '=', kind)
          .where('value', '=', value.trim()),
      );
      constrained = true;
    }
    if (query.instance !== undefined) {
      q = q
        .where('p.tenant_id', '=', query.instance.tenantId)
        .where('p.ksc_instance_id', '=', query.instance.kscInstanceId);
    }
    if (!constrained) return [];
    const ids = (await q.execute()).map((row) => Number(row.id));
    const users = await objectsByIds(this.db, ids);
    const out: DirectoryIdentity[] = [];
    for (const user of users) {
      const { reached } = await walk(this.db, user.id, 'up');
      const groups = await relations(this.db, reached);
      out.push({
        instance: user.instance,
        trustee: user.trustee,
        displayName: user.info.displayName,
        upn: user.info.upn,
        samName: user.info.samName,
        mail: user.info.mail,
        groups: groups.map((g) => groupName(g.object)),
        directGroups: groups.filter((g) => g.depth === 1).map((g) => groupName(g.object)),
      });
    }
    return out;
  }

  /**
   * The instances with a reset open, read from the publishers' rows only: cheap enough for every query to say
   * that it answers from the last complete generation.
   */
  async resetsInProgress(): Promise<readonly ResetInProgress[]> {
    const rows = await this.db
      .selectFrom('kconnect_directory_publishers')
      .selectAll()
      .where('pending_generation', 'is not', null)
      .orderBy('id')
      .execute();
    return rows.map((p) => ({
      tenantId: p.tenant_id,
      kscInstanceId: p.ksc_instance_id,
      generation: Number(p.generation),
      since: timeOfClock(p.pending_base_clock ?? ''),
      ageMs: this.now() - Number(p.reset_started_at ?? 0),
      eventsReceived: Number(p.reset_events),
      pendingGeneration: Number(p.pending_generation),
    }));
  }

  async status(): Promise<DirectoryStatus> {
    const publishers = await this.db
      .selectFrom('kconnect_directory_publishers')
      .selectAll()
      .orderBy('id')
      .execute();
    const instances: InstanceStatus[] = [];
    for (const p of publishers) {
      const counts = await this.db
        .selectFrom('kconnect_directory_objects')
        .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
        .where('publisher_id', '=', p.id)
        .where('generation', '=', p.generation)
        .where('state', '=', 'live')
        .groupBy('kind')
        .execute();
      const edges = await this.db
        .selectFrom('kconnect_directory_memberships as m')
        .innerJoin('kconnect_directory_objects as g', 'g.id', 'm.group_id')
        .innerJoin('kconnect_directory_objects as x', 'x.id', 'm.member_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('m.publisher_id', '=', p.id)
        .where('m.generation', '=', p.generation)
        .where('m.present', '=', 1)
        .where('g.state', '=', 'live')
        .where('x.state', '=', 'live')
        .executeTakeFirstOrThrow();
      const count = (kind: string) => Number(counts.find((c) => c.kind === kind)?.n ?? 0);
      instances.push({
        tenantId: p.tenant_id,
        kscInstanceId: p.ksc_instance_id,
        generation: Number(p.generation),
        users: count('user'),
        groups: count('group'),
        memberships: Number(edges.n),
        resetInProgress:
          p.pending_generation === null
            ? undefined
            : {
                since: timeOfClock(p.pending_base_clock ?? ''),
                ageMs: this.now() - Number(p.reset_started_at ?? 0),
                eventsReceived: Number(p.reset_events),
                pendingGeneration: Number(p.pending_generation),
              },
        lastEventTime: p.last_event_clock === null ? undefined : timeOfClock(p.last_event_clock),
        events: { applied: Number(p.applied), duplicate: Number(p.duplicates), stale: Number(p.stale) },
      });
    }
    return { instances, rejected: await this.rejected() };
  }
}
