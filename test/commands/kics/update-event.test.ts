import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../../src/commands/core/idempotency.ts';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { kicsUpdateEvent } from '../../../src/commands/kics/update-event.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { KicsEvent } from '../../../src/kics/model.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_update_event', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let events: KicsEvent[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 20, events: 60 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    events = [...(await kics.queryEvents({ limit: 1000 })).values].filter((e) => e.status !== 'Resolved');
    expect(events.length).toBeGreaterThan(8);
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('resolves events with a mark, reads them back and returns what a rollback needs', async () => {
    const [a, b] = [events[0]!, events[1]!];
    const result = await h.run(kicsUpdateEvent, {
      eventIds: [a.id, b.id, a.id],
      status: 'Resolved',
      mark: 5,
    });
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);
    expect(result.keyFields).toEqual({
      UpdatedEventIds: [a.id, b.id],
      UpdatedEventsCount: 2,
      Status: 'Resolved',
      Mark: 5,
      PreviousStatuses: [a.status, b.status],
      PreviousMarks: [a.mark, b.mark],
    });
    for (const id of [a.id, b.id]) {
      const now = await kics.getEvent(id);
      expect(now.status).toBe('Resolved');
      expect(now.mark).toBe(5);
      // KICS records when Resolved was set as the event's end.
      expect(now.endTime).not.toBeNull();
    }
    const context = result.context as Array<{ id: number; statusText: string; previousStatus: string }>;
    expect(context.map((c) => [c.id, c.statusText, c.previousStatus])).toEqual([
      [a.id, 'Resolved', a.status],
      [b.id, 'Resolved', b.status],
    ]);
    expect(result.result.rows).toHaveLength(2);
  });

  it('changes only the mark when no status is given, and 0 clears it', async () => {
    const e = events[2]!;
    const marked = await h.run(kicsUpdateEvent, { eventIds: [e.id], mark: 3 });
    expect(marked.keyFields['Status']).toBeNull();
    const after = await kics.getEvent(e.id);
    expect(after.mark).toBe(3);
    expect(after.status).toBe(e.status);
    const cleared = await h.run(kicsUpdateEvent, { eventIds: [e.id], mark: 0 });
    expect(cleared.status).toBe('Successful');
    expect(cleared.keyFields['PreviousMarks']).toEqual([3]);
    expect((await kics.getEvent(e.id)).mark).toBe(0);
  });

  it('reports a missing event on its own and still changes the others (Partially Successful)', async () => {
    const e = events[3]!;
    const result = await h.run(kicsUpdateEvent, { eventIds: [99_999_999, e.id], status: 'Active' });
    expect(result.status).toBe('Partially Successful');
    expect(result.keyFields['UpdatedEventIds']).toEqual([e.id]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        failureIndicator: 'KICS Update Event failed.',
        statusCode: 404,
        code: 'NOT_FOUND',
        item: '99999999',
      }),
    ]);
    expect((await kics.getEvent(e.id)).status).toBe('Active');

    const none = await h.run(kicsUpdateEvent, { eventIds: [99_999_998], status: 'Active' });
    expect(none.status).toBe('Failed');
    expect(none.errors[0]).toMatchObject({ statusCode: 404, item: '99999998' });
  });

  it('refuses bad input before any request, naming the field', async () => {
    const e = events[4]!;
    const auditBefore = await h.kics.store.auditEntries.count();
    for (const [given, field] of [
      [{ eventIds: [e.id] }, 'status'],
      [{ eventIds: [e.id], status: 'Closed' }, 'status'],
      [{ eventIds: [e.id], mark: 8 }, 'mark'],
      [{ eventIds: [], status: 'Active' }, 'eventIds'],
      [{ eventIds: [0], status: 'Active' }, 'eventIds.0'],
      [{ eventIds: [e.id], status: 'Active', colour: 'red' }, 'colour'],
    ] as const) {
      const result = await h.run(kicsUpdateEvent, given);
      expect(result.status, field).toBe('Failed');
      expect(result.errors[0], field).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
      expect(result.errors[0]?.message, field).toContain(`(${field})`);
    }
    expect(await h.kics.store.auditEntries.count()).toBe(auditBefore);
    expect(await kics.getEvent(e.id)).toEqual(e);
  });

  it('refuses an Operator connector with 403 for each event and changes nothing', async () => {
    const e = events[5]!;
    const operator = await h.connector('soc-reader', 'soc-reader', 'Operator');
    const result = await executeCommand(kicsUpdateEvent, operator, {
      eventIds: [e.id, events[6]!.id],
      status: 'Resolved',
    });
    expect(result.status).toBe('Failed');
    expect(result.errors).toHaveLength(2);
    for (const entry of result.errors)
      expect(entry).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect((await kics.getEvent(e.id)).status).toBe(e.status);
  });

  it('acts once per idempotency key', async () => {
    const e = events[7]!;
    // The surfaces give the context a store of results by key; the harness's plain context has none.
    const ctx = { ...h.context(), idempotency: new MemoryIdempotencyStore(() => Date.now()) };
    const first = await executeCommand(kicsUpdateEvent, ctx, {
      eventIds: [e.id],
      status: 'Active',
      idempotencyKey: 'soc-4711-update',
    });
    expect(first.status).toBe('Successful');
    // Changed meanwhile by someone else: a retry with the same key must not set it again.
    await kics.updateEvent(e.id, { status: 'Proposed' });
    const again = await executeCommand(kicsUpdateEvent, ctx, {
      eventIds: [e.id],
      status: 'Active',
      idempotencyKey: 'soc-4711-update',
    });
    expect(again).toEqual(first);
    expect((await kics.getEvent(e.id)).status).toBe('Proposed');
  });
});
