import { z } from 'zod';
import type { PlainJson } from '../core/types.ts';
import { plainOf, wireOf } from './shared/json.ts';
import { tagRecord, tagValueOf } from './shared/tags.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS Get Tag';

const input = z.object({
  tagId: z.number().int().min(1).describe('The id of the tag in KICS for Networks (from List Tags)'),
});

const keyFields = z.object({
  TagId: z.number().int(),
  TagName: z.string(),
  DeviceId: z.number().int(),
  DeviceName: z.string(),
  Protocol: z.string(),
  DataType: z.string(),
  /** The last value read (a number, a boolean, a text), null when KICS has none. */
  Value: z.union([z.number(), z.boolean(), z.string(), z.null()]),
  MeasureUnit: z.string(),
});

function scalar(value: PlainJson): number | boolean | string | null {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : null;
}

/** `kics_get_tag`: one tag with its address, scaling and last value. */
export const kicsGetTag: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_get_tag',
  title: TITLE,
  description:
    'Reads one tag (process variable) of KICS for Networks by its id: name, description, the device and ' +
    'protocol it is read over, its address inside the protocol (register area and number, object address, ' +
    'node id), data type, unit, scaling from raw to engineering values, the last value read and how long ago ' +
    'it was read and written. Use it after List Tags to check a process value. Fails with 404 when no tag ' +
    'has that id. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying a single tag'] },
  hints: { cliAliases: { tagId: 'id' } },
  example: { tagId: 1 },
  async run(ctx, { tagId }) {
    const tag = await ctx.kics.getTag(tagId);
    const record = tagRecord(tag);
    const value = scalar(tagValueOf(tag));
    const rows: PlainJson[][] = [
      ['Name', tag.name],
      ['Description', tag.description],
      ['Device', `${tag.assetName} (${tag.assetId}), ${tag.assetAddress}`],
      ['Protocol', tag.protocol],
      ['Address', tag.address],
      ['Data Type', tag.tagDataType],
      [
        'Value',
        value === null ? null : `${String(value)}${tag.measureUnit === '' ? '' : ` ${tag.measureUnit}`}`,
      ],
      [
        'Scaling',
        tag.scaling.type === 'None'
          ? 'None'
          : `${tag.scaling.type}: ${tag.scaling.rawLow}…${tag.scaling.rawHigh} → ${tag.scaling.scaledLow}…${tag.scaling.scaledHigh}`,
      ],
      ['Last Read (ms ago)', tag.timeSinceLastTagReadMs],
      ['Registered', tag.registrationTimestamp],
    ];
    return {
      status: 'Successful',
      raw: wireOf(tag),
      context: { ...record, tag: plainOf(tag) },
      keyFields: {
        TagId: tag.id,
        TagName: tag.name,
        DeviceId: tag.assetId,
        DeviceName: tag.assetName,
        Protocol: tag.protocol,
        DataType: tag.tagDataType,
        Value: value,
        MeasureUnit: tag.measureUnit,
      },
      result: { title: TITLE, columns: ['Attribute', 'Value'], rows },
      errors: [],
    };
  },
};
