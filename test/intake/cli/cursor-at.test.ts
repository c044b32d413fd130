/**
 * `cursorAt` (what `kconnect intake reset --to …` asks of a source) on every source, against the emulators: the
 * cursor it returns, read on, gives what the target promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainJson } from '../../../src/commands/core/types.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import { KscClient } from '../../../src/ksc/client/client.ts';
import type { RewindableSource } from '../../../src/intake/reset.ts';
import { createSource, sourceConfig } from '../../../src/intake/sources/index.ts';
import type { IntakeRecord } from '../../../src/intake/types.ts';
import { StateStore } from '../../../src/store/state.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from '../../commands/kics/support.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

const signal = new AbortController().signal;

async function drain(s: RewindableSource, cursor: PlainJson): Promise<IntakeRecord[]> {
  const records: IntakeRecord[] = [];
  for (;;) {
    const batch = await s.next(cursor, 500, signal);
    records.push(...batch.records);
    cursor = batch.cursor;
    if (batch.atHead) return records;
  }
}

describe('cursorAt on ksc.events and ksc.hosts', () => {
  let emulator: TestEmulator;
  let client: KscClient;
  let store: StateStore;
  const open = (options: Record<string, unknown>) =>
    createSource(sourceConfig.parse({ connection: 'lab', ...options }), {
      client,
      store,
      pipeline: 'p',
    }) as RewindableSource;

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', { events: 300, hosts: 15, virtualServers: [] });
    client = new KscClient({ url: emulator.url, credentials: { user: 'admin', password: TEST_PASSWORD } });
    store = await StateStore.open({ file: ':memory:' });
  });
  afterAll(async () => {
    await client?.close();
    await store?.close();
    await emulator?.stop();
  });

  it('start: the whole history; end: nothing until new events; a time: the events from it on', async () => {
    const s = open({ type: 'ksc.events', start: 'end' });
    const all = await drain(s, await s.cursorAt('start', signal));
    const state = await emulator.control('GET', '/__emulator/state');
    expect(all).toHaveLength((state.body as { events: number }).events);

    const end = await s.cursorAt('end', signal);
    expect(await drain(s, end)).toEqual([]);

    const middle = all[150]!.time;
    const from = await drain(s, await s.cursorAt({ time: middle }, signal));
    const expected = all.filter((r) => Date.parse(r.time) >= Date.parse(middle)).map((r) => r.key);
    expect(from.map((r) => r.key)).toEqual(expected);

    await emulator.control('POST', '/__emulator/events', { count: 4 });
    expect(await drain(s, end)).toHaveLength(4);
    await s.close();
  });

  it('ksc.hosts: start is a new snapshot, end delivers only later changes, a time is refused', async () => {
    const s = open({ type: 'ksc.hosts', intervalSeconds: 0 });
    const snapshot = await drain(s, await s.cursorAt('start', signal));
    expect(snapshot.length).toBeGreaterThan(0);
    expect(snapshot.every((r) => r.kind === 'record' && r.change === 'snapshot')).toBe(true);
    expect(await drain(s, await s.cursorAt('end', signal))).toEqual([]);
    await expect(s.cursorAt({ time: '2024-01-01T00:00:00Z' }, signal)).rejects.toThrow(
      /to: ksc\.hosts is an inventory without history/,
    );
  });
});

describe('cursorAt on the KICS sources', () => {
  let harness: KicsCommandHarness;
  let client: KicsClient;
  let store: StateStore;
  const open = (options: Record<string, unknown>) =>
    createSource(sourceConfig.parse({ connection: 'plant', ...options }), {
      client,
      store,
      pipeline: 'k',
    }) as RewindableSource;

  beforeAll(async () => {
    harness = await startKicsCommandHarness({ devices: 12, events: 40 });
    client = harness.context().kics as KicsClient;
    store = await StateStore.open({ file: ':memory:' });
  });
  afterAll(async () => {
    await store?.close();
    await harness?.stop();
  });

  it('kics.events: start reads every event, end only new ones, a time those started from it on', async () => {
    const s = open({ type: 'kics.events', updates: false });
    const all = await drain(s, await s.cursorAt('start', signal));
    expect(all.map((r) => r.key)).toEqual(Array.from({ length: all.length }, (_, i) => String(i + 1)));
    const end = await s.cursorAt('end', signal);
    expect(await drain(s, end)).toEqual([]);
    const pivot = all[20]!;
    const from = await drain(s, await s.cursorAt({ time: pivot.time }, signal));
    expect(from[0]!.key).toBe(all.find((r) => Date.parse(r.time) >= Date.parse(pivot.time))!.key);
    const added = await harness.kics.addEvents(3);
    expect((await drain(s, end)).map((r) => r.key)).toEqual(added.map(String));
  });

  it('kics.audit: start from the first entry, end after the last', async () => {
    const s = open({ type: 'kics.audit' });
    expect(await s.cursorAt('start', signal)).toEqual({ v: 1, afterId: 0 });
    const end = (await s.cursorAt('end', signal)) as { afterId: number };
    expect(end.afterId).toBeGreaterThan(0);
    for (const record of await drain(s, end)) expect(Number(record.key)).toBeGreaterThan(end.afterId);
  });

  it('kics.devices: start is a new snapshot of every device, end delivers nothing until a change', async () => {
    const s = open({ type: 'kics.devices', intervalSeconds: 0 });
    const snapshot = await drain(s, await s.cursorAt('start', signal));
    expect(snapshot.length).toBeGreaterThanOrEqual(12);
    expect(await drain(s, await s.cursorAt('end', signal))).toEqual([]);
  });
});
