/**
 * The typed query builder: its field lists agree with the shared `RESOURCE_SPECS`, it writes the seed's query
 * argument (groups, operators, IsOneOf, IsEmpty, dates), refuses what the server would, and the emulator agrees
 * with what it selects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_FIELDS, kicsQuery, type KicsClient } from '../../../src/kics/client/index.ts';
import { IncorrectParametersError, QUERY_RESOURCES, RESOURCE_SPECS } from '../../../src/kics/query/index.ts';
import { startClientHarness, type ClientHarness } from './harness.ts';

describe('KICS query builder', () => {
  it('knows exactly the fields and kinds of RESOURCE_SPECS', () => {
    for (const resource of QUERY_RESOURCES) {
      const spec = RESOURCE_SPECS[resource].fields.map((field) => [
        field.name,
        field.type.kind === 'enum' ? field.type.name : field.type.kind,
      ]);
      expect(Object.entries(FILTER_FIELDS[resource])).toEqual(spec);
    }
  });

  it("writes the seed's query argument: conditions, groups with their operator on the first item, sort, paging", () => {
    const since = new Date('2026-01-02T03:04:05.000Z');
    const query = kicsQuery('events')
      .where('severity', 'IsOneOf', ['Warning', 'Critical'])
      .and('startTime', '>=', since)
      .orGroup((group) => group.where('status', '=', 'Active').and('mark', '>', 0))
      .and('triggeredRule', 'IsEmpty')
      .sort('desc')
      .offset(20)
      .limit(10)
      .build();
    expect(query).toEqual({
      filter: [
        { field: 'severity', condition: 'IsOneOf', value: ['Warning', 'Critical'], operator: 'and' },
        { field: 'startTime', condition: '>=', value: '2026-01-02T03:04:05.000Z', operator: 'and' },
        [
          { field: 'status', condition: '=', value: 'Active', operator: 'or' },
          { field: 'mark', condition: '>', value: 0, operator: 'and' },
        ],
        { field: 'triggeredRule', condition: 'IsEmpty', operator: 'and' },
      ],
      sort: [{ column: 'id', order: 'desc' }],
      offset: 20,
      limit: 10,
    });
    expect(kicsQuery('allow-rules').where('IsActive', '=', true).build().sort).toEqual([
      { column: 'Id', order: 'asc' },
    ]);
  });

  it('refuses what the server would refuse, naming the parameter', () => {
    const tooMany = (): unknown => kicsQuery('devices').limit(1001).build();
    expect(tooMany).toThrow(IncorrectParametersError);
    const deep = (): unknown =>
      kicsQuery('devices')
        .andGroup((a) => a.andGroup((b) => b.andGroup((c) => c.where('id', '=', 1))))
        .build();
    expect(deep).toThrow(IncorrectParametersError);
    // A value outside the enum, forced past the types, is refused with its place in the filter.
    const badEnum = (): unknown =>
      kicsQuery('devices')
        .where('status', '=', 'Lost' as never)
        .build();
    expect(badEnum).toThrow(/filter\[0\]\.value/);
  });

  describe('against the emulator', () => {
    let harness: ClientHarness;
    let kics: KicsClient;
    beforeAll(async () => {
      harness = await startClientHarness({ devices: 60, events: 200 });
      kics = await harness.client();
    });
    afterAll(async () => {
      await kics.close();
      await harness.close();
    });

    it('selects what its conditions say', async () => {
      const page = await kics.queryDevices(
        kicsQuery('devices')
          .where('status', '=', 'Recognized')
          .orGroup((group) => group.where('category', 'IsOneOf', ['Plc', 'EngineeringStation']))
          .sort('desc')
          .limit(1000)
          .build(),
      );
      expect(page.values.length).toBeGreaterThan(0);
      expect(
        page.values.every(
          (device) =>
            device.status === 'Recognized' ||
            device.category === 'Plc' ||
            device.category === 'EngineeringStation',
        ),
      ).toBe(true);
      const ids = page.values.map((device) => device.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });
  });
});
