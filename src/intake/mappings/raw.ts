/** The `raw` mapping: every record as it is, gaps included, so nothing is lost on the way to the sink. */
import type { PlainJson } from '../../commands/core/types.ts';
import type { IntakeRecord, MappedDocument, Mapping } from '../types.ts';
import type { Shape } from './rules.ts';
import { SOURCE_TYPES } from '../types.ts';

/** `{ source, key, time, change?, data }`: the fields of the record, named as the intake names them. */
export function rawDocument(record: IntakeRecord): MappedDocument {
  const document: { [key: string]: PlainJson } = {
    source: record.source,
    key: record.key,
    time: record.time,
  };
  if (record.kind === 'gap') document['gap'] = true;
  else if (record.change !== undefined) document['change'] = record.change;
  document['data'] = record.data;
  return document;
}

/** The raw mapping's one table, for the documentation (the same for every source). */
export const RAW_SHAPES: readonly Shape[] = [...SOURCE_TYPES, 'gap' as const].map((input) => ({
  input,
  when: '',
  applies: () => true,
  rules: [
    { field: 'source', from: "the record's source (`ksc.events`, …)", value: (_data, r) => r.source },
    { field: 'key', from: "the record's key (the dedup key)", value: (_data, r) => r.key },
    { field: 'time', from: "the record's time, ISO 8601", value: (_data, r) => r.time },
    ...(input === 'gap'
      ? [{ field: 'gap', from: '`true`', value: () => true }]
      : input === 'ksc.hosts' || input === 'kics.devices'
        ? [
            {
              field: 'change',
              from: 'snapshot, added, changed or removed',
              value: (_data: unknown, r: IntakeRecord) => (r.kind === 'record' ? r.change : undefined),
            },
          ]
        : []),
    {
      field: 'data',
      from: 'the vendor record, decoded (longs exact, times ISO 8601)',
      value: (data) => data,
    },
  ],
}));

export function createRawMapping(): Mapping {
  return { name: 'raw', map: (record) => [rawDocument(record)] };
}
