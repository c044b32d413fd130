/**
 * The KICS sources against the KICS emulator over HTTPS with mutual TLS: events by keyset with events arriving
 * meanwhile and events seen again (the lastSeenTime watermark), the audit log, and devices as a change stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainJson } from '../../../src/commands/core/types.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import { KicsEventsSource, kicsEventsOptions } from '../../../src/intake/sources/kics-events.ts';
import { KicsLogSource, kicsAuditOptions } from '../../../src/intake/sources/kics-logs.ts';
import type { IntakeRecord, Source } from '../../../src/intake/types.ts';
import { createSource, sourceConfig } from '../../../src/intake/sources/index.ts';
import { StateStore } from '../../../src/store/state.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from '../../commands/kics/support.ts';

const signal = new AbortController().signal;

async function drain(
  s: Source,
  cursor: PlainJson | undefined,
  limit = 40,
): Promise<{ records: IntakeRecord[]; cursor: PlainJson }> {
  const records: IntakeRecord[] = [];
  for (;;) {
    const batch = await s.next(cursor, limit, signal);
    records.push(...batch.records);
    cursor = batch.cursor;
    if (batch.atHead) return { records, cursor };
  }
}

describe('kics sources', () => {
  let harness: KicsCommandHarness;
  let client: KicsClient;

  beforeAll(async () => {
    harness = await startKicsCommandHarness({ devices: 30, events: 120 });
    client = harness.context().kics as KicsClient;
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('kics.events reads every event once, in id order, with events arriving meanwhile', async () => {
    const s = new KicsEventsSource(
      client,
      kicsEventsOptions.parse({ type: 'kics.events', connection: 'plant', start: 'start' }),
    );
    const first = await s.next(undefined, 50, signal);
    expect(first.records).toHaveLength(50);
    const added = await harness.kics.addEvents(5);
    const rest = await drain(s, first.cursor);
    const keys = [...first.records, ...rest.records].map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    const total = await harness.kics.store.events.maxId();
    expect(keys).toEqual(Array.from({ length: total }, (_, i) => String(i + 1)));
    expect(keys.slice(-5)).toEqual(added.map(String));
    expect((await drain(s, rest.cursor)).records).toEqual([]);
  });

  it('kics.events delivers an event seen again once more, keyed <id>@<lastSeenTime>', async () => {
    const s = new KicsEventsSource(
      client,
      kicsEventsOptions.parse({ type: 'kics.events', connection: 'plant', start: 'end' }),
    );
    const head = await drain(s, undefined);
    expect(head.records).toEqual([]);
    const [id] = await harness.kics.addEvents(1);
    const fresh = await drain(s, head.cursor);
    expect(fresh.records.map((r) => r.key)).toEqual([String(id)]);
    // The event appears again a minute later.
    const event = (await harness.kics.store.events.get(id!))!;
    const later = new Date(Date.parse(event.lastSeenTime) + 60_000).toISOString().replace('.000Z', 'Z');
    await harness.kics.store.events.update(id!, {
      ...event,
      lastSeenTime: later,
      totalAppearances: event.totalAppearances + 1,
    });
    const update = await drain(s, fresh.cursor);
    expect(update.records.map((r) => r.key)).toEqual([`${id}@${later}`]);
    expect(update.records[0]!.data['totalAppearances']).toBe(event.totalAppearances + 1);
    // Delivered once: the next reads, and a restart from the cursor, find nothing.
    expect((await drain(s, update.cursor)).records).toEqual([]);
    const restarted = new KicsEventsSource(
      client,
      kicsEventsOptions.parse({ type: 'kics.events', connection: 'plant' }),
    );
    expect((await drain(restarted, update.cursor)).records).toEqual([]);
  });

  it('kics.audit reads the audit log by id from start, then only new entries', async () => {
    const s = new KicsLogSource(
      client,
      kicsAuditOptions.parse({ type: 'kics.audit', connection: 'plant', start: 'start' }),
    );
    const all = await drain(s, undefined, 7);
    expect(all.records.length).toBeGreaterThan(0);
    const ids = all.records.map((r) => Number(r.key));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // Every API call is audited: the drain itself added entries, read by the next drain and only by it.
    const next = await drain(s, all.cursor);
    for (const r of next.records) expect(Number(r.key)).toBeGreaterThan(ids[ids.length - 1]!);
  });

  it('kics.devices: a snapshot first, then what was added, changed and removed; a restart delivers nothing twice', async () => {
    const store = await StateStore.open({ file: ':memory:' });
    const config = sourceConfig.parse({ type: 'kics.devices', connection: 'plant', intervalSeconds: 0 });
    const s = createSource(config, { client, store, pipeline: 'devices' });
    const snapshot = await drain(s, undefined, 10);
    const count = (await client.queryDevices({ limit: 1000 })).values.length;
    expect(snapshot.records).toHaveLength(count);
    expect(snapshot.records.every((r) => r.kind === 'record' && r.change === 'snapshot')).toBe(true);
    expect((await drain(s, snapshot.cursor)).records).toEqual([]);

    const [first, second] = snapshot.records.map((r) => Number(r.data['id']));
    await client.updateDevice(first!, { description: 'moved to line 2 by the intake test' });
    await client.deleteDevice(second!);
    const created = await client.createDevice({
      name: 'intake-test-device',
      addressInformation: [{ macAddress: '02:00:00:00:00:99', ipAddresses: [{ ip: '10.9.9.9' }] }],
    } as never);
    const changes = await drain(s, snapshot.cursor, 2);
    const summary = changes.records.map((r) => [(r as { change?: string }).change, Number(r.data['id'])]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['changed', first],
        ['removed', second],
        ['added', created.deviceId],
      ]),
    );
    expect(summary).toHaveLength(3);
    // A new source (a restart) from the last cursor finds nothing new.
    const restarted = createSource(config, { client, store, pipeline: 'devices' });
    expect((await drain(restarted, changes.cursor)).records).toEqual([]);
    await store.close();
  });
});
