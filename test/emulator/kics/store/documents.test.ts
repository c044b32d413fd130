import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../../../src/emulator/core/clock.ts';
import { scanPlanOf } from '../../../../src/emulator/kics/api/paging.ts';
import type { KicsEvent } from '../../../../src/kics/model.ts';
import { EVENTS, parseQueryArgument, queryPage } from '../../../../src/emulator/kics/query/index.ts';
import { KicsStore } from '../../../../src/emulator/kics/store/kics-store.ts';

// More events than one chunk of a filtered scan (2,000 rows), so pages cross chunk boundaries.
const EVENT_COUNT = 5_000;

describe('KICS document table: pages from SQLite equal the in-memory evaluation of the same query', () => {
  let store: KicsStore;
  let all: KicsEvent[];

  beforeAll(async () => {
    store = await KicsStore.open({
      db: { file: ':memory:' },
      clock: new EmulatorClock(() => Date.UTC(2026, 10, 23)),
      world: { seed: 7, devices: 200, events: EVENT_COUNT, kscHosts: 50 },
      parts: [],
    });
    all = (await store.events.page(scanPlanOf(parseQueryArgument({}, EVENTS), EVENTS))).map(
      (text) => JSON.parse(text) as KicsEvent,
    );
  });
  afterAll(async () => {
    await store.close();
  });

  const critical = { field: 'severity', condition: '=', value: 'Critical' };
  const cases: Array<[string, unknown]> = [
    ['everything', {}],
    ['offset paging', { offset: 1_500, limit: 1_000 }],
    ['keyset paging', { filter: [{ field: 'id', condition: '>', value: 1_999 }], limit: 1_000 }],
    ['descending', { sort: [{ column: 'id', order: 'desc' }], offset: 10, limit: 700 }],
    ['a filter not pushed down, across chunks', { filter: [critical], offset: 300, limit: 1_000 }],
    ['a filter not pushed down, no limit', { filter: [critical], offset: 5 }],
    [
      'key bounds and a filter, descending',
      {
        filter: [critical, { field: 'id', condition: '<=', value: 4_500 }],
        sort: [{ column: 'id', order: 'desc' }],
        limit: 250,
      },
    ],
    ['limit 0', { filter: [critical], limit: 0 }],
  ];

  it('holds every event of the world', () => {
    expect(all).toHaveLength(EVENT_COUNT);
  });

  it.each(cases)('%s: page() and scan()', async (_name, body) => {
    const query = parseQueryArgument(body, EVENTS);
    const expected = queryPage(all, query, EVENTS).map((event) => event.id);
    const paged = (await store.events.page(scanPlanOf(query, EVENTS))).map(
      (text) => (JSON.parse(text) as KicsEvent).id,
    );
    const scanned: number[] = [];
    for await (const text of store.events.scan(scanPlanOf(query, EVENTS)))
      scanned.push((JSON.parse(text) as KicsEvent).id);
    expect(paged).toEqual(expected);
    expect(scanned).toEqual(expected);
  });
});
