import type { KscContext } from './vendor.ts';
import { z } from 'zod';
import { KconnectError } from '../../../errors.ts';
import { findGroups } from '../../../ksc/client/iterators.ts';
import { filter } from '../../../ksc/filter/index.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { invalidInput } from '../../core/result.ts';
import { refuseControlCharacters, searchText } from '../../core/search-text.ts';

/** An administration group as commands name it. */
export interface ResolvedGroup {
  readonly id: number;
  readonly name: string;
  /** `grp_full_name`, e.g. `Managed devices/Headquarters/Workstations` (empty when the server has none). */
  readonly fullName: string;
  /** Null for the roots ("Managed devices", "Unassigned devices", "Administration Servers"). */
  readonly parentId: number | null;
}

/** A group named by its id, its name or its full path. */
export const groupReference = () =>
  z
    .union([z.number().int().min(0).max(2_147_483_647), searchText(1024)])
    .describe(
      'An administration group: its id (from List Groups), its name, or its full path such as ' +
        '"Managed devices/Headquarters/Workstations" when several groups share the name',
    );

/** The KSC methods finding a group by name calls (an id is read with `HostGroup.GetGroupInfoEx`). */
export const GROUP_LOOKUP_METHODS: readonly string[] = [
  'HostGroup.FindGroups',
  'ChunkAccessor.GetItemsChunk',
  'ChunkAccessor.Release',
];

const GROUP_FIELDS = ['id', 'name', 'parentId', 'grp_full_name'];
/** Enough to show which groups an ambiguous name matched. */
const MAX_MATCHES = 20;

function resolvedGroup(record: KlParams): ResolvedGroup {
  const id = record['id'];
  const parent = record['parentId'];
  const name = record['name'];
  const full = record['grp_full_name'];
  return {
    id: typeof id === 'number' ? id : -1,
    name: typeof name === 'string' ? name : '',
    fullName: typeof full === 'string' ? full : '',
    parentId: typeof parent === 'number' ? parent : null,
  };
}

function describeGroup(group: ResolvedGroup): string {
  return `${group.name} (id ${group.id}${group.fullName === '' ? '' : `, ${group.fullName}`})`;
}

/**
 * The one group a reference names. A number (or a text of digits) is an id, read with `GetGroupInfoEx` (an
 * unknown id is KSC's not-found); a text is compared literally and case-insensitively with the groups' names
 * and full paths, a full-path match winning. Several matches are a `CONFLICT` that lists them, as acting on
 * (or reading) the wrong "Workstations" group is worse than asking.
 */
export async function resolveGroup(
  ctx: KscContext,
  reference: number | string,
  field = 'group',
): Promise<ResolvedGroup> {
  const text = typeof reference === 'string' ? reference.trim() : String(reference);
  if (/^\d{1,10}$/.test(text)) {
    const id = Number(text);
    if (id > 2_147_483_647) throw invalidInput(field, 'a group id is a 32-bit number');
    const info = await ctx.ksc.call('HostGroup.GetGroupInfoEx', {
      nGroupId: id,
      pArrAttributes: GROUP_FIELDS,
    });
    return { ...resolvedGroup(info.PxgRetVal), id };
  }
  if (text === '') throw invalidInput(field, 'empty');
  refuseControlCharacters(text, field);
  // Search by the last path segment too: a full path's group has that name.
  const last = text.includes('/') ? text.slice(text.lastIndexOf('/') + 1).trim() : text;
  const byName = filter.or(
    filter.eq('name', text),
    ...(last !== text && last !== '' ? [filter.eq('name', last)] : []),
  );
  const records = await findGroups(ctx.ksc, {
    filter: byName.text,
    fields: GROUP_FIELDS,
    pageSize: MAX_MATCHES + 1,
    lifetimeSeconds: 60,
  }).toArray({ limit: MAX_MATCHES + 1 });
  const wanted = text.toLowerCase();
  const groups = records.map(resolvedGroup);
  const byPath = groups.filter((g) => g.fullName.toLowerCase() === wanted);
  const matches = byPath.length > 0 ? byPath : groups.filter((g) => g.name.toLowerCase() === wanted);
  if (matches.length === 0) {
    throw new KconnectError(
      'NOT_FOUND',
      `No administration group is named "${text}" (by id, name or full path); List Groups shows them`,
    );
  }
  if (matches.length > 1) {
    const shown = matches.slice(0, MAX_MATCHES).map(describeGroup).join('; ');
    throw new KconnectError(
      'CONFLICT',
      `"${text}" names ${matches.length}${matches.length > MAX_MATCHES ? ' or more' : ''} groups: ${shown}. ` +
        'Name one by its id or full path.',
    );
  }
  return matches[0]!;
}
