import { z } from 'zod';
import { searchText } from '../core/search-text.ts';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import type { KicsFilterItem } from '../../kics/client/types.ts';
import { itemsTable } from '../core/result.ts';
import { wireOf } from './shared/json.ts';
import { offsetPagingInputs, readOffsetWindow } from './shared/offset-pages.ts';
import { TAG_COLUMNS, tagRecord, tagRow } from './shared/tags.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS List Tags';

const input = z.object({
  deviceId: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Only the tags of this device (its id in KICS for Networks, from List Devices)'),
  protocol: searchText(1024)
    .optional()
    .describe('Only tags read over this protocol, as KICS names it (e.g. ModbusTcp, S7comm, Iec104)'),
  name: searchText(1024).optional().describe('Only tags with exactly this name'),
  favourite: z.boolean().optional().describe('Only tags marked (true) or not marked (false) as favourites'),
  ...offsetPagingInputs('tags', 'id'),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  TagIds: z.array(z.number().int()),
  TagNames: z.array(z.string()),
  DeviceIds: z.array(z.number().int()),
  TagsCount: z.number().int(),
  /** True when the limit cut the list short: ask again from offset + limit. */
  MoreAvailable: z.boolean(),
});

function tagFilter(given: Input): KicsFilterItem[] {
  const query = kicsQuery('tags');
  if (given.deviceId !== undefined) query.where('assetId', '=', given.deviceId);
  if (given.protocol !== undefined) query.where('protocol', '=', given.protocol);
  if (given.name !== undefined) query.where('name', '=', given.name);
  if (given.favourite !== undefined) query.where('favourite', '=', given.favourite);
  return [...(query.build().filter ?? [])];
}

/** `kics_list_tags`: the process variables (tags) KICS for Networks reads from the devices' traffic. */
export const kicsListTags: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_tags',
  title: TITLE,
  description:
    'Lists the tags KICS for Networks knows — the process variables of controllers (setpoints, measurements, ' +
    'states) it reads from industrial traffic or a PLC project — sorted by id: name, description, the device ' +
    'and protocol, the address inside the protocol, data type, unit and the last value read. Filters combine ' +
    'with AND: deviceId, protocol, name, favourite. Use it to see what a controller measures and controls, ' +
    'or the current value of a process variable. Returns at most `limit` tags from `offset`; `MoreAvailable` ' +
    'says whether to ask for the next page. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying several tags'] },
  hints: { cliAliases: { deviceId: 'device' } },
  example: { limit: 20 },
  async run(ctx, given) {
    const { items, more } = await readOffsetWindow(
      'tags',
      (query) => ctx.kics.queryTags(query),
      tagFilter(given),
      given,
    );
    return {
      status: 'Successful',
      raw: wireOf(items),
      context: items.map(tagRecord),
      keyFields: {
        TagIds: items.map((t) => t.id),
        TagNames: items.map((t) => t.name),
        DeviceIds: [...new Set(items.map((t) => t.assetId))],
        TagsCount: items.length,
        MoreAvailable: more,
      },
      result: itemsTable(TITLE, items, 'Tags Count', TAG_COLUMNS, tagRow),
      errors: [],
    };
  },
};
