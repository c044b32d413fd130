import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsGetEvent } from '../../../src/commands/kics/get-event.ts';
import { kicsListEvents } from '../../../src/commands/kics/list-events.ts';
import type { KicsEvent } from '../../../src/kics/model.ts';
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
  let wire: KicsEvent[];
  beforeAll(async () => {
    // More events than one page holds, so reading them all takes several requests.
    h = await startKicsCommandHarness({ devices: 30, events: 1500 });
    const result = await h.run(kicsListEvents, { limit: 5000 });
    every = result.context as unknown as EventRecord[];
    wire = JSON.parse(JSON.stringify(result.raw)) as KicsEvent[];
  }, 120_000);
  const ids = (events: readonly { id: number }[]) => events.map((e) => e.id);
  const sides = (event: KicsEvent, side: 'source' | 'destination') =>
    event.communications.flatMap((c) => [c[side].ipAddress, c[side].macAddress]);
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

  it('filters by event type, a time window, one side’s IP or MAC address, and a device', async () => {
    const type = wire.find((e) => e.severity === 'Critical')!.eventType;
    const byType = await h.run(kicsListEvents, { eventType: [type], limit: 5000 });
    expect(byType.keyFields['EventIds']).toEqual(ids(wire.filter((e) => e.eventType === type)));

    const times = wire.map((e) => e.startTime).sort();
    const [from, to] = [times[Math.floor(times.length / 4)]!, times[Math.floor(times.length / 2)]!];
    const window = await h.run(kicsListEvents, { since: from, until: to, limit: 5000 });
    const inWindow = wire.filter(
      (e) => Date.parse(e.startTime) >= Date.parse(from) && Date.parse(e.startTime) <= Date.parse(to),
    );
    expect(inWindow.length).toBeGreaterThan(0);
    expect(window.keyFields['EventIds']).toEqual(ids(inWindow));

    const withMac = wire.find((e) => e.communications.some((c) => c.source.macAddress !== null))!;
    const mac = withMac.communications.find((c) => c.source.macAddress !== null)!.source.macAddress!;
    const bySourceMac = await h.run(kicsListEvents, { sourceAddress: mac, limit: 5000 });
    expect(bySourceMac.keyFields['EventIds']).toEqual(
      ids(wire.filter((e) => sides(e, 'source').includes(mac))),
    );
    // The same address as a destination is another set of events.
    const ip = withMac.communications.find((c) => c.source.ipAddress !== null)!.source.ipAddress!;
    const byDestination = await h.run(kicsListEvents, { destinationAddress: ip, limit: 5000 });
    expect(byDestination.keyFields['EventIds']).toEqual(
      ids(wire.filter((e) => sides(e, 'destination').includes(ip))),
    );

    const deviceId = wire.find((e) => e.assets.length > 0)!.assets[0]!.id;
    const device = (await h.kics.store.devices.get(deviceId))!;
    // KICS compares text without case.
    const addresses = device.addressInformation
      .flatMap((a) => [a.macAddress, ...a.ipAddresses.map((i) => i.ip)])
      .map((a) => a?.toLowerCase());
    const byDevice = await h.run(kicsListEvents, { deviceId, limit: 5000 });
    const about = wire.filter((e) =>
      [...sides(e, 'source'), ...sides(e, 'destination')].some(
        (a) => a !== null && addresses.includes(a.toLowerCase()),
      ),
    );
    expect(about.length).toBeGreaterThan(0);
    expect(byDevice.keyFields['EventIds']).toEqual(ids(about));
    const missing = await h.run(kicsListEvents, { deviceId: 99_999_999 });
    expect(missing.errors[0]).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('fails a bad filter before any request, naming the field', async () => {
    for (const [given, field] of [
      [{ severity: ['Severe'] }, 'severity'],
      [{ ipAddress: 'plc-1' }, 'ipAddress'],
      [{ since: '31.01.2026' }, 'since'],
      [{ until: 'tomorrow' }, 'until'],
      [{ sourceAddress: 'plc-1' }, 'sourceAddress'],
      [{ eventType: [-1] }, 'eventType'],
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
