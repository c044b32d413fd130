import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAPPINGS_DOC, renderMappingsDoc } from '../../../scripts/mappings-doc.ts';
import {
  createD3Mapping,
  createMapping,
  D3_DEFAULT_FIELDS,
  D3MappingError,
  d3SystemName,
} from '../../../src/intake/mappings/index.ts';
import { sampleRecords } from './support/records.ts';

const records = sampleRecords();

describe('the d3 mapping', () => {
  it("gives KSC events seed 001's eight fields from the seed's sources", () => {
    const event = records['ksc.events'].find((r) => r.data['GNRL_EA_SEVERITY'] === 3)!;
    const [document] = createD3Mapping().map(event);
    expect(Object.keys(document!)).toEqual([...D3_DEFAULT_FIELDS]);
    expect(document).toEqual({
      'Event Type': event.data['event_type'],
      'Event name': event.data['event_type_display_name'],
      Severity: 'Error',
      'Severity numeric ID': 3,
      Hostname: event.data['hostname'],
      Description: event.data['GNRL_EA_DESCRIPTION'],
      'Unique Event Key': event.data['event_id'],
      'Start Time': event.data['rise_time'],
    });
  });

  it("follows D3's rules for custom fields: __ prefix, spaces → underscores, JSONPath over the event item", () => {
    expect(d3SystemName('Group Name')).toBe('__Group_Name');
    const mapping = createD3Mapping({
      fields: {
        'Group Name': '.value.group_name',
        Product: '$.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY.value.product_name',
        'Severity Word': '$.value.severityName',
      },
      omit: ['Description'],
    });
    const event = records['ksc.events'].find((r) => r.data['group_name'] !== undefined)!;
    const [document] = mapping.map(event);
    expect(document).toMatchObject({
      __Group_Name: event.data['group_name'],
      __Product: event.data['product_name'],
      __Severity_Word: expect.any(String),
    });
    expect(document).not.toHaveProperty('Description');
  });

  it('refuses script expressions and clashing system names when it is built', () => {
    expect(() => createD3Mapping({ fields: { Evil: '$.value[?(@.constructor)]' } })).toThrow(D3MappingError);
    expect(() => createD3Mapping({ fields: { 'A B': '.value.a', A_B: '.value.b' } })).toThrow(/system name/);
  });

  it('gives every source and gaps a document with a Unique Event Key and a Start Time', () => {
    const d3 = createMapping('d3');
    for (const list of Object.values(records)) {
      for (const record of list.slice(0, 50)) {
        const [document] = d3.map(record);
        expect(document!['Unique Event Key']).toBeDefined();
        expect(Date.parse(String(document!['Start Time']))).not.toBeNaN();
      }
    }
  });
});

describe('the raw mapping', () => {
  it('keeps every record as it is, gaps included', () => {
    const raw = createMapping({ type: 'raw' });
    for (const list of Object.values(records)) {
      const record = list[0]!;
      const [document] = raw.map(record);
      expect(document).toMatchObject({
        source: record.source,
        key: record.key,
        time: record.time,
        data: record.data,
      });
      if (record.kind === 'record' && record.change !== undefined)
        expect(document!['change']).toBe(record.change);
      if (record.kind === 'gap') expect(document!['gap']).toBe(true);
    }
  });
});

describe('docs/mappings.md', () => {
  it('is generated from the mappings', async () => {
    expect(readFileSync(MAPPINGS_DOC, 'utf8'), 'run `npm run docs:mappings`').toBe(await renderMappingsDoc());
  });
});
