import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsGetEvent } from '../../../src/commands/kics/get-event.ts';
import { kicsListEvents } from '../../../src/commands/kics/list-events.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

interface EventRecord {
  readonly id: number;
  readonly severity: string;
  readonly status: string;
  readonly statusText: string;
  readonly technology: string;
  readonly startTime: string;
  readonly sourceIps: string[];
  readonly destinationIps: string[];
}

describe('kics_list_events and kics_get_event', () => {
  let h: KicsCommandHarness;
  let every: EventRecord[];
  beforeAll(async () => {
    // More events than one page holds, so reading them all takes several requests.
    h = await startKicsCommandHarness({ devices: 30, events: 1500 });
    const result = await h.run(kicsListEvents, { limit: 5000 });
    every = result.context as unknown as EventRecord[];
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('reads every event over several pages, by id, with statuses in words', () => {
    expect(every.length).toBeGreaterThan(1000);
    const ids = every.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(every.find((e) => e.status === 'Proposed')?.statusText).toMatch(/New/);
  });

  it('reads on from LastEventId without repeats or gaps', async () => {
    const first = await h.run(kicsListEvents, { limit: 7 });
    expect(first.keyFields['MoreAvailable']).toBe(true);
    const second = await h.run(kicsListEvents, { limit: 7, afterId: first.keyFields['LastEventId'] });
    expect([
      ...(first.keyFields['EventIds'] as number[]),
      ...(second.keyFields['EventIds'] as number[]),
    ]).toEqual(every.slice(0, 14).map((e) => e.id));
  });

  it('filters by severity, status, technology, address and start time', async () => {
    const result = await h.run(kicsListEvents, {
      severity: ['Critical'],
      status: ['Proposed', 'Active'],
      limit: 5000,
    });
    const wanted = every.filter(
      (e) => e.severity === 'Critical' && (e.status === 'Proposed' || e.status === 'Active'),
    );
    expect(wanted.length).toBeGreaterThan(0);
    expect(result.keyFields['EventIds']).toEqual(wanted.map((e) => e.id));

    const technology = every[0]!.technology;
    const byTechnology = await h.run(kicsListEvents, { technology: [technology], limit: 5000 });
    expect(byTechnology.keyFields['EventIds']).toEqual(
      every.filter((e) => e.technology === technology).map((e) => e.id),
    );

    const ip = every.find((e) => e.destinationIps.length > 0)!.destinationIps[0]!;
    const byIp = await h.run(kicsListEvents, { ipAddress: ip, limit: 5000 });
    expect(byIp.keyFields['EventIds']).toEqual(
      every.filter((e) => e.sourceIps.includes(ip) || e.destinationIps.includes(ip)).map((e) => e.id),
    );

    const times = every.map((e) => e.startTime).sort();
    const middle = times[Math.floor(times.length / 2)]!;
    const since = await h.run(kicsListEvents, { since: middle, limit: 5000 });
    expect(since.keyFields['EventIds']).toEqual(
      every.filter((e) => Date.parse(e.startTime) >= Date.parse(middle)).map((e) => e.id),
    );
  });

  it('fails a bad filter before any request, naming the field', async () => {
    for (const [given, field] of [
      [{ severity: ['Severe'] }, 'severity'],
      [{ ipAddress: 'plc-1' }, 'ipAddress'],
      [{ since: '31.01.2026' }, 'since'],
    ] as const) {
      const result = await h.run(kicsListEvents, given);
      expect(result.errors[0], field).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
      expect(result.errors[0]?.message, field).toContain(`(${field}`);
    }
  });

  it('kics_get_event reads one event, and fails with 404 for one that does not exist', async () => {
    const id = every[3]!.id;
    const result = await h.run(kicsGetEvent, { eventId: id });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['EventId']).toBe(id);
    expect(result.keyFields['Severity']).toBe(every[3]!.severity);
    expect(result.keyFields['DestinationIps']).toEqual(every[3]!.destinationIps);
    const missing = await h.run(kicsGetEvent, { eventId: 99_999_999 });
    expect(missing.errors[0]).toMatchObject({
      failureIndicator: 'KICS Get Event failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
  });
});
