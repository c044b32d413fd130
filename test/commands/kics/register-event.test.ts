import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../../src/commands/core/idempotency.ts';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { kicsRegisterEvent } from '../../../src/commands/kics/register-event.ts';
import { kicsQuery } from '../../../src/kics/client/query-builder.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_register_event', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 10, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('registers an event with everything given and reads it back', async () => {
    const point = (await kics.monitoringPoints())[0]!;
    const external = (await kics.eventTypes()).find((t) => t.technology === 'External')!;
    const result = await h.run(kicsRegisterEvent, {
      title: 'Engineering station ENG-WS-07 isolated',
      severity: 'Warning',
      description: 'Isolated by the OT incident playbook.',
      startTime: '2026-01-31T10:15:00Z',
      lastSeenTime: '2026-01-31T10:20:00Z',
      totalAppearances: 2,
      triggeredRuleName: 'ot-incident playbook',
      monitoringPointId: point.mpId,
      mark: 4,
      params: { kscHost: 'ENG-WS-07', ticket: 'SOC-4711' },
    });
    expect(result.status).toBe('Successful');
    const id = result.keyFields['EventId'] as number;
    const stored = await kics.getEvent(id);
    expect(stored).toMatchObject({
      title: 'Engineering station ENG-WS-07 isolated',
      severity: 'Warning',
      description: 'Isolated by the OT incident playbook.',
      startTime: '2026-01-31T10:15:00Z',
      lastSeenTime: '2026-01-31T10:20:00Z',
      totalAppearances: 2,
      triggeredRule: 'ot-incident playbook',
      monitoringPointId: point.mpId,
      monitoringPoint: point.name,
      mark: 4,
      status: 'Proposed',
      origin: 'User',
      technology: 'External',
      eventType: external.eventTypeId,
    });
    expect(stored.params).toEqual([
      { name: 'kscHost', value: 'ENG-WS-07' },
      { name: 'ticket', value: 'SOC-4711' },
    ]);
    expect(result.keyFields).toEqual({
      EventId: id,
      Title: stored.title,
      Severity: 'Warning',
      EventType: external.eventTypeId,
      StartTime: '2026-01-31T10:15:00Z',
    });
    expect(result.context).toMatchObject({ id, statusText: 'New (not yet processed)', readBack: true });
  });

  it('registers with only a title and a severity; KICS fills in the rest', async () => {
    const result = await h.run(kicsRegisterEvent, { title: 'Heartbeat from kconnect', severity: 'Info' });
    expect(result.status).toBe('Successful');
    const stored = await kics.getEvent(result.keyFields['EventId'] as number);
    expect(stored).toMatchObject({ title: 'Heartbeat from kconnect', totalAppearances: 1, endTime: null });
    const listed = await kics.queryEvents(kicsQuery('events').where('id', '=', stored.id).build());
    expect(listed.values.map((e) => e.id)).toEqual([stored.id]);
  });

  it('refuses bad input before any request, naming the field', async () => {
    const before = await h.kics.store.events.count();
    for (const [given, field] of [
      [{ severity: 'Info' }, 'title'],
      [{ title: '   ', severity: 'Info' }, 'title'],
      [{ title: 'x', severity: 'Severe' }, 'severity'],
      [{ title: 'x', severity: 'Info', startTime: '31.01.2026 10:15' }, 'startTime'],
      [{ title: 'x', severity: 'Info', mark: 9 }, 'mark'],
      [{ title: 'x', severity: 'Info', monitoringPointId: 70_000 }, 'monitoringPointId'],
      [{ title: 'x', severity: 'Info', params: { ticket: 4711 } }, 'params.ticket'],
      [{ title: 'x', severity: 'Info', eventType: 5 }, 'eventType'],
    ] as const) {
      const result = await h.run(kicsRegisterEvent, given);
      expect(result.status, field).toBe('Failed');
      expect(result.errors[0], field).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
      expect(result.errors[0]?.message, field).toContain(`(${field})`);
    }
    expect(await h.kics.store.events.count()).toBe(before);
  });

  it('refuses an Operator connector with 403 and registers nothing', async () => {
    const before = await h.kics.store.events.count();
    const operator = await h.connector('soc-reader', 'soc-reader', 'Operator');
    const result = await executeCommand(kicsRegisterEvent, operator, {
      title: 'Not allowed',
      severity: 'Info',
    });
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({
      failureIndicator: 'KICS Register Event failed.',
      statusCode: 403,
      code: 'ACCESS_DENIED',
    });
    expect(await h.kics.store.events.count()).toBe(before);
  });

  it('registers once per idempotency key', async () => {
    const ctx = { ...h.context(), idempotency: new MemoryIdempotencyStore(() => Date.now()) };
    const input = { title: 'Once only', severity: 'Critical', idempotencyKey: 'soc-4711-register' };
    const before = await h.kics.store.events.count();
    const first = await executeCommand(kicsRegisterEvent, ctx, input);
    expect(await executeCommand(kicsRegisterEvent, ctx, input)).toEqual(first);
    expect(await h.kics.store.events.count()).toBe(before + 1);
    await executeCommand(kicsRegisterEvent, ctx, { ...input, idempotencyKey: 'soc-4711-register-2' });
    expect(await h.kics.store.events.count()).toBe(before + 2);
  });
});
