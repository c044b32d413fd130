/**
 * The query argument end to end through the real emulator on SQLite and PostgreSQL: nested filter paths, IsOneOf,
 * groups joined with `or`, sort, paging and every refusal; then a property test comparing random filters and pages
 * over HTTP with the plain evaluator (test/emulator/kics/support/plain-filter.ts) on all documents of the resource.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Device, KicsEvent } from '../../../../src/kics/model.ts';
import { plainQuery } from '../support/plain-filter.ts';
import { BACKENDS, startKicsApiHarness, valuesOf, type Backend, type KicsApiHarness } from './harness.ts';

const ids = (values: ReadonlyArray<{ id: number }>): number[] => values.map((value) => value.id);

describe.each(BACKENDS)('KICS query argument over HTTP (%s)', (backend: Backend) => {
  let h: KicsApiHarness;
  let devices: Device[];
  let events: KicsEvent[];
  beforeAll(async () => {
    h = await startKicsApiHarness(backend, backend === 'postgres' ? inject('pgUrl') : undefined);
    // No limit: "all data beginning from the offset" — the whole resource, streamed.
    devices = valuesOf<Device>(await h.api('POST', '/devices/query', {}));
    events = valuesOf<KicsEvent>(await h.api('POST', '/events/query', { filter: null, sort: null }));
  });
  afterAll(async () => {
    await h?.close();
  });

  async function page<T>(collection: string, body: unknown): Promise<T[]> {
    return valuesOf<T>(await h.api('POST', `/${collection}/query`, body));
  }

  it('a query without limit answers every document, in id order, echoing null offset and limit', async () => {
    expect(devices.length).toBe(120);
    expect(events.length).toBe(1_500);
    expect(ids(events)).toEqual([...ids(events)].sort((a, b) => a - b));
    const answer = await h.api('POST', '/devices/query', {});
    expect(answer.json).toMatchObject({ offset: null, limit: null });
    // From an offset without a limit: the rest.
    expect(ids(await page<KicsEvent>('events', { offset: 1_490 }))).toEqual(ids(events).slice(1_490));
  });

  it('filters on nested paths: addressInformation:ipAddress, source:ipAddress, vulnerabilities:cveId', async () => {
    const ip =
      devices.flatMap((d) => d.addressInformation.flatMap((a) => a.ipAddresses.map((x) => x.ip)))[5] ?? '';
    const byIp = await page<Device>('devices', {
      filter: [{ field: 'addressInformation:ipAddress', value: ip }],
    });
    expect(ids(byIp)).toEqual(
      ids(devices.filter((d) => d.addressInformation.some((a) => a.ipAddresses.some((x) => x.ip === ip)))),
    );
    expect(byIp.length).toBeGreaterThan(0);

    const source =
      events.flatMap((e) => e.communications.map((c) => c.source.ipAddress)).find((x) => x !== null) ?? '';
    const bySource = await page<KicsEvent>('events', {
      filter: [{ field: 'source:ipAddress', value: source }],
    });
    expect(bySource.length).toBeGreaterThan(0);
    expect(ids(bySource)).toEqual(
      ids(events.filter((e) => e.communications.some((c) => c.source.ipAddress === source))),
    );

    const cve = devices.flatMap((d) => d.vulnerabilities.map((v) => v.cveId))[0] ?? '';
    expect(cve).not.toBe('');
    const byCve = await page<Device>('devices', {
      filter: [{ field: 'Vulnerabilities:CveId', value: cve.toLowerCase() }],
    });
    expect(byCve.length).toBeGreaterThan(0);
    expect(ids(byCve)).toEqual(ids(devices.filter((d) => d.vulnerabilities.some((v) => v.cveId === cve))));
  });

  it('IsOneOf, groups joined with or, sort desc, offset and limit', async () => {
    const oneOf = await page<KicsEvent>('events', {
      filter: [{ field: 'severity', condition: 'IsOneOf', value: ['Critical', 'warning'] }],
    });
    expect(ids(oneOf)).toEqual(
      ids(events.filter((e) => e.severity === 'Critical' || e.severity === 'Warning')),
    );

    // status = Resolved OR (id <= 10 AND severity = Info), newest first, the second page of five.
    const body = {
      filter: [
        { field: 'status', value: 'Resolved' },
        [
          { field: 'id', condition: '<=', value: 10, operator: 'or' },
          { field: 'severity', value: 'Info', operator: 'and' },
        ],
      ],
      sort: [{ column: 'id', order: 'desc' }],
      offset: 5,
      limit: 5,
    };
    const answer = await h.api('POST', '/events/query', body);
    expect(answer.json).toMatchObject({ offset: 5, limit: 5 });
    const expected = events
      .filter((e) => e.status === 'Resolved' || (e.id <= 10 && e.severity === 'Info'))
      .map((e) => e.id)
      .reverse()
      .slice(5, 10);
    expect(expected.length).toBe(5);
    expect(ids(valuesOf<KicsEvent>(answer))).toEqual(expected);

    const none = await h.api('POST', '/events/query', { limit: 0 });
    expect(none.json).toEqual({ offset: null, limit: 0, values: [] });
  });

  const refusals: Array<[string, unknown, string]> = [
    ['limit over 1000', { limit: 1001 }, 'Incorrect parameters: limit=1001'],
    ['negative offset', { offset: -1 }, 'Incorrect parameters: offset=-1'],
    ['limit as a string', { limit: '5' }, 'Incorrect parameters: limit=5'],
    [
      'unknown field',
      { filter: [{ field: 'colour', value: 'red' }] },
      'Incorrect parameters: filter[0].field=colour',
    ],
    [
      'unknown condition',
      { filter: [{ field: 'id', condition: 'Like', value: 1 }] },
      'Incorrect parameters: filter[0].condition=Like',
    ],
    [
      'ordering a string',
      { filter: [{ field: 'title', condition: '>', value: 'a' }] },
      'Incorrect parameters: filter[0].condition=>',
    ],
    [
      'bad operator',
      { filter: [{ field: 'id', value: 1, operator: 'xor' }] },
      'Incorrect parameters: filter[0].operator=xor',
    ],
    ['bad integer', { filter: [{ field: 'id', value: 'one' }] }, 'Incorrect parameters: filter[0].value=one'],
    [
      'zone-less time',
      { filter: [{ field: 'startTime', condition: '>', value: '2024-01-01T00:00:00' }] },
      'Incorrect parameters: filter[0].value=2024-01-01T00:00:00',
    ],
    [
      'bad enum',
      { filter: [{ field: 'severity', value: 'Loud' }] },
      'Incorrect parameters: filter[0].value=Loud',
    ],
    ['fourth level', { filter: [[[[{ field: 'id', value: 1 }]]]] }, 'Incorrect parameters: filter[0][0][0]'],
    ['sort column', { sort: [{ column: 'title' }] }, 'Incorrect parameters: sort[0].column=title'],
    ['argument not an object', [1], 'Incorrect parameters: argument='],
    ['filter not an array', { filter: { field: 'id', value: 1 } }, 'Incorrect parameters: filter='],
    ['empty nested group', { filter: [[]] }, 'Incorrect parameters: filter[0]='],
    [
      'conflicting directions',
      { sort: [{ column: 'id', order: 'asc', descending: true }] },
      'Incorrect parameters: sort[0]',
    ],
    ['array for =', { filter: [{ field: 'id', value: [1, 2] }] }, 'Incorrect parameters: filter[0].value='],
  ];
  it.each(refusals)('refuses %s with 400 naming the parameter', async (_what, body, message) => {
    const answer = await h.api('POST', '/events/query', body);
    expect(answer.status).toBe(400);
    expect((answer.json as { errorMessage: string }).errorMessage.startsWith(message)).toBe(true);
  });

  describe('property: random filters and pages equal the plain evaluator on all documents', () => {
    function condition(
      field: string,
      conditions: string[],
      values: fc.Arbitrary<unknown>,
    ): fc.Arbitrary<unknown> {
      return fc
        .record({
          field: fc.constant(field),
          condition: fc.constantFrom(...conditions),
          first: values,
          // IsOneOf takes a list, empty included (it then matches only empty fields); the others one value.
          list: fc.array(values, { maxLength: 3 }),
          operator: fc.constantFrom('and', 'or'),
        })
        .map(({ first, list, ...item }) => ({ ...item, value: item.condition === 'IsOneOf' ? list : first }));
    }

    const idConditions = (maxId: number) =>
      condition('id', ['=', '>', '>=', '<', '<=', '<>', 'IsOneOf'], fc.integer({ min: 1, max: maxId + 5 }));

    function queryArgument(
      items: fc.Arbitrary<unknown>,
      maxId: number,
    ): fc.Arbitrary<Record<string, unknown>> {
      const item = fc.oneof({ weight: 3, arbitrary: items }, { weight: 2, arbitrary: idConditions(maxId) });
      return fc.record(
        {
          filter: fc.array(
            fc.oneof(
              { weight: 4, arbitrary: item },
              { weight: 1, arbitrary: fc.array(item, { minLength: 1, maxLength: 3 }) },
            ),
            {
              maxLength: 3,
            },
          ),
          sort: fc.constantFrom(
            undefined,
            [{ column: 'id', order: 'desc' }],
            [{ column: 'id', order: 'asc' }],
          ),
          offset: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
          limit: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        },
        { requiredKeys: ['filter'] },
      );
    }

    it('on events', async () => {
      const pick = <T>(values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values.slice(0, 50));
      const sources = [
        ...new Set(events.flatMap((e) => e.communications.map((c) => c.source.ipAddress ?? ''))),
      ];
      const titles = [...new Set(events.map((e) => e.title))];
      const fields = fc.oneof(
        condition('severity', ['=', '<>', 'IsOneOf'], fc.constantFrom('Info', 'Warning', 'critical')),
        condition('status', ['=', '<>', 'IsOneOf'], fc.constantFrom('Proposed', 'Active', 'Resolved')),
        condition('source:ipAddress', ['=', '<>', 'IsOneOf', 'IsEmpty'], pick(sources)),
        condition('title', ['=', '<>', 'IsOneOf'], pick(titles)),
        condition('mark', ['=', '>', '<=', '<>'], fc.integer({ min: 0, max: 7 })),
        condition('startTime', ['>', '<='], pick(events.map((e) => e.startTime))),
      );
      const maxId = Math.max(...ids(events));
      await fc.assert(
        fc.asyncProperty(queryArgument(fields, maxId), async (body) => {
          const got = ids(await page<KicsEvent>('events', body));
          expect(got).toEqual(ids(plainQuery(events, body, 'events')));
        }),
        { numRuns: 60 },
      );
    });

    it('on devices', async () => {
      const pick = <T>(values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values.slice(0, 50));
      const ips = [
        ...new Set(
          devices.flatMap((d) => d.addressInformation.flatMap((a) => a.ipAddresses.map((x) => x.ip))),
        ),
      ];
      const cves = [...new Set(devices.flatMap((d) => d.vulnerabilities.map((v) => v.cveId)))];
      const fields = fc.oneof(
        condition(
          'category',
          ['=', '<>', 'IsOneOf'],
          fc.constantFrom('Plc', 'Workstation', 'Server', 'EngineeringWorkstation'),
        ),
        condition('addressInformation:ipAddress', ['=', '<>', 'IsOneOf'], pick(ips)),
        condition('vulnerabilities:cveId', ['=', '<>', 'IsOneOf', 'IsEmpty'], pick(cves)),
        condition('hasIndustrialConfig', ['=', '<>'], fc.boolean()),
        condition('os', ['IsEmpty', '<>'], pick(devices.map((d) => d.os ?? ''))),
        condition('lastSeen', ['>', '<='], pick(devices.map((d) => `${d.lastSeen}Z`))),
      );
      const maxId = Math.max(...ids(devices));
      await fc.assert(
        fc.asyncProperty(queryArgument(fields, maxId), async (body) => {
          const got = ids(await page<Device>('devices', body));
          expect(got).toEqual(ids(plainQuery(devices, body, 'devices')));
        }),
        { numRuns: 60 },
      );
    });
  });
});
