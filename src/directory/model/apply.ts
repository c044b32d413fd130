/**
 * Applying one checked event inside its transaction. Every function here returns whether the event changed
 * anything the queries can see; the caller counts it, marks it seen and commits.
 */
import type { Selectable } from 'kysely';
import type {
  DirectoryInfo,
  MembershipEvent,
  ObjectInfoEvent,
  ObjectsDeletedEvent,
  PublisherInstance,
} from '../types.ts';
import { folded, identifiersOfIds, identifiersOfInfo, type Identifier } from './identity.ts';
import {
  candidatesOf,
  claim,
  createObject,
  findHolders,
  loadObjects,
  pickPrimary,
  slices,
  stateOf,
  type Db,
  type Scope,
} from './objects.ts';
import type { DirectoryTables } from './schema.ts';

export type PublisherRow = Selectable<DirectoryTables['kconnect_directory_publishers']>;

/** The virtual server part of an instance: '' for the main server (an event without `ksc_vs_*`). */
export function vsKeyOf(instance: PublisherInstance): string {
  if (instance.kscVsUid !== undefined && instance.kscVsUid !== '') return instance.kscVsUid;
  if (instance.kscVsId !== undefined && instance.kscVsId !== '') return `#${instance.kscVsId}`;
  return '';
}

export function scopeOf(publisher: PublisherRow, instance: PublisherInstance): Scope {
  return {
    publisherId: Number(publisher.id),
    generation: Number(publisher.pending_generation ?? publisher.generation),
    vsKey: vsKeyOf(instance),
    vsUid: instance.kscVsUid ?? null,
    vsId: instance.kscVsId ?? null,
  };
}

/** The object an event names, created as a placeholder when none holds any of its identifiers. */
async function resolve(
  db: Db,
  scope: Scope,
  ids: readonly Identifier[],
  kind: string | null,
): Promise<number> {
  const holders = await findHolders(db, scope, ids);
  const candidates = candidatesOf(ids, holders);
  if (candidates.length === 0) return createObject(db, scope, kind, ids);
  const primary = (await pickPrimary(db, ids, candidates)) ?? (await createObject(db, scope, kind, []));
  if (candidates.length > 1 || ids.some((id) => holders.get(`${id.kind}\u0000${id.value}`) !== primary))
    await claim(db, scope, primary, ids, holders);
  return primary;
}

function infoJson(info: DirectoryInfo | undefined): string | null {
  return info === undefined ? null : JSON.stringify(info);
}

export async function applyObjectInfo(
  db: Db,
  scope: Scope,
  event: ObjectInfoEvent,
  clock: string,
): Promise<boolean> {
  const ids = identifiersOfInfo(event.trustee, event.info);
  const holders = await findHolders(db, scope, ids);
  const candidates = candidatesOf(ids, holders);
  const primary = await pickPrimary(db, ids, candidates);
  if (primary !== undefined) {
    // Staleness is judged before anything moves, so a stale event leaves even the identifiers as they were.
    const current = (await loadObjects(db, [primary])).get(primary)!;
    if (
      (current.info_clock !== null && clock < current.info_clock) ||
      (current.delete_clock !== null && clock < current.delete_clock)
    )
      return false;
  }
  const kind = event.type === 'ds_user_info' ? 'user' : 'group';
  const { info } = event;
  const described = {
    kind,
    vs_uid: scope.vsUid,
    vs_id: scope.vsId,
    trustee_id: event.trustee.id,
    trustee_sfx: event.trustee.sfx,
    info: infoJson(info),
    info_original: infoJson(event.infoOriginal),
    display_lc: folded(info.displayName),
    upn_lc: folded(info.upn),
    sam_lc: folded(info.samName),
    mail_lc: folded(info.mail),
    dn_lc: folded(info.dn),
    sid_bin: info.sidBin?.trim() ?? null,
    info_clock: clock,
  };
  if (candidates.length === 0) {
    // A new object: described in the one insert.
    await createObject(db, scope, kind, ids, { ...described, state: 'live' });
    return true;
  }
  const id = primary ?? (await createObject(db, scope, kind, []));
  await claim(db, scope, id, ids, holders);
  const merged = (await loadObjects(db, [id])).get(id)!;
  await db
    .updateTable('kconnect_directory_objects')
    .set({ ...described, state: stateOf(clock, merged.delete_clock) })
    .where('id', '=', id)
    .execute();
  return true;
}

export async function applyObjectsDeleted(
  db: Db,
  scope: Scope,
  event: ObjectsDeletedEvent,
  clock: string,
): Promise<boolean> {
  let changed = false;
  for (const item of event.chunk) {
    const ids = identifiersOfIds(item);
    if (ids.length === 0) continue;
    // A deletion of an object not known yet leaves a tombstone: an older description arriving later stays stale.
    const id = await resolve(db, scope, ids, null);
    const row = (await loadObjects(db, [id])).get(id)!;
    if (row.delete_clock !== null && row.delete_clock >= clock) continue;
    const state = stateOf(row.info_clock, clock);
    await db
      .updateTable('kconnect_directory_objects')
      .set({ delete_clock: clock, state })
      .where('id', '=', id)
      .execute();
    const removed = await db
      .updateTable('kconnect_directory_memberships')
      .set({ present: 0, clock })
      .where((eb) => eb.or([eb('group_id', '=', id), eb('member_id', '=', id)]))
      .where('present', '=', 1)
      .where('clock', '<', clock)
      .executeTakeFirst();
    if (state !== row.state || Number(removed.numUpdatedRows) > 0) changed = true;
  }
  return changed;
}

export async function applyMembership(
  db: Db,
  scope: Scope,
  event: MembershipEvent,
  clock: string,
): Promise<boolean> {
  const subjectIds = identifiersOfIds(event.subject);
  const subjectIsGroup = event.type === 'ds_group_members' || event.type === 'ds_group_members_deleted';
  const present = event.type.endsWith('_deleted') ? 0 : 1;
  if (subjectIds.length === 0) return false;
  const subject = await resolve(db, scope, subjectIds, subjectIsGroup ? 'group' : null);
  const others = await resolveChunk(db, scope, event.chunk, subjectIsGroup ? null : 'group');
  const pairs = others.map((other) =>
    subjectIsGroup ? { group: subject, member: other } : { group: other, member: subject },
  );
  const objects = await loadObjects(db, [subject, ...others]);
  let changed = false;
  for (const part of slices(pairs)) {
    const existing = new Map<string, string>();
    const rows = await db
      .selectFrom('kconnect_directory_memberships')
      .select(['group_id', 'member_id', 'clock'])
      .where(subjectIsGroup ? 'group_id' : 'member_id', '=', subject)
      .where(
        subjectIsGroup ? 'member_id' : 'group_id',
        'in',
        part.map((p) => (subjectIsGroup ? p.member : p.group)),
      )
      .execute();
    for (const row of rows) existing.set(`${row.group_id}:${row.member_id}`, row.clock);
    const writes = part.filter((p) => {
      const edge = existing.get(`${p.group}:${p.member}`);
      if (edge !== undefined && edge >= clock) return false;
      // An endpoint deleted by a newer event: the membership went with it.
      const deleted = [objects.get(p.group)?.delete_clock, objects.get(p.member)?.delete_clock];
      return !deleted.some((d) => d !== null && d !== undefined && d > clock);
    });
    const unique = [...new Map(writes.map((w) => [`${w.group}:${w.member}`, w])).values()];
    if (unique.length === 0) continue;
    changed = true;
    await db
      .insertInto('kconnect_directory_memberships')
      .values(
        unique.map((w) => ({
          group_id: w.group,
          member_id: w.member,
          publisher_id: scope.publisherId,
          generation: scope.generation,
          present,
          clock,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['group_id', 'member_id']).doUpdateSet((eb) => ({
          present: eb.ref('excluded.present'),
          clock: eb.ref('excluded.clock'),
        })),
      )
      .execute();
  }
  return changed;
}

/**
 * The objects of a chunk. The common case — each item names one identifier already known — costs one query per
 * slice; items that introduce identifiers or link several objects go through `resolve` one by one.
 */
async function resolveChunk(
  db: Db,
  scope: Scope,
  chunk: MembershipEvent['chunk'],
  kind: string | null,
): Promise<number[]> {
  const items = chunk.map(identifiersOfIds).filter((ids) => ids.length > 0);
  const holders = await findHolders(db, scope, items.flat());
  const out: number[] = [];
  let slow = false;
  for (const ids of items) {
    const candidates = candidatesOf(ids, holders);
    const known =
      candidates.length === 1 &&
      ids.every((id) => holders.get(`${id.kind}\u0000${id.value}`) === candidates[0]);
    if (known) out.push(candidates[0]!);
    else {
      slow = true;
      const id = await resolve(db, scope, ids, kind);
      for (const i of ids) holders.set(`${i.kind}\u0000${i.value}`, id);
      out.push(id);
    }
  }
  if (!slow) return out;
  // A later item may have merged an earlier item's object into another: read where each item lives now.
  const now = await findHolders(db, scope, items.flat());
  return items.map((ids, i) => candidatesOf(ids, now)[0] ?? out[i]!);
}
