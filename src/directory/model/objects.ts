import type { Kysely, Selectable } from 'kysely';
import type { DirectoryTables } from './schema.ts';
import { identifierKey, type Identifier } from './identity.ts';

export type Db = Kysely<DirectoryTables>;
export type ObjectRow = Selectable<DirectoryTables['kconnect_directory_objects']>;

/** Where an event's objects live: a publisher's generation, one virtual server of it. */
export interface Scope {
  readonly publisherId: number;
  readonly generation: number;
  readonly vsKey: string;
  readonly vsUid: string | null;
  readonly vsId: string | null;
}

/** Work on each IN list in slices, so no statement nears a backend's parameter limit. */
export const SLICE = 500;

export function slices<T>(items: readonly T[], size = SLICE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function stateOf(infoClock: string | null, deleteClock: string | null): string {
  if (infoClock !== null && (deleteClock === null || infoClock > deleteClock)) return 'live';
  if (deleteClock !== null) return 'deleted';
  return 'placeholder';
}

/** The objects already holding any of the identifiers: identifier key → object id. */
export async function findHolders(
  db: Db,
  scope: Scope,
  ids: readonly Identifier[],
): Promise<Map<string, number>> {
  const holders = new Map<string, number>();
  const values = [...new Set(ids.map((id) => id.value))];
  for (const part of slices(values)) {
    const rows = await db
      .selectFrom('kconnect_directory_identifiers')
      .select(['kind', 'value', 'object_id'])
      .where('publisher_id', '=', scope.publisherId)
      .where('generation', '=', scope.generation)
      .where('vs_key', '=', scope.vsKey)
      .where('value', 'in', part)
      .execute();
    for (const row of rows) holders.set(`${row.kind}\u0000${row.value}`, Number(row.object_id));
  }
  return holders;
}

export async function loadObjects(db: Db, ids: readonly number[]): Promise<Map<number, ObjectRow>> {
  const out = new Map<number, ObjectRow>();
  for (const part of slices([...new Set(ids)])) {
    const rows = await db
      .selectFrom('kconnect_directory_objects')
      .selectAll()
      .where('id', 'in', part)
      .execute();
    for (const row of rows) out.set(Number(row.id), { ...row, id: Number(row.id) });
  }
  return out;
}

/** The objects an event's identifiers point at, the one of the strongest identifier first. */
export function candidatesOf(ids: readonly Identifier[], holders: Map<string, number>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const holder = holders.get(identifierKey(id));
    if (holder !== undefined && !out.includes(holder)) out.push(holder);
  }
  return out;
}

/** Identifiers that never change for one directory object: a candidate holding another value of one is another object. */
const IMMUTABLE: readonly string[] = ['trustee', 'uid'];

/**
 * The event's object among the candidates: the first (strongest identifier first) that holds no different
 * trustee or uid than the event names. Undefined when every candidate is another object: the event's is new.
 */
export async function pickPrimary(
  db: Db,
  ids: readonly Identifier[],
  candidates: readonly number[],
): Promise<number | undefined> {
  const named = ids.filter((id) => IMMUTABLE.includes(id.kind));
  if (candidates.length === 0) return undefined;
  if (named.length === 0) return candidates[0];
  const rows = await db
    .selectFrom('kconnect_directory_identifiers')
    .select(['object_id', 'kind', 'value'])
    .where('object_id', 'in', [...candidates])
    .where('kind', 'in', [...IMMUTABLE])
    .execute();
  return candidates.find(
    (candidate) =>
      !rows.some(
        (row) =>
          Number(row.object_id) === candidate &&
          named.some((id) => id.kind === row.kind && id.value !== row.value),
      ),
  );
}

export async function createObject(
  db: Db,
  scope: Scope,
  kind: string | null,
  ids: readonly Identifier[],
  /** Columns of a description known at creation, so a new object costs one insert. */
  described: Partial<Omit<ObjectRow, 'id' | 'publisher_id' | 'generation' | 'vs_key'>> = {},
): Promise<number> {
  const row = await db
    .insertInto('kconnect_directory_objects')
    .values({
      publisher_id: scope.publisherId,
      generation: scope.generation,
      vs_key: scope.vsKey,
      vs_uid: scope.vsUid,
      vs_id: scope.vsId,
      kind,
      state: 'placeholder',
      trustee_id: null,
      trustee_sfx: null,
      info: null,
      info_original: null,
      display_lc: null,
      upn_lc: null,
      sam_lc: null,
      mail_lc: null,
      dn_lc: null,
      sid_bin: null,
      info_clock: null,
      delete_clock: null,
      ...described,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (ids.length > 0) {
    await db
      .insertInto('kconnect_directory_identifiers')
      .values(
        ids.map((i) => ({
          publisher_id: scope.publisherId,
          generation: scope.generation,
          vs_key: scope.vsKey,
          value: i.value,
          kind: i.kind,
          object_id: id,
        })),
      )
      .execute();
  }
  return id;
}

async function identifiersOf(db: Db, objectId: number): Promise<Identifier[]> {
  const rows = await db
    .selectFrom('kconnect_directory_identifiers')
    .select(['kind', 'value'])
    .where('object_id', '=', objectId)
    .execute();
  return rows.map((r) => ({ kind: r.kind as Identifier['kind'], value: r.value }));
}

/**
 * Makes `primary` the holder of every identifier of the event (decision 0054: the latest event naming identifiers
 * together is believed): an identifier another object held moves; a different value of a kind the primary had is
 * replaced. Then every other candidate is merged into the primary unless it still holds a different value of a
 * kind the primary has (two objects, both real: they stay apart).
 */
export async function claim(
  db: Db,
  scope: Scope,
  primary: number,
  ids: readonly Identifier[],
  holders: Map<string, number>,
): Promise<void> {
  const others = new Set<number>();
  let own: Identifier[] | undefined;
  for (const id of ids) {
    const holder = holders.get(identifierKey(id));
    if (holder === primary) continue;
    own ??= await identifiersOf(db, primary);
    const replaced = own.find((o) => o.kind === id.kind && o.value !== id.value);
    if (replaced !== undefined) {
      await db
        .deleteFrom('kconnect_directory_identifiers')
        .where('object_id', '=', primary)
        .where('kind', '=', id.kind)
        .execute();
      own = own.filter((o) => o !== replaced);
    }
    if (holder !== undefined) {
      others.add(holder);
      await db
        .updateTable('kconnect_directory_identifiers')
        .set({ object_id: primary })
        .where('publisher_id', '=', scope.publisherId)
        .where('generation', '=', scope.generation)
        .where('vs_key', '=', scope.vsKey)
        .where('value', '=', id.value)
        .where('kind', '=', id.kind)
        .execute();
    } else {
      await db
        .insertInto('kconnect_directory_identifiers')
        .values({
          publisher_id: scope.publisherId,
          generation: scope.generation,
          vs_key: scope.vsKey,
          value: id.value,
          kind: id.kind,
          object_id: primary,
        })
        .execute();
    }
    own.push(id);
    holders.set(identifierKey(id), primary);
  }
  for (const other of others) {
    const left = await identifiersOf(db, other);
    const conflict = left.some((l) => own?.some((o) => o.kind === l.kind && o.value !== l.value) ?? false);
    if (!conflict) {
      await merge(db, primary, other);
      own = [...(own ?? []), ...left];
    }
  }
}

/** Folds `other` into `keep`: identifiers, memberships (the newer edge of each pair wins), clocks and info. */
async function merge(db: Db, keep: number, other: number): Promise<void> {
  await db
    .updateTable('kconnect_directory_identifiers')
    .set({ object_id: keep })
    .where('object_id', '=', other)
    .execute();
  const edges = await db
    .selectFrom('kconnect_directory_memberships')
    .selectAll()
    .where((eb) => eb.or([eb('group_id', '=', other), eb('member_id', '=', other)]))
    .execute();
  await db
    .deleteFrom('kconnect_directory_memberships')
    .where((eb) => eb.or([eb('group_id', '=', other), eb('member_id', '=', other)]))
    .execute();
  for (const edge of edges) {
    const group = Number(edge.group_id) === other ? keep : Number(edge.group_id);
    const member = Number(edge.member_id) === other ? keep : Number(edge.member_id);
    const existing = await db
      .selectFrom('kconnect_directory_memberships')
      .select('clock')
      .where('group_id', '=', group)
      .where('member_id', '=', member)
      .executeTakeFirst();
    if (existing !== undefined && existing.clock >= edge.clock) continue;
    await db
      .insertInto('kconnect_directory_memberships')
      .values({ ...edge, group_id: group, member_id: member })
      .onConflict((oc) =>
        oc.columns(['group_id', 'member_id']).doUpdateSet({ present: edge.present, clock: edge.clock }),
      )
      .execute();
  }
  const rows = await loadObjects(db, [keep, other]);
  const a = rows.get(keep)!;
  const b = rows.get(other)!;
  const described = (b.info_clock ?? '') > (a.info_clock ?? '') ? b : a;
  const deleteClock = (b.delete_clock ?? '') > (a.delete_clock ?? '') ? b.delete_clock : a.delete_clock;
  const { id: _id, ...fields } = described;
  await db
    .updateTable('kconnect_directory_objects')
    .set({
      ...fields,
      kind: described.kind ?? a.kind ?? b.kind,
      delete_clock: deleteClock,
      state: stateOf(described.info_clock, deleteClock),
    })
    .where('id', '=', keep)
    .execute();
  await db.deleteFrom('kconnect_directory_objects').where('id', '=', other).execute();
}
