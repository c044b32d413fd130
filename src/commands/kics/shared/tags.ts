import type { Tag } from '../../../kics/model.ts';
import type { PlainJson } from '../../core/types.ts';
import { plainOf } from './json.ts';

/**
 * A member KICS sends as JSON text inside JSON (a tag's `address`, `operativeParameters`), as a document when it
 * parses, else the text as it came: a server's odd text must not fail a read.
 */
function embeddedJson(text: string): PlainJson {
  try {
    return plainOf(JSON.parse(text));
  } catch {
    return text;
  }
}

/**
 * The last value read of a tag, when `operativeParameters` holds one in the shape KICS uses
 * (`{"d": {"value": {"v": 42.5}}}`); null when it holds none.
 */
export function tagValueOf(tag: Tag): PlainJson {
  const parameters = embeddedJson(tag.operativeParameters);
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) return null;
  const d = parameters['d'];
  if (d === null || d === undefined || typeof d !== 'object' || Array.isArray(d)) return null;
  const value = d['value'];
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  return value['v'] ?? null;
}

/** One tag (a process variable of a device) of `context`, with its embedded JSON texts as documents. */
export function tagRecord(tag: Tag): { [key: string]: PlainJson } {
  return {
    id: tag.id,
    name: tag.name,
    description: tag.description,
    deviceId: tag.assetId,
    deviceName: tag.assetName,
    deviceAddress: tag.assetAddress,
    deviceGroup: tag.assetGroup,
    protocol: tag.protocol,
    address: embeddedJson(tag.address),
    dataType: tag.tagDataType,
    measureUnit: tag.measureUnit,
    value: tagValueOf(tag),
    favourite: tag.favourite,
    origin: tag.origin,
    registered: tag.registrationTimestamp,
  };
}

export const TAG_COLUMNS = ['ID', 'Name', 'Device', 'Protocol', 'Data Type', 'Value', 'Unit', 'Description'];

export function tagRow(tag: Tag): PlainJson[] {
  return [
    tag.id,
    tag.name,
    tag.assetName,
    tag.protocol,
    tag.tagDataType,
    tagValueOf(tag),
    tag.measureUnit,
    tag.description,
  ];
}
