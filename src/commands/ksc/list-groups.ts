import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { BASIC_READ, READ_ONLY } from './shared/flags.ts';
import { GROUP_LOOKUP_METHODS } from './shared/groups.ts';
import { inputs } from './shared/inputs.ts';
import { readAccessorWire } from './shared/pages.ts';
import { plainRecord } from './shared/plain.ts';
import { summaryTable } from '../core/result.ts';

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

const input = z.object({
  filter: inputs.searchFilter('group attributes (Filter in seed 001), e.g. (name = "*Servers*")'),
  limit: inputs.limit(1000, 100_000),
  fields: inputs.attributeNames(
    "Group attributes to return; default: those of seed 001's sample and grp_full_name",
    // List Groups has always taken spaces in attribute names; kept so that no caller's input is refused now.
    /^[A-Za-z_][A-Za-z0-9_ ]*$/,
  ),
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
export const listGroups: KscCommand<typeof input, typeof keyFields> = {
  name: 'list_groups',
  title: 'List Groups',
  description:
    'Lists the administration groups of the server (id, name, full path, parent, level, dates, whether full ' +
    'scan is enabled), optionally narrowed by a KSC search filter over group attributes. Use it to find the ' +
    'group ids that Add Group, Delete Group, Move Hosts To Group and List Policies take. Returns at most ' +
    '`limit` groups and the total number that matched. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ],
    operations: GROUP_LOOKUP_METHODS,
  },
  example: { filter: '(name = "*Servers*")', limit: 50 },
  async run(ctx, { filter: wstrFilter, limit, fields }) {
    const found = await ctx.ksc.callWire('HostGroup.FindGroups', {
      wstrFilter,
      vecFieldsToReturn: [...(fields ?? GROUP_LIST_FIELDS)],
      vecFieldsToOrder: [],
      pParams: {},
      lMaxLifeTime: 300,
    });
    const { items, records } = await readAccessorWire(ctx, found.reply.strAccessor, {
      limit,
      pageSize: PAGE,
      label: 'groups',
      total: found.reply.PxgRetVal,
    });
    const context = records.map(plainRecord);
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
