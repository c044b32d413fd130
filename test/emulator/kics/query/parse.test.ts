import { describe, expect, it } from 'vitest';
import {
  ALLOW_RULES,
  DEVICES,
  EVENTS,
  IncorrectParametersError,
  parseQueryArgument,
  RESOURCE_SPECS,
  TAGS,
  VULNERABILITIES,
  type ResourceSpec,
} from '../../../../src/emulator/kics/query/index.ts';

/** The refusal a body gets, as `parameter=value` plus the message. */
function refusal<T>(
  body: unknown,
  spec: ResourceSpec<T>,
): { parameter: string; value: unknown; message: string } {
  try {
    parseQueryArgument(body, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(IncorrectParametersError);
    const { parameter, value, message } = error as IncorrectParametersError;
    return { parameter, value, message };
  }
  throw new Error('expected a refusal');
}

describe('parseQueryArgument: the argument', () => {
  it('takes an absent, null or empty body as everything, sorted by the key ascending, nothing echoed', () => {
    for (const body of [undefined, null, {}, { filter: null, sort: null, offset: null, limit: null }]) {
      expect(parseQueryArgument(body, EVENTS)).toEqual({
        filter: null,
        sort: { column: 'id', descending: false },
        offset: null,
        limit: null,
      });
    }
    expect(parseQueryArgument({ filter: [] }, EVENTS).filter).toBeNull();
    expect(parseQueryArgument({}, VULNERABILITIES).sort).toEqual({
      column: 'assetVulnerabilityId',
      descending: false,
    });
  });

  it('echoes offset and limit as given (Q6) and checks their ranges (Q4, Q5)', () => {
    expect(parseQueryArgument({ offset: 200, limit: 100 }, EVENTS)).toMatchObject({
      offset: 200,
      limit: 100,
    });
    expect(parseQueryArgument({ offset: 2147483647, limit: 0 }, EVENTS)).toMatchObject({
      offset: 2147483647,
      limit: 0,
    });
    expect(refusal({ limit: 5000 }, EVENTS).message).toBe('Incorrect parameters: limit=5000');
    expect(refusal({ limit: -1 }, EVENTS).parameter).toBe('limit');
    expect(refusal({ limit: 1.5 }, EVENTS).parameter).toBe('limit');
    expect(refusal({ limit: '10' }, EVENTS).message).toBe('Incorrect parameters: limit=10');
    expect(refusal({ offset: -1 }, EVENTS).message).toBe('Incorrect parameters: offset=-1');
    expect(refusal({ offset: 2147483648 }, EVENTS).parameter).toBe('offset');
  });

  it('unwraps a top-level query member (Q8) and matches member names in any case', () => {
    const wrapped = parseQueryArgument({ query: { filter: [{ field: 'id', value: 3 }], limit: 5 } }, EVENTS);
    expect(wrapped.limit).toBe(5);
    expect(wrapped.filter?.items).toHaveLength(1);
    const pascal = parseQueryArgument(
      { Filter: [{ Field: 'ID', Condition: '>', Value: 3 }], Limit: 7 },
      EVENTS,
    );
    expect(pascal.limit).toBe(7);
    expect(pascal.filter?.items[0]?.node).toEqual({
      kind: 'condition',
      field: 'id',
      condition: '>',
      values: [3],
    });
    expect(parseQueryArgument({ query: null }, EVENTS).filter).toBeNull();
  });

  it('refuses a body that is not an object, and a filter or sort that is not an array', () => {
    expect(refusal([], EVENTS).parameter).toBe('argument');
    expect(refusal('x', EVENTS).message).toBe('Incorrect parameters: argument=x');
    expect(refusal({ filter: { field: 'id' } }, EVENTS).message).toBe(
      'Incorrect parameters: filter={"field":"id"}',
    );
    expect(refusal({ sort: 'id' }, EVENTS).message).toBe('Incorrect parameters: sort=id');
  });
});

describe('parseQueryArgument: sort (ColumnOrderDto, Q3)', () => {
  it('accepts the column under any of its aliases and the direction as a word, a number or a flag', () => {
    const cases: Array<[object, boolean]> = [
      [{ column: 'id', order: 'asc' }, false],
      [{ column: 'id', order: 'desc' }, true],
      [{ columnName: 'ID', direction: 'Descending' }, true],
      [{ name: 'id', sortOrder: 'ascending' }, false],
      [{ field: 'id', direction: 1 }, true],
      [{ propertyName: 'id', direction: 0 }, false],
      [{ column: 'id', isAscending: false }, true],
      [{ column: 'id', ascending: true }, false],
      [{ column: 'id', desc: true }, true],
      [{ column: 'id', isDescending: false }, false],
      [{ Column: 'Id' }, false],
    ];
    for (const [entry, descending] of cases) {
      expect(parseQueryArgument({ sort: [entry] }, EVENTS).sort).toEqual({ column: 'id', descending });
    }
    expect(
      parseQueryArgument({ sort: [{ column: 'assetvulnerabilityid', order: 'desc' }] }, VULNERABILITIES).sort,
    ).toEqual({ column: 'assetVulnerabilityId', descending: true });
    expect(parseQueryArgument({ sort: [{ column: 'id' }] }, ALLOW_RULES).sort.column).toBe('Id');
  });

  it('lets the first entry decide, as ORDER BY would', () => {
    const sort = [
      { column: 'id', order: 'desc' },
      { column: 'id', order: 'asc' },
    ];
    expect(parseQueryArgument({ sort }, EVENTS).sort.descending).toBe(true);
  });

  it('refuses other columns, missing or doubled columns and unreadable directions, naming the entry', () => {
    expect(refusal({ sort: [{ column: 'name' }] }, DEVICES).message).toBe(
      'Incorrect parameters: sort[0].column=name',
    );
    expect(refusal({ sort: [{ column: 'id' }, { columnName: 'title' }] }, EVENTS).message).toBe(
      'Incorrect parameters: sort[1].columnName=title',
    );
    expect(refusal({ sort: [{ column: 'id' }] }, VULNERABILITIES).parameter).toBe('sort[0].column');
    expect(refusal({ sort: [{ order: 'asc' }] }, EVENTS).message).toBe(
      'Incorrect parameters: sort[0].column=',
    );
    expect(refusal({ sort: [{ column: 'id', name: 'id' }] }, EVENTS).parameter).toBe('sort[0].name');
    expect(refusal({ sort: [{ column: 'id', order: 'up' }] }, EVENTS).message).toBe(
      'Incorrect parameters: sort[0].order=up',
    );
    expect(refusal({ sort: [{ column: 'id', order: 'asc', desc: true }] }, EVENTS).parameter).toBe(
      'sort[0].desc',
    );
    expect(refusal({ sort: ['id'] }, EVENTS).message).toBe('Incorrect parameters: sort[0]=id');
  });
});

describe('parseQueryArgument: filter', () => {
  it('parses the seed example of a simple condition list (AND at top level)', () => {
    const query = parseQueryArgument(
      {
        filter: [
          { field: 'technology', condition: 'isOneOf', value: ['DPI', 'NIC', 'CC'] },
          { field: 'startTime', condition: '>=', value: '2020-10-27T17:32:25.806Z' },
        ],
      },
      EVENTS,
    );
    expect(query.filter).toEqual({
      kind: 'group',
      items: [
        {
          join: 'and',
          node: {
            kind: 'condition',
            field: 'technology',
            condition: 'IsOneOf',
            values: ['Dpi', 'Nic', 'Cc'],
          },
        },
        {
          join: 'and',
          node: {
            kind: 'condition',
            field: 'startTime',
            condition: '>=',
            values: [Date.UTC(2020, 9, 27, 17, 32, 25, 806)],
          },
        },
      ],
    });
  });

  it('parses the seed example with a nested group: the group takes its first item’s operator', () => {
    const query = parseQueryArgument(
      {
        filter: [
          [
            { field: 'totalAppearances', condition: '>=', value: 10 },
            { field: 'totalAppearances', value: 1, operator: 'or' },
          ],
          { field: 'technology', condition: 'isOneOf', value: ['DPI', 'NIC', 'CC'] },
          { field: 'startTime', condition: '>=', value: '2020-10-27T17:32:25.806Z' },
        ],
      },
      EVENTS,
    );
    const [group, technology, startTime] = query.filter?.items ?? [];
    expect(group?.node).toEqual({
      kind: 'group',
      items: [
        {
          join: 'and',
          node: { kind: 'condition', field: 'totalAppearances', condition: '>=', values: [10] },
        },
        { join: 'or', node: { kind: 'condition', field: 'totalAppearances', condition: '=', values: [1] } },
      ],
    });
    expect([technology?.join, startTime?.join]).toEqual(['and', 'and']);
  });

  it('takes a group’s join from its first item, recursively (Q10)', () => {
    const query = parseQueryArgument(
      {
        filter: [
          { field: 'id', value: 1 },
          [[{ field: 'id', value: 2, operator: 'or' }], { field: 'id', value: 3 }],
        ],
      },
      EVENTS,
    );
    expect(query.filter?.items[1]?.join).toBe('or');
  });

  it('matches field names, conditions, operators and enum members in any case (Q13, Q14)', () => {
    const query = parseQueryArgument(
      {
        filter: [
          { field: 'SEVERITY', condition: '=', value: 'critical' },
          { field: 'Technology', condition: 'ISONEOF', value: ['dpi', 'External'], operator: 'OR' },
        ],
      },
      EVENTS,
    );
    expect(query.filter?.items.map((item) => item.node)).toEqual([
      { kind: 'condition', field: 'severity', condition: '=', values: ['Critical'] },
      { kind: 'condition', field: 'technology', condition: 'IsOneOf', values: ['Dpi', 'External'] },
    ]);
    expect(query.filter?.items[1]?.join).toBe('or');
    const rules = parseQueryArgument(
      {
        filter: [
          { field: 'isactive', value: 'TRUE' },
          { field: 'Id', value: '4' },
        ],
      },
      ALLOW_RULES,
    );
    expect(rules.filter?.items.map((item) => item.node)).toEqual([
      { kind: 'condition', field: 'IsActive', condition: '=', values: [true] },
      { kind: 'condition', field: 'Id', condition: '=', values: [4] },
    ]);
  });

  it('accepts the English labels of the alias table for enum members', () => {
    const devices = parseQueryArgument(
      {
        filter: [
          { field: 'category', value: 'EngineeringWorkstation' },
          { field: 'category', value: 'engineeringstation' },
          { field: 'status', value: 'Authorized' },
        ],
      },
      DEVICES,
    );
    expect(
      devices.filter?.items.map((item) => (item.node.kind === 'condition' ? item.node.values : [])),
    ).toEqual([['EngineeringStation'], ['EngineeringStation'], ['Recognized']]);
  });

  it('coerces numeric strings for numeric fields (Q15) and dates with any zone (Q19)', () => {
    const query = parseQueryArgument(
      {
        filter: [
          { field: 'eventType', value: '4000005003' },
          { field: 'lastSeenTime', condition: '<', value: '2024-05-01T12:00:00+02:00' },
          { field: 'startTime', condition: '>', value: '2024-05-01T10:00:00.1234567z' },
        ],
      },
      EVENTS,
    );
    expect(
      query.filter?.items.map((item) => (item.node.kind === 'condition' ? item.node.values[0] : null)),
    ).toEqual([4000005003, Date.UTC(2024, 4, 1, 10), Date.UTC(2024, 4, 1, 10, 0, 0, 123)]);
    const vulnerabilities = parseQueryArgument(
      { filter: [{ field: 'cvsScore', condition: '>=', value: '7.5' }] },
      VULNERABILITIES,
    );
    expect(vulnerabilities.filter?.items[0]?.node).toMatchObject({ values: [7.5] });
  });

  it('keeps IsOneOf lists (an empty one too, a lone value as a list of one) and ignores the value of IsEmpty', () => {
    const query = parseQueryArgument(
      {
        filter: [
          { field: 'mark', condition: 'IsOneOf', value: [] },
          { field: 'mark', condition: 'IsOneOf', value: 3 },
          { field: 'mark', condition: 'IsEmpty', value: { anything: true } },
        ],
      },
      EVENTS,
    );
    expect(
      query.filter?.items.map((item) => (item.node.kind === 'condition' ? item.node.values : null)),
    ).toEqual([[], [3], []]);
  });

  it('accepts groups down to the third level and refuses a fourth (Q9)', () => {
    const level3 = [[[{ field: 'id', value: 1 }]]];
    expect(parseQueryArgument({ filter: level3 }, EVENTS).filter).not.toBeNull();
    const level4 = [{ field: 'id', value: 1 }, [[[{ field: 'id', value: 1 }]]]];
    expect(refusal({ filter: level4 }, EVENTS).message).toBe(
      'Incorrect parameters: filter[1][0][0]=[{"field":"id","value":1}]',
    );
    expect(refusal({ filter: [[]] }, EVENTS).message).toBe('Incorrect parameters: filter[0]=[]');
  });

  it('accepts exactly the seed’s field list of every resource (Q18)', () => {
    expect(RESOURCE_SPECS.devices.fields.map((field) => field.name)).toContain('hasIndustrialConfig');
    expect(refusal({ filter: [{ field: 'description', value: 'x' }] }, DEVICES).message).toBe(
      'Incorrect parameters: filter[0].field=description',
    );
    expect(refusal({ filter: [{ field: 'labels', value: 'x' }] }, DEVICES).parameter).toBe('filter[0].field');
    expect(refusal({ filter: [{ field: 'assetGroup', value: 'x' }] }, TAGS).parameter).toBe(
      'filter[0].field',
    );
    expect(
      refusal({ filter: [{ field: 'assetVulnerabilityId', value: 1 }] }, VULNERABILITIES).parameter,
    ).toBe('filter[0].field');
    expect(refusal({ filter: [{ value: 1 }] }, EVENTS).message).toBe(
      'Incorrect parameters: filter[0].field=',
    );
    const counts = Object.fromEntries(
      Object.entries(RESOURCE_SPECS).map(([name, spec]) => [name, spec.fields.length]),
    );
    expect(counts).toEqual({
      'allow-rules': 11,
      'application-messages': 6,
      'audit-messages': 6,
      devices: 26,
      events: 23,
      tags: 12,
      vulnerabilities: 13,
    });
  });

  it('refuses each bad part, naming it exactly (Q15, Q20)', () => {
    const cases: Array<[unknown[], string]> = [
      [
        [
          { field: 'id', value: 1 },
          { field: 'foo', value: 1 },
        ],
        'filter[1].field=foo',
      ],
      [[{ field: 'title', condition: '>', value: 'a' }], 'filter[0].condition=>'],
      [[{ field: 'severity', condition: '<=', value: 'Info' }], 'filter[0].condition=<='],
      [[{ field: 'id', condition: 'like', value: 1 }], 'filter[0].condition=like'],
      [[{ field: 'id', value: 1, operator: 'xor' }], 'filter[0].operator=xor'],
      [[{ field: 'id', value: 'one' }], 'filter[0].value=one'],
      [[{ field: 'id', value: 1.5 }], 'filter[0].value=1.5'],
      [[{ field: 'id', value: [1, 2] }], 'filter[0].value=[1,2]'],
      [[{ field: 'id' }], 'filter[0].value='],
      [[{ field: 'id', value: null }], 'filter[0].value=null'],
      [[{ field: 'severity', value: 'Severe' }], 'filter[0].value=Severe'],
      [[{ field: 'technology', condition: 'IsOneOf', value: ['Dpi', 'Xyz'] }], 'filter[0].value[1]=Xyz'],
      [[{ field: 'startTime', value: '2020-10-27T17:32:25' }], 'filter[0].value=2020-10-27T17:32:25'],
      [[{ field: 'startTime', value: '2020-02-30T00:00:00Z' }], 'filter[0].value=2020-02-30T00:00:00Z'],
      [[{ field: 'startTime', value: 1603819945806 }], 'filter[0].value=1603819945806'],
      [[{ field: 'title', value: true }], 'filter[0].value=true'],
      [[[{ field: 'id', value: 1 }, 'id']], 'filter[0][1]=id'],
    ];
    for (const [filter, text] of cases)
      expect(refusal({ filter }, EVENTS).message).toBe(`Incorrect parameters: ${text}`);
    expect(refusal({ filter: [{ field: 'hasIndustrialConfig', value: 'yes' }] }, DEVICES).message).toBe(
      'Incorrect parameters: filter[0].value=yes',
    );
  });

  it('carries the structured fields and the INVALID_INPUT code', () => {
    const error = new IncorrectParametersError('filter[0].field', 'foo');
    expect(error).toMatchObject({
      parameter: 'filter[0].field',
      value: 'foo',
      code: 'INVALID_INPUT',
      httpStatus: 400,
    });
    expect(error.name).toBe('IncorrectParametersError');
  });
});
