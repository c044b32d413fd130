import { z } from 'zod';
import { KconnectError } from '../errors.ts';
import { findGroups } from '../ksc/client/iterators.ts';
import { filter } from '../ksc/filter/index.ts';
import type { WireJson } from '../ksc/json.ts';
import type { KlParams } from '../ksc/values.ts';
import { inputs } from './inputs.ts';
import { toPlain, wireRecords } from './plain.ts';
import { invalidInput, summaryTable } from './result.ts';
import type { CommandContext, CommandDefinition, PlainJson } from './types.ts';

/** The attributes of seed 001's List Groups sample, plus the full path that tells same-named groups apart. */
export const GROUP_LIST_FIELDS = [
  'creationDate',
  'grp_enable_fscan',
  'grp_full_name',
  'id',
  'lastUpdate',
  'level',
  'name',
  'parentId',
] as const;

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
    .union([z.number().int().min(0).max(2_147_483_647), z.string().trim().min(1).max(1024)])
    .describe(
      'An administration group: its id (from List Groups), its name, or its full path such as ' +
        '"Managed devices/Headquarters/Workstations" when several groups share the name',
    );

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
  ctx: CommandContext,
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

const input = z.object({
  filter: inputs.searchFilter('group attributes (Filter in seed 001), e.g. (name = "*Servers*")'),
  limit: inputs.limit(1000, 100_000),
  fields: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_ ]*$/, 'an attribute name'))
    .min(1)
    .max(100)
    .optional()
    .describe("Group attributes to return; default: those of seed 001's sample and grp_full_name"),
});

const keyFields = z.object({
  GroupIDs: z.array(z.number()),
  GroupNames: z.array(z.string()),
  GroupLevels: z.array(z.number()),
  GroupFullScanEnabled: z.array(z.boolean()),
  TotalGroupCount: z.number().int(),
});

const PAGE = 1000;

/** `List Groups` (seed 001): `HostGroup.FindGroups`, then its ChunkAccessor page by page up to `limit`. */
export const listGroups: CommandDefinition<typeof input, typeof keyFields> = {
  name: 'list_groups',
  title: 'List Groups',
  description:
    'Lists the administration groups of the server (id, name, full path, parent, level, dates, whether full ' +
    'scan is enabled), optionally narrowed by a KSC search filter over group attributes. Use it to find the ' +
    'group ids that Add Group, Delete Group, Move Hosts To Group and List Policies take. Returns at most ' +
    '`limit` groups and the total number that matched. Reads only.',
  input,
  keyFields,
  readOnly: true,
  destructive: false,
  idempotent: true,
  rights: [{ product: 'Administration Server', feature: 'Basic functionality', operations: ['Read'] }],
  kscMethods: ['HostGroup.FindGroups', 'ChunkAccessor.GetItemsChunk', 'ChunkAccessor.Release'],
  example: { filter: '(name = "*Servers*")', limit: 50 },
  async run(ctx, { filter: wstrFilter, limit, fields }) {
    const found = await ctx.ksc.callWire('HostGroup.FindGroups', {
      wstrFilter,
      vecFieldsToReturn: [...(fields ?? GROUP_LIST_FIELDS)],
      vecFieldsToOrder: [],
      pParams: {},
      lMaxLifeTime: 300,
    });
    const strAccessor = found.reply.strAccessor;
    const items: WireJson[] = [];
    const records: KlParams[] = [];
    try {
      while (records.length < limit) {
        const page = await ctx.ksc.callWire('ChunkAccessor.GetItemsChunk', {
          strAccessor,
          nStart: records.length,
          nCount: Math.min(PAGE, limit - records.length),
        });
        const decoded = page.reply.pChunk.KLCSP_ITERATOR_ARRAY;
        if (decoded.length === 0) break;
        items.push(...wireRecords(page.wire['pChunk'], 'KLCSP_ITERATOR_ARRAY'));
        records.push(...decoded);
      }
    } finally {
      await ctx.ksc.call('ChunkAccessor.Release', { strAccessor }).catch(() => undefined);
    }
    const context = records.map((record) => toPlain(record) as Record<string, PlainJson>);
    const numbers = (name: string) =>
      records.flatMap((r) => {
        const value = r[name];
        return typeof value === 'number' ? [value] : [];
      });
    return {
      status: 'Successful',
      raw: { pChunk: { KLCSP_ITERATOR_ARRAY: items }, PxgRetVal: found.reply.PxgRetVal },
      context,
      keyFields: {
        GroupIDs: numbers('id'),
        GroupNames: records.flatMap((r) => (typeof r['name'] === 'string' ? [r['name']] : [])),
        GroupLevels: numbers('level'),
        GroupFullScanEnabled: records.flatMap((r) =>
          typeof r['grp_enable_fscan'] === 'boolean' ? [r['grp_enable_fscan']] : [],
        ),
        TotalGroupCount: found.reply.PxgRetVal,
      },
      result: summaryTable('List Groups', { 'Groups Count': records.length }),
      errors: [],
    };
  },
};
