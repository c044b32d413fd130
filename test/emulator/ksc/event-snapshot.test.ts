import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

type Event = Record<string, unknown>;
type Order = Array<{ Name: string; Asc: boolean }>;

const BY_TIME: Order = [
  { Name: 'rise_time', Asc: true },
  { Name: 'event_db_id', Asc: true },
];

async function open(caller: KscCaller, filter: string, order: Order): Promise<string> {
  const reply = await caller.call('EventProcessingFactory.CreateEventProcessing2', {
    pFilter: { KLEVP_RFC2254_FILTER: filter } as never,
    vecFieldsToReturn: [],
    vecFieldsToOrder: order,
    lifetimeSec: 300,
  });
  return reply['strIteratorId'] as string;
}

async function count(caller: KscCaller, iterator: string): Promise<number> {
  return (await caller.call('EventProcessing.GetRecordCount', { strIteratorId: iterator }))[
    'PxgRetVal'
  ] as number;
}

async function ids(caller: KscCaller, iterator: string, nStart: number, nEnd: number): Promise<number[]> {
  const reply = await caller.call('EventProcessing.GetRecordRange', {
    strIteratorId: iterator,
    nStart,
    nEnd,
  });
  return (reply['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Event[] }).KLEVP_EVENT_RANGE_ARRAY.map((e) =>
    Number(e['event_db_id']),
  );
}

/** `T"…"` of an epoch-milliseconds time. */
function literal(ms: number): string {
  return `T"${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}"`;
}

/**
 * The same filter with a term the emulator cannot answer from its columns (`event_db_id >= 0` holds for every
 * event): that result set is selected by decoding each event and keeps its id list, as every one did before.
 */
function decoded(filter: string): string {
  return `(&${filter}(event_db_id >= 0))`;
}

describe.each(BACKENDS)('KSC emulator result sets defined by their selection (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let times: number[];
  beforeAll(async () => {
    emu = await startTestEmulator(backend, { virtualServers: [], hosts: 40, events: 1500 });
    admin = await emu.session();
    const rows = await emu.ksc.world.db
      .selectFrom('events')
      .select('rise_time')
      .orderBy('rise_time')
      .execute();
    times = rows.map((r) => Number(r.rise_time));
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('answers exactly as an id list would: counts, orders, continued pages and jumps', async () => {
    const middle = times[Math.floor(times.length / 2)]!;
    const late = times[Math.floor((times.length * 3) / 4)]!;
    const filters = [
      `(rise_time >= ${literal(middle)})`,
      `(rise_time > ${literal(middle)})`,
      `(&(rise_time >= ${literal(middle)})(rise_time <= ${literal(late)}))`,
      `(rise_time < ${literal(middle)})`,
      `(rise_time = ${literal(middle)})`,
      `(rise_time >= CURTIME(-86400))`,
      '',
    ];
    const orders: Order[] = [
      BY_TIME,
      [
        { Name: 'rise_time', Asc: false },
        { Name: 'event_db_id', Asc: false },
      ],
      [{ Name: 'rise_time', Asc: false }],
      [{ Name: 'event_db_id', Asc: true }],
      [],
    ];
    for (const filter of filters) {
      for (const order of orders) {
        const lazy = await open(admin, filter, order);
        const listed = await open(admin, filter === '' ? '(event_db_id >= 0)' : decoded(filter), order);
        const size = await count(admin, listed);
        expect(await count(admin, lazy)).toBe(size);
        // Pages in sequence, a jump forward, a jump back, a range past the end, an empty range.
        for (const [from, to] of [
          [0, 97],
          [97, 300],
          [450, 460],
          [10, 20],
          [20, 25],
          [size - 5, size + 100],
          [7, 7],
          [size + 3, size + 10],
        ] as const) {
          expect(
            await ids(admin, lazy, from, to),
            `${filter} ${JSON.stringify(order)} [${from}, ${to})`,
          ).toEqual(await ids(admin, listed, from, to));
        }
      }
    }
  });

  it('keeps its positions when its events are deleted: those pages come back short, as from an id list', async () => {
    const since = literal(times[200]!);
    const lazy = await open(admin, `(rise_time >= ${since})`, BY_TIME);
    const listed = await open(admin, decoded(`(rise_time >= ${since})`), BY_TIME);
    const first = await ids(admin, lazy, 0, 100);
    expect(first).toEqual(await ids(admin, listed, 0, 100));
    // Events on both sides of where the reading stands.
    const gone = [...first.slice(90, 95), ...(await ids(admin, listed, 120, 130))];
    await emu.ksc.world.deleteEvents(gone);
    const next = await ids(admin, lazy, 100, 200);
    expect(next).toEqual(await ids(admin, listed, 100, 200));
    expect(next).toHaveLength(90);
    expect(await count(admin, lazy)).toBe(await count(admin, listed));
  });

  it('reads only the events of the page it serves, not the rest of the history', async () => {
    // The newest event's attributes are made unreadable: a result set that decoded what follows its start would
    // fail to be made; one that reads a page reads only that page.
    const newest = await emu.ksc.world.db
      .selectFrom('events')
      .select(['id', 'attrs'])
      .orderBy('rise_time', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await emu.ksc.world.db
      .updateTable('events')
      .set({ attrs: '{"unreadable' })
      .where('id', '=', newest.id)
      .execute();
    try {
      const iterator = await open(admin, `(rise_time >= ${literal(times[0]!)})`, BY_TIME);
      const stored = await emu.ksc.world.db
        .selectFrom('events')
        .select('id')
        .orderBy('rise_time')
        .orderBy('id')
        .limit(50)
        .execute();
      expect(await ids(admin, iterator, 0, 50)).toEqual(stored.map((r) => Number(r.id)));
    } finally {
      await emu.ksc.world.db
        .updateTable('events')
        .set({ attrs: newest.attrs })
        .where('id', '=', newest.id)
        .execute();
    }
  });
});
