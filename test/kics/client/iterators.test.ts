/**
 * Paging through the KICS client: offset pages that stop on a short page, and the events' keyset pages while new
 * events arrive through the emulator's control API — none read twice, none missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, kicsQuery, pages, type KicsClient } from '../../../src/kics/client/index.ts';
import { startClientHarness, type ClientHarness } from './harness.ts';

describe('KICS client: iterators', () => {
  let harness: ClientHarness;
  let kics: KicsClient;
  beforeAll(async () => {
    harness = await startClientHarness({ devices: 53, events: 400 });
    kics = await harness.client();
  });
  afterAll(async () => {
    await kics.close();
    await harness.close();
  });

  it('pages devices by offset and stops on the short page', async () => {
    const sizes: number[] = [];
    const ids: number[] = [];
    for await (const values of pages(kics, 'devices', {}, { pageSize: 10 })) {
      sizes.push(values.length);
      ids.push(...values.map((device) => device.id));
    }
    const total = (await kics.queryDevices({ limit: 1000 })).values.length;
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(sizes.slice(0, -1).every((size) => size === 10)).toBe(true);
    expect(sizes.at(-1)).toBeLessThanOrEqual(10);
    const unauthorized: number[] = [];
    for await (const device of all(
      kics,
      'devices',
      kicsQuery('devices').where('status', '=', 'Unauthorized').build(),
      {
        pageSize: 3,
      },
    ))
      unauthorized.push(device.id);
    expect(unauthorized).toEqual(
      (
        await kics.queryDevices({ filter: [{ field: 'status', value: 'Unauthorized' }], limit: 1000 })
      ).values.map((device) => device.id),
    );
  });

  it('pages events by keyset while new ones arrive: no duplicate, none missed', async () => {
    const seen: number[] = [];
    let requests = 0;
    for await (const values of pages(kics, 'events', {}, { pageSize: 50 })) {
      requests++;
      seen.push(...values.map((event) => event.id));
      // New events land while the reader is between pages (at most a few rounds, so the loop ends).
      if (requests <= 4) await harness.control('POST', '/events', { count: 30 });
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toHaveLength(await harness.kics.store.events.count());
  });

  it('resumes events after a checkpoint and keeps the caller filter', async () => {
    const everything = (await kics.queryEvents({ sort: [{ column: 'id', order: 'asc' }] })).values;
    const checkpoint = everything[Math.floor(everything.length / 2)]!.id;
    const warnings: number[] = [];
    for await (const event of all(
      kics,
      'events',
      kicsQuery('events').where('severity', '=', 'Warning').or('severity', '=', 'Critical').build(),
      { afterId: checkpoint, pageSize: 20 },
    ))
      warnings.push(event.id);
    expect(warnings).toEqual(
      everything
        .filter(
          (event) => event.id > checkpoint && (event.severity === 'Warning' || event.severity === 'Critical'),
        )
        .map((event) => event.id),
    );
  });
});
