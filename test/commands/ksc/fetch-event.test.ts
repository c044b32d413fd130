import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchEvent } from '../../../src/commands/ksc/fetch-event.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Stored = Record<string, unknown>;

/** `YYYY-MM-DD HH:MM:SS` of an epoch time, the way seed 001 writes times. */
function seedTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

describe('fetch_event', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** The main server's events as the store holds them, oldest first: what the command must return. */
  async function stored(options: { since: number; until?: number; severity?: number }): Promise<Stored[]> {
    let query = h.emu.ksc.world.db
      .selectFrom('events')
      .select(['attrs'])
      .where('vserver_id', '=', 0)
      .where('rise_time', '>=', options.since);
    if (options.until !== undefined) query = query.where('rise_time', '<=', options.until);
    if (options.severity !== undefined) query = query.where('severity', '=', options.severity);
    const rows = await query.orderBy('rise_time').orderBy('id').execute();
    return rows.map((r) => JSON.parse(r.attrs) as Stored);
  }

  async function criticalTimes(): Promise<number[]> {
    const rows = await h.emu.ksc.world.db
      .selectFrom('events')
      .select(['rise_time'])
      .where('vserver_id', '=', 0)
      .where('severity', '=', 4)
      .orderBy('rise_time')
      .execute();
    return rows.map((r) => Number(r.rise_time));
  }

  async function openIterators(): Promise<number> {
    return ((await h.emu.control('GET', '/__emulator/state')).body as { iterators: number }).iterators;
  }

  it('returns seed 001’s shapes: wire events with severityName, plain context, typed key fields, a records table', async () => {
    const times = await criticalTimes();
    const since = times[2]!;
    const expected = (await stored({ since, severity: 4 })).slice(0, 5);
    expect(expected).toHaveLength(5);
    const before = await openIterators();

    const result = await h.run(fetchEvent, {
      startTime: seedTime(since),
      limit: 5,
      searchCondition: { GNRL_EA_SEVERITY: 4 },
    });
    expect(result.status).toBe('Successful');
    // The EventProcessing iterator was released.
    expect(await openIterators()).toBe(before);

    const raw = result.raw as {
      pParamsEvents: { KLEVP_EVENT_RANGE_ARRAY: { type: string; value: Record<string, unknown> }[] };
    };
    const items = raw.pParamsEvents.KLEVP_EVENT_RANGE_ARRAY;
    expect(items).toHaveLength(5);
    for (const item of items) {
      expect(item.type).toBe('params');
      expect(item.value['severityName']).toBe('Critical');
      expect(item.value['GNRL_EA_SEVERITY']).toBe(4);
      expect(item.value['rise_time']).toMatchObject({ type: 'datetime' });
      expect(typeof item.value['GNRL_EA_DESCRIPTION']).toBe('string');
    }
    expect(items.map((i) => i.value['event_id'])).toEqual(expected.map((e) => e['event_id']));

    const context = result.context as Record<string, unknown>[];
    expect(context.map((c) => c['event_id'])).toEqual(expected.map((e) => e['event_id']));
    expect(typeof context[0]!['rise_time']).toBe('string');
    expect(context[0]!['severityName']).toBe('Critical');

    expect(result.keyFields).toEqual({
      EventIDs: expected.map((e) => e['event_id']),
      EventTypes: expected.map((e) => e['event_type']),
      EventTypeIDs: expected.flatMap((e) =>
        typeof e['event_type_id'] === 'number' ? [e['event_type_id']] : [],
      ),
      HostIDs: expected.flatMap((e) => (typeof e['hostname'] === 'string' ? [e['hostname']] : [])),
      HostNames: expected.flatMap((e) => (typeof e['hostdn'] === 'string' ? [e['hostdn']] : [])),
      EventTimes: expected.map((e) => (e['rise_time'] as { value: string }).value),
    });
    // Oldest first, from the start time on.
    const eventTimes = result.keyFields['EventTimes'] as string[];
    expect([...eventTimes].sort()).toEqual(eventTimes);
    expect(Date.parse(eventTimes[0]!)).toBeGreaterThanOrEqual(since);

    expect(result.result.title).toBe('Fetch Event');
    expect(result.result.columns[0]).toBe('GNRL_EA_DESCRIPTION');
    expect(result.result.columns).toContain('SEVERITYNAME');
    expect(result.result.columns).toContain('EVENT_TYPE_DISPLAY_NAME');
    expect(result.result.rows).toHaveLength(5);
    expect(result.result.rows[0]![result.result.columns.indexOf('SEVERITYNAME')]).toBe('Critical');
  });

  it('limits the time range to startTime…endTime and defaults to 20 events', async () => {
    const times = (await stored({ since: 0 })).map((e) =>
      Date.parse((e['rise_time'] as { value: string }).value),
    );
    const since = times[10]!;
    const until = times[40]!;
    const expected = await stored({ since, until });
    expect(expected.length).toBeGreaterThanOrEqual(31);
    expect(times.filter((t) => t > until).length).toBeGreaterThan(0);
    const ranged = await h.run(fetchEvent, {
      startTime: seedTime(since),
      endTime: seedTime(until),
      limit: 100,
    });
    expect(ranged.keyFields['EventIDs']).toEqual(expected.map((e) => e['event_id']));

    const open = await h.run(fetchEvent, { startTime: seedTime(since) });
    expect(open.keyFields['EventIDs']).toEqual(
      (await stored({ since })).slice(0, 20).map((e) => e['event_id']),
    );
    // ISO 8601 with an offset names the same instant.
    const local = new Date(since + 3 * 3_600_000).toISOString().slice(0, 19) + '+03:00';
    const iso = await h.run(fetchEvent, { startTime: local, endTime: seedTime(until), limit: 100 });
    expect(iso.keyFields['EventIDs']).toEqual(ranged.keyFields['EventIDs']);
  });

  it('takes the search condition in both of seed 001’s formats', async () => {
    const since = (await criticalTimes())[0]!;
    const startTime = seedTime(since);
    const expected = (await stored({ since, severity: 4 })).slice(0, 10).map((e) => e['event_id']);
    for (const searchCondition of [
      { GNRL_EA_SEVERITY: 4 },
      { GNRL_EA_SEVERITY: '4' },
      '{"GNRL_EA_SEVERITY": 4}',
      'GNRL_EA_SEVERITY=4',
    ]) {
      const result = await h.run(fetchEvent, { startTime, limit: 10, searchCondition });
      expect(result.keyFields['EventIDs'], JSON.stringify(searchCondition)).toEqual(expected);
    }
    // Several pairs, a quoted value with spaces.
    const pairs = await h.run(fetchEvent, {
      startTime,
      limit: 50,
      searchCondition: 'GNRL_EA_SEVERITY=4 event_type_display_name="Malicious object detected"',
    });
    const wanted = (await stored({ since, severity: 4 }))
      .filter((e) => e['event_type_display_name'] === 'Malicious object detected')
      .slice(0, 50)
      .map((e) => e['event_id']);
    expect(wanted.length).toBeGreaterThan(0);
    expect(pairs.keyFields['EventIDs']).toEqual(wanted);
  });

  it('names the field of bad input (seed 001: "The value for parameter (…) is invalid")', async () => {
    const startTime = '2024-01-01 00:00';
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ startTime, limit: 0 }, 'limit'],
      [{ startTime, limit: 10_001 }, 'limit'],
      [{ startTime: 'yesterday' }, 'startTime'],
      [{ startTime: '2024-02-30 00:00' }, 'startTime'],
      [{}, 'startTime'],
      [{ startTime: '2024-06-02 00:00', endTime: '2024-06-01 00:00' }, 'endTime'],
      [{ startTime, searchCondition: 'GNRL_EA_SEVERITY=high' }, 'searchCondition'],
      [{ startTime, searchCondition: 'severity' }, 'searchCondition'],
      [{ startTime, searchCondition: '{"GNRL_EA_SEVERITY": ' }, 'searchCondition'],
      [{ startTime, searchCondition: { KLEVP_RFC2254_FILTER: '(GNRL_EA_SEVERITY = 1)' } }, 'searchCondition'],
    ];
    for (const [input, field] of cases) {
      const result = await h.run(fetchEvent, input);
      expect(result.status, JSON.stringify(input)).toBe('Failed');
      const error = firstError(result);
      expect(error).toMatchObject({ failureIndicator: 'Fetch Event failed.', statusCode: 400 });
      expect(error.message).toMatch(new RegExp(`^The value for parameter \\(${field}\\) is invalid`));
    }
  });

  it('needs Basic functionality Read; without the Managed devices scope no event comes back', async () => {
    const denied = await h.run(fetchEvent, { startTime: '2024-01-01 00:00' }, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    const reader = await h.run(fetchEvent, { startTime: '2024-01-01 00:00', limit: 3 }, 'reader');
    expect(reader.keyFields['EventIDs']).toHaveLength(3);
    const serverOnly = await h.run(fetchEvent, { startTime: '2024-01-01 00:00' }, 'server-only');
    expect(serverOnly.status).toBe('Successful');
    expect(serverOnly.keyFields['EventIDs']).toEqual([]);
  });
});
