import { describe, expect, it } from 'vitest';
import type { Device, KicsEvent } from '../../../../src/kics/model.ts';
import {
  ALLOW_RULES,
  compileFilter,
  DEVICES,
  EVENTS,
  parseQueryArgument,
  queryPage,
  TAGS,
  VULNERABILITIES,
  type ResourceSpec,
} from '../../../../src/emulator/kics/query/index.ts';
import {
  communication,
  makeAllowRule,
  makeDevice,
  makeEvent,
  makeTag,
  makeVulnerability,
} from '../support/documents.ts';

/** The ids of the documents a filter keeps. */
function keep<T extends { readonly id: number }>(
  docs: readonly T[],
  filter: unknown[],
  spec: ResourceSpec<T>,
): number[] {
  const matches = compileFilter(parseQueryArgument({ filter }, spec), spec);
  return docs.filter(matches).map((doc) => doc.id);
}

const endpoint = (
  ipAddress: string | null,
  port: number | null = null,
  macAddress: string | null = null,
) => ({
  ipAddress,
  port,
  macAddress,
  applicationLevelAddress: null,
});

describe('compileFilter: the seed’s examples', () => {
  const events: KicsEvent[] = [
    makeEvent({ id: 1, technology: 'Dpi', startTime: '2020-10-28T00:00:00Z', totalAppearances: 12 }),
    makeEvent({ id: 2, technology: 'Nic', startTime: '2020-10-27T17:32:25.806Z', totalAppearances: 1 }),
    makeEvent({ id: 3, technology: 'Cc', startTime: '2020-10-27T17:32:25.805Z', totalAppearances: 12 }),
    makeEvent({ id: 4, technology: 'External', startTime: '2020-10-29T00:00:00Z', totalAppearances: 12 }),
    makeEvent({ id: 5, technology: 'Dpi', startTime: '2020-10-29T00:00:00Z', totalAppearances: 5 }),
  ];

  it('a simple condition list: technology is one of DPI/NIC/CC and started at or after the date', () => {
    const filter = [
      { field: 'technology', condition: 'isOneOf', value: ['DPI', 'NIC', 'CC'] },
      { field: 'startTime', condition: '>=', value: '2020-10-27T17:32:25.806Z' },
    ];
    expect(keep(events, filter, EVENTS)).toEqual([1, 2, 5]);
  });

  it('a nested group OR-ed inside, AND-ed at the top level', () => {
    const filter = [
      [
        { field: 'totalAppearances', condition: '>=', value: 10 },
        { field: 'totalAppearances', value: 1, operator: 'or' },
      ],
      { field: 'technology', condition: 'isOneOf', value: ['DPI', 'NIC', 'CC'] },
      { field: 'startTime', condition: '>=', value: '2020-10-27T17:32:25.806Z' },
    ];
    expect(keep(events, filter, EVENTS)).toEqual([1, 2]);
  });
});

describe('compileFilter: and/or', () => {
  const events = [1, 2, 3, 4, 5, 6].map((id) => makeEvent({ id, mark: id % 3 }));

  it('ignores the operator of the first top-level item', () => {
    expect(
      keep(
        events,
        [
          { field: 'id', condition: '>', value: 4, operator: 'or' },
          { field: 'mark', value: 0 },
        ],
        EVENTS,
      ),
    ).toEqual([6]);
  });

  it('folds left to right without precedence: A or B and C is (A or B) and C (Q10)', () => {
    const filter = [
      { field: 'id', value: 1 },
      { field: 'id', value: 2, operator: 'or' },
      { field: 'mark', value: 2 },
    ];
    expect(keep(events, filter, EVENTS)).toEqual([2]);
    const reversed = [
      { field: 'mark', value: 2 },
      { field: 'id', value: 1 },
      { field: 'id', value: 3, operator: 'or' },
    ];
    // (mark = 2 and id = 1) or id = 3
    expect(keep(events, reversed, EVENTS)).toEqual([3]);
  });

  it('joins a group by its first item’s operator', () => {
    const filter = [
      { field: 'id', value: 1 },
      [
        { field: 'id', value: 5, operator: 'or' },
        { field: 'id', value: 6, operator: 'or' },
      ],
    ];
    expect(keep(events, filter, EVENTS)).toEqual([1, 5, 6]);
    const anded = [
      { field: 'id', condition: '>', value: 2 },
      [
        { field: 'mark', value: 0 },
        { field: 'mark', value: 1, operator: 'or' },
      ],
    ];
    expect(keep(events, anded, EVENTS)).toEqual([3, 4, 6]);
  });
});

describe('compileFilter: comparisons', () => {
  it('compares text case-insensitively, with = and <> only', () => {
    const events = [
      makeEvent({ id: 1, title: 'PLC Stop' }),
      makeEvent({ id: 2, title: 'plc stop' }),
      makeEvent({ id: 3 }),
    ];
    expect(keep(events, [{ field: 'title', value: 'plc STOP' }], EVENTS)).toEqual([1, 2]);
    expect(keep(events, [{ field: 'title', condition: '<>', value: 'PLC STOP' }], EVENTS)).toEqual([3]);
  });

  it('compares numbers, with numeric strings as numbers (Q15)', () => {
    const events = [makeEvent({ id: 1, eventType: 4000005003 }), makeEvent({ id: 2, eventType: 4000002600 })];
    expect(keep(events, [{ field: 'eventType', value: '4000005003' }], EVENTS)).toEqual([1]);
    expect(keep(events, [{ field: 'eventType', condition: '<', value: 4000005003 }], EVENTS)).toEqual([2]);
    expect(keep(events, [{ field: 'eventType', condition: '<=', value: '4000005003' }], EVENTS)).toEqual([
      1, 2,
    ]);
    const vulnerabilities = [
      makeVulnerability({ assetVulnerabilityId: 1, cvsScore: 9.8 }),
      makeVulnerability({ assetVulnerabilityId: 2, cvsScore: 7.5 }),
    ];
    const query = parseQueryArgument(
      { filter: [{ field: 'cvsScore', condition: '>', value: '7.5' }] },
      VULNERABILITIES,
    );
    expect(queryPage(vulnerabilities, query, VULNERABILITIES).map((v) => v.assetVulnerabilityId)).toEqual([
      1,
    ]);
  });

  it('compares times as instants: zone-less document times are UTC (Q19)', () => {
    const devices = [
      makeDevice({ id: 1, lastSeen: '2024-05-01T10:00:00' }),
      makeDevice({ id: 2, lastSeen: '2024-05-01T09:59:59.999' }),
      makeDevice({ id: 3, lastSeen: '2024-05-01T12:00:00' }),
    ];
    expect(
      keep(devices, [{ field: 'lastSeen', condition: '>=', value: '2024-05-01T10:00:00Z' }], DEVICES),
    ).toEqual([1, 3]);
    expect(keep(devices, [{ field: 'lastSeen', value: '2024-05-01T12:00:00+02:00' }], DEVICES)).toEqual([1]);
    expect(
      keep(devices, [{ field: 'lastSeen', condition: '<', value: '2024-05-01T11:00:00.000+01:00' }], DEVICES),
    ).toEqual([2]);
  });

  it('compares booleans, also from the words true and false', () => {
    const rules = [makeAllowRule({ id: 1, isActive: true }), makeAllowRule({ id: 2, isActive: false })];
    expect(keep(rules, [{ field: 'IsActive', value: true }], ALLOW_RULES)).toEqual([1]);
    expect(keep(rules, [{ field: 'isactive', value: 'False' }], ALLOW_RULES)).toEqual([2]);
    const tags = [makeTag({ id: 1, favourite: true }), makeTag({ id: 2 })];
    expect(keep(tags, [{ field: 'favourite', condition: '<>', value: true }], TAGS)).toEqual([2]);
  });

  it('compares enum members in any spelling the alias table knows (Q14)', () => {
    const devices = [
      makeDevice({ id: 1, category: 'EngineeringStation' }),
      makeDevice({ id: 2, category: 'Plc', status: 'Unauthorized' }),
    ];
    expect(keep(devices, [{ field: 'category', value: 'EngineeringWorkstation' }], DEVICES)).toEqual([1]);
    expect(keep(devices, [{ field: 'status', value: 'authorized' }], DEVICES)).toEqual([1]);
    expect(
      keep(devices, [{ field: 'status', condition: 'IsOneOf', value: ['UNAUTHORIZED'] }], DEVICES),
    ).toEqual([2]);
  });
});

describe('compileFilter: fields over arrays and derived fields (Q16, Q17)', () => {
  const devices: Device[] = [
    makeDevice({
      id: 1,
      addressInformation: [
        { macAddress: '00:11:22:33:44:55', ipAddresses: [{ ip: '10.0.0.1' }, { ip: '10.0.1.1' }] },
        { macAddress: null, ipAddresses: [{ ip: '192.168.0.1' }] },
      ],
      labels: ['Critical', 'Line1'],
      processControlSettings: { projectName: 'P', readTime: '2024-01-01T00:00:00', modules: [] },
      epp: { name: 'KES', version: '12', rtpState: 'Running', lastSync: '2024-05-01T00:00:00' },
      vulnerabilities: [{ assetVulnerabilityId: 1, cveId: 'CVE-2021-1', state: 'Active', cvsScore: 5 }],
    }),
    makeDevice({
      id: 2,
      addressInformation: [{ macAddress: 'AA:BB:CC:DD:EE:FF', ipAddresses: [{ ip: '10.0.0.2' }] }],
      labels: [],
    }),
  ];

  it('matches when any value matches', () => {
    expect(keep(devices, [{ field: 'addressInformation:ipAddress', value: '192.168.0.1' }], DEVICES)).toEqual(
      [1],
    );
    expect(
      keep(devices, [{ field: 'addressInformation:macAddress', value: 'aa:bb:cc:dd:ee:ff' }], DEVICES),
    ).toEqual([2]);
    expect(keep(devices, [{ field: 'label', value: 'line1' }], DEVICES)).toEqual([1]);
    expect(keep(devices, [{ field: 'vulnerabilities:cveId', value: 'cve-2021-1' }], DEVICES)).toEqual([1]);
    expect(keep(devices, [{ field: 'vulnerabilities:state', condition: 'IsEmpty' }], DEVICES)).toEqual([2]);
  });

  it('reads hasIndustrialConfig from processControlSettings and epp:* from epp (null when none)', () => {
    expect(keep(devices, [{ field: 'hasIndustrialConfig', value: true }], DEVICES)).toEqual([1]);
    expect(keep(devices, [{ field: 'hasIndustrialConfig', value: false }], DEVICES)).toEqual([2]);
    expect(keep(devices, [{ field: 'epp:name', value: 'kes' }], DEVICES)).toEqual([1]);
    expect(keep(devices, [{ field: 'epp:name', condition: 'IsEmpty' }], DEVICES)).toEqual([2]);
    expect(
      keep(devices, [{ field: 'epp:lastSync', condition: '>', value: '2024-04-30T23:59:59Z' }], DEVICES),
    ).toEqual([1]);
  });

  it('maps source:* and destination:* onto every communication, and vlanId too', () => {
    const events = [
      makeEvent({
        id: 1,
        communications: [
          communication({
            source: endpoint('10.0.0.5', 50000),
            destination: endpoint('10.0.0.1', 502),
            vlanId: 10,
          }),
          communication({ source: endpoint('10.0.0.6', 50001), destination: endpoint('10.0.0.2', 102) }),
        ],
      }),
      makeEvent({
        id: 2,
        communications: [communication({ source: endpoint('10.0.0.1', 502), vlanId: 20 })],
      }),
      makeEvent({ id: 3 }),
    ];
    expect(keep(events, [{ field: 'destination:ipAddress', value: '10.0.0.1' }], EVENTS)).toEqual([1]);
    expect(keep(events, [{ field: 'source:ipAddress', value: '10.0.0.1' }], EVENTS)).toEqual([2]);
    expect(keep(events, [{ field: 'destination:port', condition: '<', value: 200 }], EVENTS)).toEqual([1]);
    expect(keep(events, [{ field: 'vlanId', condition: 'IsOneOf', value: [20] }], EVENTS)).toEqual([1, 2, 3]);
    expect(keep(events, [{ field: 'vlanId', condition: '>=', value: 10 }], EVENTS)).toEqual([1, 2]);
    expect(keep(events, [{ field: 'source:port', condition: '<>', value: 502 }], EVENTS)).toEqual([1, 3]);
  });

  it('treats <> as the negation of = (a document without values passes)', () => {
    expect(keep(devices, [{ field: 'label', condition: '<>', value: 'critical' }], DEVICES)).toEqual([2]);
    expect(keep(devices, [{ field: 'os', condition: '<>', value: 'Windows' }], DEVICES)).toEqual([1, 2]);
  });
});

describe('compileFilter: IsEmpty and IsOneOf (Q11, Q12)', () => {
  const devices = [
    makeDevice({ id: 1, os: null }),
    makeDevice({ id: 2, os: '' }),
    makeDevice({ id: 3, os: 'Windows 10' }),
    makeDevice({ id: 4, os: 'Linux' }),
  ];

  it('IsEmpty: null, "" and no values at all', () => {
    expect(keep(devices, [{ field: 'os', condition: 'IsEmpty' }], DEVICES)).toEqual([1, 2]);
    expect(keep(devices, [{ field: 'os', condition: 'isempty', value: 'ignored' }], DEVICES)).toEqual([1, 2]);
    expect(keep(devices, [{ field: 'label', condition: 'IsEmpty' }], DEVICES)).toEqual([1, 2, 3, 4]);
    expect(keep(devices, [{ field: 'id', condition: 'IsEmpty' }], DEVICES)).toEqual([]);
  });

  it('IsOneOf: empty values match, as the seed says; an empty list matches only them', () => {
    expect(keep(devices, [{ field: 'os', condition: 'IsOneOf', value: ['LINUX'] }], DEVICES)).toEqual([
      1, 2, 4,
    ]);
    expect(keep(devices, [{ field: 'os', condition: 'IsOneOf', value: [] }], DEVICES)).toEqual([1, 2]);
    expect(keep(devices, [{ field: 'id', condition: 'IsOneOf', value: [3, '4'] }], DEVICES)).toEqual([3, 4]);
  });
});

describe('queryPage: ordering and paging (Q1, Q2, Q4, Q5)', () => {
  const events = [5, 3, 9, 1, 7].map((id) => makeEvent({ id }));
  const page = (body: object) => queryPage(events, parseQueryArgument(body, EVENTS), EVENTS).map((e) => e.id);

  it('orders by the key, ascending unless asked otherwise', () => {
    expect(page({})).toEqual([1, 3, 5, 7, 9]);
    expect(page({ sort: [{ column: 'id', order: 'desc' }] })).toEqual([9, 7, 5, 3, 1]);
  });

  it('skips offset items (SQL OFFSET) and keeps at most limit; no limit means the rest', () => {
    expect(page({ offset: 1, limit: 2 })).toEqual([3, 5]);
    expect(page({ offset: 3 })).toEqual([7, 9]);
    expect(page({ offset: 10, limit: 5 })).toEqual([]);
    expect(page({ limit: 0 })).toEqual([]);
    expect(page({ offset: 0, limit: 1000, sort: [{ column: 'id', desc: true }] })).toEqual([9, 7, 5, 3, 1]);
  });
});

describe('compileFilter: text beyond ASCII', () => {
  it('still ignores case', () => {
    const events = [makeEvent({ id: 1, title: 'Überlast ÄBC' }), makeEvent({ id: 2, title: 'uberlast abc' })];
    expect(keep(events, [{ field: 'title', value: 'überlast äbc' }], EVENTS)).toEqual([1]);
    expect(keep(events, [{ field: 'title', value: 'UBERLAST ABC' }], EVENTS)).toEqual([2]);
  });
});
