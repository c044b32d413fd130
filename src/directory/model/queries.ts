/**
 * Reads of the directory: only live objects of each publisher's complete generation are visible (a pending
 * reset's generation, placeholders and tombstones never are).
 */
import { sql, type SqlBool } from 'kysely';
import type { DirectoryInfo } from '../types.ts';
import { timeOfClock } from './clock.ts';
import { DirectoryQueryError } from './errors.ts';
import { folded, sidToBase64 } from './identity.ts';
import { slices, type Db, type ObjectRow } from './objects.ts';
import type {
  DirectoryObject,
  DirectoryObjectKind,
  DirectoryRelation,
  ListOptions,
  ListPage,
  MatchedBy,
} from './views.ts';

/** How deep nesting is followed (decision 0054): AD itself has no limit; 32 is far beyond real directories. */
export const MAX_NESTING_DEPTH = 32;

type Row = ObjectRow & { tenant_id: string; ksc_instance_id: string };

function visible(db: Db) {
  return db
    .selectFrom('kconnect_directory_objects as o')
    .innerJoin('kconnect_directory_publishers as p', (join) =>
      join.onRef('p.id', '=', 'o.publisher_id').onRef('p.generation', '=', 'o.generation'),
    )
    .selectAll('o')
    .select(['p.tenant_id', 'p.ksc_instance_id'])
    .where('o.state', '=', 'live');
}

export function toObject(row: Row): DirectoryObject {
  return {
    id: Number(row.id),
    kind: row.kind as DirectoryObjectKind,
    instance: {
      tenantId: row.tenant_id,
      kscInstanceId: row.ksc_instance_id,
      ...(row.vs_uid !== null ? { kscVsUid: row.vs_uid } : {}),
      ...(row.vs_id !== null ? { kscVsId: row.vs_id } : {}),
    },
    generation: Number(row.generation),
    trustee:
      row.trustee_id !== null && row.trustee_sfx !== null
        ? { id: row.trustee_id, sfx: row.trustee_sfx }
        : undefined,
    info: JSON.parse(row.info ?? '{}') as DirectoryInfo,
    infoOriginal: row.info_original === null ? undefined : (JSON.parse(row.info_original) as DirectoryInfo),
    updatedAt: timeOfClock(row.info_clock ?? ''),
  };
}

export async function objectsByIds(db: Db, ids: readonly number[]): Promise<DirectoryObject[]> {
  const out: DirectoryObject[] = [];
  for (const part of slices([...new Set(ids)])) {
    const rows = await visible(db).where('o.id', 'in', part).orderBy('o.id').execute();
    out.push(...rows.map(toObject));
  }
  return out;
}

/**
 * The visible objects of a kind an identifier matches, with what it matched: any identifier kind, then UPN,
 * sAMAccountName (also `DOMAIN\name`), mail, DN and display name, all case-insensitively, and a SID.
 */
export async function match(
  db: Db,
  identifier: string,
  kind: DirectoryObjectKind,
): Promise<Map<number, MatchedBy[]>> {
  const text = identifier.trim();
  if (text === '') throw new DirectoryQueryError('identifier', 'empty');
  const lower = text.toLowerCase();
  const found = new Map<number, MatchedBy[]>();
  const add = (id: number, by: MatchedBy) => {
    const list = found.get(id) ?? [];
    if (!list.includes(by)) list.push(by);
    found.set(id, list);
  };
  const ids = await db
    .selectFrom('kconnect_directory_identifiers')
    .select(['object_id', 'kind'])
    .where('value', 'in', [...new Set([text, lower])])
    .execute();
  for (const row of ids) add(Number(row.object_id), row.kind as MatchedBy);
  // A bare number is a trustee id with any suffix (the described objects carry it; an index, not a LIKE scan).
  if (/^\d+$/.test(text)) {
    const rows = await db
      .selectFrom('kconnect_directory_objects')
      .select('id')
      .where('trustee_id', '=', text)
      .execute();
    for (const row of rows) add(Number(row.id), 'trustee');
  }
  const sam = lower.includes('\\') ? lower.slice(lower.lastIndexOf('\\') + 1) : lower;
  const columns: [MatchedBy, 'upn_lc' | 'sam_lc' | 'mail_lc' | 'dn_lc' | 'display_lc' | 'sid_bin', string][] =
    [
      ['upn', 'upn_lc', lower],
      ['sam_name', 'sam_lc', sam],
      ['mail', 'mail_lc', lower],
      ['dn', 'dn_lc', lower],
      ['display_name', 'display_lc', folded(text) ?? lower],
      ['sid', 'sid_bin', sidToBase64(text) ?? text],
    ];
  for (const [by, column, value] of columns) {
    const rows = await db
      .selectFrom('kconnect_directory_objects')
      .select('id')
      .where(column, '=', value)
      .execute();
    for (const row of rows) add(Number(row.id), by);
  }
  if (found.size === 0) return found;
  const live = await objectsByIds(db, [...found.keys()]);
  const keep = new Set(live.filter((o) => o.kind === kind).map((o) => o.id));
  return new Map([...found].filter(([id]) => keep.has(id)));
}

/**
 * Breadth-first walk of memberships from `start`, upwards (the groups it is in) or downwards (a group's members),
 * each object once at its smallest depth: a cycle ends the walk instead of looping.
 */
export async function walk(
  db: Db,
  start: number,
  direction: 'up' | 'down',
  maxDepth: number = MAX_NESTING_DEPTH,
): Promise<{ reached: Map<number, number>; depthLimited: boolean }> {
  const reached = new Map<number, number>();
  const visited = new Set<number>([start]);
  let frontier = [start];
  let depth = 0;
  while (frontier.length > 0) {
    if (depth === maxDepth) return { reached, depthLimited: true };
    depth++;
    const next: number[] = [];
    for (const part of slices(frontier)) {
      const rows =
        direction === 'up'
          ? await db
              .selectFrom('kconnect_directory_memberships as m')
              .innerJoin('kconnect_directory_objects as x', 'x.id', 'm.group_id')
              .select('m.group_id as id')
              .where('m.member_id', 'in', part)
              .where('m.present', '=', 1)
              .where('x.state', '=', 'live')
              .execute()
          : await db
              .selectFrom('kconnect_directory_memberships as m')
              .innerJoin('kconnect_directory_objects as x', 'x.id', 'm.member_id')
              .select('m.member_id as id')
              .where('m.group_id', 'in', part)
              .where('m.present', '=', 1)
              .where('x.state', '=', 'live')
              .execute();
      for (const row of rows) {
        const id = Number(row.id);
        if (visited.has(id)) continue;
        visited.add(id);
        reached.set(id, depth);
        next.push(id);
      }
    }
    frontier = next;
  }
  return { reached, depthLimited: false };
}

export async function relations(db: Db, reached: Map<number, number>): Promise<DirectoryRelation[]> {
  const objects = await objectsByIds(db, [...reached.keys()]);
  return objects
    .map((object) => ({ object, depth: reached.get(object.id)! }))
    .sort((a, b) => a.depth - b.depth || a.object.id - b.object.id);
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(n) || n < 0)
    throw new DirectoryQueryError('cursor', 'not a cursor of this directory');
  return n;
}

export async function list(db: Db, kind: DirectoryObjectKind, options: ListOptions): Promise<ListPage> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new DirectoryQueryError('limit', 'must be 1..1000');
  let query = visible(db).where('o.kind', '=', kind).where('o.id', '>', decodeCursor(options.cursor));
  if (options.instance !== undefined) {
    query = query
      .where('p.tenant_id', '=', options.instance.tenantId)
      .where('p.ksc_instance_id', '=', options.instance.kscInstanceId);
  }
  const search = folded(options.search);
  if (search !== null) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = (column: 'o.display_lc' | 'o.upn_lc' | 'o.sam_lc' | 'o.mail_lc') =>
      // ESCAPE spelled out: PostgreSQL's default escape is the backslash, SQLite has none.
      sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
    query = query.where((eb) =>
      eb.or([like('o.display_lc'), like('o.upn_lc'), like('o.sam_lc'), like('o.mail_lc')]),
    );
  }
  const rows = await query
    .orderBy('o.id')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toObject);
  return rows.length > limit
    ? { items, nextCursor: Buffer.from(String(items[items.length - 1]!.id)).toString('base64url') }
    : { items };
}
