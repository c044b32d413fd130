import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KscCallError } from '../../support/ksc-emulator.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';

type Event = Record<string, unknown>;

async function readAll(caller: KscCaller, iterator: string, page = 250): Promise<Event[]> {
  const count = (await caller.call('EventProcessing.GetRecordCount', { strIteratorId: iterator }))[
    'PxgRetVal'
  ] as number;
  const events: Event[] = [];
  for (let start = 0; start < count;) {
    const reply = await caller.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: start,
      nEnd: start + page,
    });
    const range = (reply['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Event[] }).KLEVP_EVENT_RANGE_ARRAY;
    if (range.length === 0) break;
    events.push(...range);
    start += range.length;
  }
  await caller.call('EventProcessing.ReleaseIterator', { strIteratorId: iterator });
  return events;
}

async function open(
  caller: KscCaller,
  pFilter: Record<string, unknown>,
  order = [{ Name: 'event_db_id', Asc: true }],
): Promise<string> {
  const reply = await caller.call('EventProcessingFactory.CreateEventProcessing2', {
    pFilter: pFilter as never,
    vecFieldsToReturn: [],
    vecFieldsToOrder: order,
    lifetimeSec: 300,
  });
  return reply['strIteratorId'] as string;
}

describe.each(BACKENDS)('KSC emulator events (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    emu = await startTestEmulator(backend, { maxEvents: 3500 });
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('serves every event of the server with the attributes of spec §6.3', async () => {
    const events = await readAll(admin, await open(admin, {}));
    const stored = await emu.ksc.world.db
      .selectFrom('events')
      .select('id')
      .where('vserver_id', '=', 0)
      .execute();
    expect(events.length).toBe(stored.length);
    const ids = events.map((e) => e['event_db_id'] as bigint);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    for (const event of events.slice(0, 50)) {
      expect(event['rise_time']).toBeInstanceOf(Date);
      expect([1, 2, 3, 4]).toContain(event['GNRL_EA_SEVERITY']);
      expect(typeof event['event_type']).toBe('string');
      expect(typeof event['event_type_display_name']).toBe('string');
      expect(typeof event['GNRL_EA_DESCRIPTION']).toBe('string');
    }
  });

  it('returns the half-open range [nStart, nEnd) and tolerates nEnd past the end', async () => {
    const iterator = await open(admin, {});
    const count = (await admin.call('EventProcessing.GetRecordCount', { strIteratorId: iterator }))[
      'PxgRetVal'
    ] as number;
    const slice = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: 10,
      nEnd: 15,
    });
    expect(
      (slice['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Event[] }).KLEVP_EVENT_RANGE_ARRAY,
    ).toHaveLength(5);
    const tail = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: count - 2,
      nEnd: count + 100,
    });
    expect(
      (tail['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Event[] }).KLEVP_EVENT_RANGE_ARRAY,
    ).toHaveLength(2);
  });

  it('filters by attribute equality (D3 style {"GNRL_EA_SEVERITY": 4}) and by event type', async () => {
    const critical = await readAll(admin, await open(admin, { GNRL_EA_SEVERITY: 4 }));
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((e) => e['GNRL_EA_SEVERITY'] === 4)).toBe(true);
    const type = critical[0]!['event_type'] as string;
    const ofType = await readAll(admin, await open(admin, { EVENT_TYPE: type }));
    expect(ofType.every((e) => e['event_type'] === type)).toBe(true);
    const byDescription = await readAll(
      admin,
      await open(admin, { event_type_display_name: critical[0]!['event_type_display_name'] as string }),
    );
    expect(byDescription.length).toBeGreaterThan(0);
  });

  it('filters rise_time ranges with KLEVP_RFC2254_FILTER and KLEVP_EVENT_RISE_TIME_LAST_DAYS', async () => {
    const now = emu.ksc.clock.now();
    const since = new Date(now - 3 * 86_400_000);
    const pad = (n: number): string => String(n).padStart(2, '0');
    const literal = `T"${since.getUTCFullYear()}-${since.getUTCMonth() + 1}-${since.getUTCDate()} ${pad(since.getUTCHours())}:${pad(since.getUTCMinutes())}:${pad(since.getUTCSeconds())}"`;
    const rfc = await readAll(
      admin,
      await open(admin, { KLEVP_RFC2254_FILTER: `(&(rise_time >= ${literal})(GNRL_EA_SEVERITY >= 3))` }),
    );
    expect(rfc.length).toBeGreaterThan(0);
    expect(
      rfc.every((e) => (e['rise_time'] as Date).getTime() >= Math.floor(since.getTime() / 1000) * 1000),
    ).toBe(true);
    expect(rfc.every((e) => (e['GNRL_EA_SEVERITY'] as number) >= 3)).toBe(true);

    const lastDays = await readAll(admin, await open(admin, { KLEVP_EVENT_RISE_TIME_LAST_DAYS: 3 }));
    expect(lastDays.every((e) => (e['rise_time'] as Date).getTime() >= now - 3 * 86_400_000)).toBe(true);
    const all = await readAll(admin, await open(admin, {}));
    expect(lastDays.length).toBe(
      all.filter((e) => (e['rise_time'] as Date).getTime() >= now - 3 * 86_400_000).length,
    );

    const bad = await open(admin, { KLEVP_RFC2254_FILTER: '(rise_time >= T"2024-13-45 00:00:00")' }).catch(
      (e: unknown) => e,
    );
    expect((bad as KscCallError).pxgMessage).toMatch(/^Pos \d+\. /);
  });

  it('orders by vecFieldsToOrder, newest first', async () => {
    const events = await readAll(admin, await open(admin, {}, [{ Name: 'rise_time', Asc: false }]));
    const times = events.map((e) => (e['rise_time'] as Date).getTime());
    expect(times.every((t, i) => i === 0 || t <= times[i - 1]!)).toBe(true);
  });

  it('returns only the requested fields', async () => {
    const reply = await admin.call('EventProcessingFactory.CreateEventProcessing', {
      vecFieldsToReturn: ['event_db_id', 'rise_time'],
      vecFieldsToOrder: [],
      lifetimeSec: 60,
    });
    const events = await readAll(admin, reply['strIteratorId'] as string);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => Object.keys(e).sort().join() === 'event_db_id,rise_time')).toBe(true);
  });

  it("serves one host's events, and names an unknown device", async () => {
    const withEvents = await emu.ksc.world.db
      .selectFrom('events')
      .select('host_id')
      .where('host_id', 'is not', null)
      .where('vserver_id', '=', 0)
      .limit(1)
      .executeTakeFirstOrThrow();
    const hostId = withEvents.host_id!;
    const reply = await admin.call('EventProcessingFactory.CreateEventProcessingForHost', {
      strHostName: hostId,
      strProduct: '',
      strVersion: '',
      vecFieldsToReturn: [],
      vecFieldsToOrder: [],
      lifetimeSec: 60,
    });
    const events = await readAll(admin, reply['strIteratorId'] as string);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e['hostname'] === hostId)).toBe(true);
    const unknown = await admin
      .call('EventProcessingFactory.CreateEventProcessingForHost', {
        strHostName: 'nope',
        vecFieldsToReturn: [],
        lifetimeSec: 60,
      })
      .catch((e: unknown) => e);
    expect((unknown as KscCallError).pxgMessage).toBe("Unknown name of device 'nope'");
  });

  it('keeps at most maxEvents, deleting the oldest, when new events arrive', async () => {
    const before = emu.ksc.world.eventCount;
    const oldest = await emu.ksc.world.db
      .selectFrom('events')
      .select('id')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const added = await emu.control('POST', '/__emulator/events', { count: 1000 });
    expect(added.status).toBe(200);
    expect(emu.ksc.world.eventCount).toBe(3500);
    expect(before).toBeLessThanOrEqual(3500);
    const stillThere = await emu.ksc.world.db
      .selectFrom('events')
      .select('id')
      .where('id', '=', oldest.id)
      .execute();
    expect(stillThere).toEqual([]);
    const newest = await emu.ksc.world.db
      .selectFrom('events')
      .select(['id', 'rise_time'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Number(newest.rise_time)).toBeLessThanOrEqual(emu.ksc.clock.now());
  });

  it('reports a released or unknown iterator as not found', async () => {
    const iterator = await open(admin, {});
    await admin.call('EventProcessing.ReleaseIterator', { strIteratorId: iterator });
    const gone = await admin
      .call('EventProcessing.GetRecordCount', { strIteratorId: iterator })
      .catch((e: unknown) => e);
    expect((gone as KscCallError).pxgCode).toBe(1186);
  });
});

describe.each(BACKENDS)('KSC emulator event pages on a single server (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    // One server: event ids are contiguous, so pages take the database-built path.
    emu = await startTestEmulator(backend, { virtualServers: [], hosts: 50, events: 1200 });
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('serves contiguous pages whole, and skips events deleted after the result set was made', async () => {
    const iterator = await open(admin, {});
    const stored = await emu.ksc.world.db
      .selectFrom('events')
      .select(['id', 'attrs'])
      .orderBy('id')
      .execute();
    const first = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: 0,
      nEnd: 300,
    });
    const page = (first['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Event[] }).KLEVP_EVENT_RANGE_ARRAY;
    expect(page.map((e) => Number(e['event_db_id']))).toEqual(stored.slice(0, 300).map((r) => Number(r.id)));
    expect(Object.keys(page[0]!).length).toBe(Object.keys(JSON.parse(stored[0]!.attrs) as object).length);

    const gone = stored.slice(310, 320).map((r) => Number(r.id));
    // Through the world, as every deletion of events in the emulator goes (open result sets hear of it first).
    await emu.ksc.world.deleteEvents(gone);
    const second = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: 300,
      nEnd: 400,
    });
    const ids = (second['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Event[] }).KLEVP_EVENT_RANGE_ARRAY.map(
      (e) => Number(e['event_db_id']),
    );
    expect(ids).toHaveLength(90);
    expect(ids.filter((id) => gone.includes(id))).toEqual([]);
    expect(ids).toEqual(
      stored
        .slice(300, 400)
        .map((r) => Number(r.id))
        .filter((id) => !gone.includes(id)),
    );
  });
});
