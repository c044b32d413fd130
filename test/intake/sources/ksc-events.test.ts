/**
 * `ksc.events` against the KSC emulator over HTTP: the whole history in order, only new events from `end`, late
 * events (R14), evicted events (R15), session expiry (R6) and forgotten iterators (R7).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KscClient } from '../../../src/ksc/client/client.ts';
import type { PlainJson } from '../../../src/commands/core/types.ts';
import { KscEventsSource, kscEventsOptions } from '../../../src/intake/sources/ksc-events.ts';
import type { IntakeRecord, Source } from '../../../src/intake/types.ts';
import { createSource, sourceConfig } from '../../../src/intake/sources/index.ts';
import { StateStore } from '../../../src/store/state.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

const signal = new AbortController().signal;

function source(emulator: TestEmulator, options: Record<string, unknown> = {}) {
  const client = new KscClient({
    url: emulator.url,
    credentials: { user: 'admin', password: TEST_PASSWORD },
  });
  const config = kscEventsOptions.parse({ type: 'ksc.events', connection: 'lab', ...options });
  return { client, source: new KscEventsSource(client, config) };
}

/** Reads batches until the head; returns the records and the last cursor. */
async function drain(
  s: Source,
  cursor: PlainJson | undefined,
  limit = 500,
): Promise<{ records: IntakeRecord[]; cursor: PlainJson | undefined; batches: number }> {
  const records: IntakeRecord[] = [];
  let batches = 0;
  for (;;) {
    const batch = await s.next(cursor, limit, signal);
    batches++;
    records.push(...batch.records);
    cursor = batch.cursor;
    if (batch.atHead) return { records, cursor, batches };
  }
}

async function emulatorEventCount(emulator: TestEmulator): Promise<number> {
  const state = await emulator.control('GET', '/__emulator/state');
  return (state.body as { events: number }).events;
}

async function openIterators(emulator: TestEmulator): Promise<number> {
  const state = await emulator.control('GET', '/__emulator/state');
  return (state.body as { iterators: number }).iterators;
}

describe('ksc.events', () => {
  let emulator: TestEmulator;
  const clients: KscClient[] = [];
  const open = (options: Record<string, unknown> = {}) => {
    const made = source(emulator, options);
    clients.push(made.client);
    return made.source;
  };

  beforeAll(async () => {
    emulator = await startTestEmulator('sqlite', {
      events: 1500,
      hosts: 60,
      virtualServers: [],
      maxEvents: 1500,
    });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('reads the whole history from start, oldest first, each event once, and releases its iterators', async () => {
    const s = open({ start: 'start' });
    const { records, batches } = await drain(s, undefined, 400);
    await s.close();
    const keys = records.map((r) => r.key);
    expect(records.every((r) => r.kind === 'record')).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(await emulatorEventCount(emulator));
    expect(batches).toBeGreaterThan(3);
    const times = records.map((r) => Date.parse(r.time));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    const first = records[0]!;
    expect(first.data['event_db_id']).toBe(Number(first.key));
    expect(typeof first.data['rise_time']).toBe('string');
    expect(await openIterators(emulator)).toBe(0);
  });

  it('from end delivers only events added afterwards', async () => {
    const s = open({ start: 'end' });
    const head = await drain(s, undefined);
    expect(head.records).toEqual([]);
    const added = await emulator.control('POST', '/__emulator/events', { count: 7 });
    expect((added.body as { added: number }).added).toBe(7);
    const next = await drain(s, head.cursor);
    expect(next.records).toHaveLength(7);
    const again = await drain(s, next.cursor);
    expect(again.records).toEqual([]);
    await s.close();
    expect(await openIterators(emulator)).toBe(0);
  });

  it('survives session expiry and forgotten iterators mid-read without loss or duplicates (R6, R7)', async () => {
    const s = open({ start: 'start' });
    const keys: string[] = [];
    let cursor: PlainJson | undefined;
    for (let turn = 0; ; turn++) {
      // Between reads the server ends every session, then forgets every result set: the source's open
      // iterator is gone either way and must be recreated from the cursor.
      if (turn === 1) await emulator.control('POST', '/__emulator/sessions/expire');
      if (turn === 2) await emulator.control('POST', '/__emulator/iterators/expire');
      const batch = await s.next(cursor, 300, signal);
      keys.push(...batch.records.map((r) => r.key));
      cursor = batch.cursor;
      if (batch.atHead) break;
    }
    await s.close();
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(await emulatorEventCount(emulator));
    expect(await openIterators(emulator)).toBe(0);
  });

  it('delivers an event KSC indexed late once, within the lookback window (R14)', async () => {
    const s = open({ start: 'end', lookbackSeconds: 60 });
    let { cursor } = await drain(s, undefined);
    await emulator.control('POST', '/__emulator/events', { count: 3 });
    const fresh = await drain(s, cursor);
    expect(fresh.records).toHaveLength(3);
    cursor = fresh.cursor;
    // A new event_db_id whose rise_time is 30 s before the cursor's position.
    await emulator.control('POST', '/__emulator/events', { count: 2, riseSecondsAgo: 30 });
    const late = await drain(s, cursor);
    expect(late.records).toHaveLength(2);
    expect(late.records.every((r) => Date.parse(r.time) < Date.now() - 20_000)).toBe(true);
    const again = await drain(s, late.cursor);
    expect(again.records).toEqual([]);
    // A fresh source (a restart) from the committed cursor delivers nothing twice either.
    const restarted = open({ start: 'end', lookbackSeconds: 60 });
    expect((await drain(restarted, late.cursor)).records).toEqual([]);
    // Late beyond the window is not looked for.
    await emulator.control('POST', '/__emulator/events', { count: 1, riseSecondsAgo: 600 });
    expect((await drain(s, late.cursor)).records).toEqual([]);
    await s.close();
    await restarted.close();
  });

  it('reports a gap when KSC evicted events it had not read, and reads on (R15)', async () => {
    const s = open({ start: 'start' });
    const first = await s.next(undefined, 100, signal);
    expect(first.records).toHaveLength(100);
    const lastRead = BigInt(first.records[99]!.key);
    // The store keeps at most 1500 events: 800 more evict the 800 oldest, most of them unread.
    // The source's result set stays open across the eviction: it must notice the events vanishing under it.
    await emulator.control('POST', '/__emulator/events', { count: 800 });
    const rest = await drain(s, first.cursor);
    const gaps = rest.records.filter((r) => r.kind === 'gap');
    expect(gaps).toHaveLength(1);
    const gap = gaps[0]!;
    expect(gap.data['afterEventDbId']).toBe(lastRead.toString());
    expect(Number(gap.data['missingAtMost'])).toBeGreaterThan(0);
    expect(rest.records[0]!.kind).toBe('gap');
    const delivered = rest.records.filter((r) => r.kind === 'record');
    expect(delivered.length).toBe(await emulatorEventCount(emulator));
    expect(new Set(delivered.map((r) => r.key)).size).toBe(delivered.length);
    await s.close();
  });

  it('ksc.hosts: a full snapshot, then nothing while no host changed', async () => {
    const store = await StateStore.open({ file: ':memory:' });
    const { client } = source(emulator);
    clients.push(client);
    const config = sourceConfig.parse({ type: 'ksc.hosts', connection: 'lab', intervalSeconds: 0 });
    const s = createSource(config, { client, store, pipeline: 'hosts' });
    const snapshot = await drain(s, undefined, 25);
    expect(snapshot.records).toHaveLength(60);
    expect(new Set(snapshot.records.map((r) => r.data['KLHST_WKS_HOSTNAME'])).size).toBe(60);
    expect(snapshot.records.every((r) => r.kind === 'record' && r.change === 'snapshot')).toBe(true);
    expect((await drain(s, snapshot.cursor)).records).toEqual([]);
    await store.close();
    expect(await openIterators(emulator)).toBe(0);
  });
});
