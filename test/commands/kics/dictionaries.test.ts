import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { kicsListEventTypes } from '../../../src/commands/kics/list-event-types.ts';
import { kicsListMonitoringPoints } from '../../../src/commands/kics/list-monitoring-points.ts';
import { kicsListProtocolStacks } from '../../../src/commands/kics/list-protocol-stacks.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { EventType, MonitoringPoint, ProtocolStack } from '../../../src/kics/model.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_list_event_types, kics_list_monitoring_points and kics_list_protocol_stacks', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let types: readonly EventType[];
  let points: readonly MonitoringPoint[];
  let stacks: readonly ProtocolStack[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 60, events: 10 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    [types, points, stacks] = await Promise.all([
      kics.eventTypes(),
      kics.monitoringPoints(),
      kics.protocolStacks(),
    ]);
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('lists every event type, with technologies in words and whether traffic is kept', async () => {
    const result = await h.run(kicsListEventTypes, {});
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toEqual({
      EventTypeIds: types.map((t) => t.eventTypeId),
      EventTypeTitles: types.map((t) => t.title),
      EventTypesCount: types.length,
    });
    const context = result.context as Array<{ technologyText: string; trafficKept: boolean }>;
    expect(context.every((c) => c.technologyText.length > 0)).toBe(true);
    expect(context.map((c) => c.trafficKept)).toEqual(types.map((t) => t.trafficKeeping.enabled));
    expect(result.result.rows).toHaveLength(types.length);
  });

  it('filters event types by severity, technology and part of the title', async () => {
    const result = await h.run(kicsListEventTypes, { severity: ['Critical'], technology: ['Cc', 'Ids'] });
    const wanted = types.filter(
      (t) => t.severity === 'Critical' && (t.technology === 'Cc' || t.technology === 'Ids'),
    );
    expect(wanted.length).toBeGreaterThan(0);
    expect(result.keyFields['EventTypeIds']).toEqual(wanted.map((t) => t.eventTypeId));

    const word = types[0]!.title.split(' ')[0]!.toUpperCase();
    const byTitle = await h.run(kicsListEventTypes, { title: word });
    expect(byTitle.keyFields['EventTypeIds']).toEqual(
      types.filter((t) => t.title.toUpperCase().includes(word)).map((t) => t.eventTypeId),
    );
    const none = await h.run(kicsListEventTypes, { title: 'no such event type anywhere' });
    expect(none.status).toBe('Successful');
    expect(none.keyFields['EventTypesCount']).toBe(0);
    expect(none.result.rows).toEqual([[0]]);
  });

  it('lists the monitoring points, deleted ones too unless left out, and filters them by name', async () => {
    expect(points.length).toBeGreaterThan(1);
    const result = await h.run(kicsListMonitoringPoints, {});
    expect(result.keyFields).toEqual({
      MonitoringPointIds: points.map((p) => p.mpId),
      MonitoringPointNames: points.map((p) => p.name),
      MonitoringPointsCount: points.length,
    });
    expect(result.context).toEqual(
      points.map((p) =>
        expect.objectContaining({ mpId: p.mpId, hostId: p.hostId, deleted: p.deletedTime !== null }),
      ),
    );
    const current = points.filter((p) => p.deletedTime === null);
    expect(current.length).toBeLessThan(points.length);
    const withoutDeleted = await h.run(kicsListMonitoringPoints, { excludeDeleted: true });
    expect(withoutDeleted.keyFields['MonitoringPointIds']).toEqual(current.map((p) => p.mpId));
    const one = points[1]!;
    const byName = await h.run(kicsListMonitoringPoints, { name: one.name.toLowerCase() });
    expect(byName.keyFields['MonitoringPointIds']).toEqual([one.mpId]);
  });

  it('lists protocol stacks with their parents, and narrows to industrial, active or named ones', async () => {
    const result = await h.run(kicsListProtocolStacks, {});
    expect(result.keyFields['ProtocolStackIds']).toEqual(stacks.map((s) => s.protocolStackId));
    const context = result.context as Array<{ name: string; parentName: string | null }>;
    expect(context.find((c) => c.name === 'ModbusTcp')?.parentName).toBe('TCP');

    const industrial = await h.run(kicsListProtocolStacks, { industrialOnly: true, activeOnly: true });
    const wanted = stacks.filter((s) => s.isIndustrial && s.isActive);
    expect(wanted.length).toBeLessThan(stacks.filter((s) => s.isIndustrial).length);
    expect(industrial.keyFields['ProtocolNames']).toEqual(wanted.map((s) => s.name));

    const modbus = await h.run(kicsListProtocolStacks, { name: 'modbus' });
    expect(modbus.keyFields['ProtocolNames']).toEqual(
      stacks.filter((s) => /modbus/i.test(s.protocolStackName)).map((s) => s.name),
    );
  });

  it('refuses bad filters before any request, naming the field', async () => {
    for (const [command, given, field] of [
      [kicsListEventTypes, { severity: ['Severe'] }, 'severity.0'],
      [kicsListEventTypes, { technology: [] }, 'technology'],
      [kicsListMonitoringPoints, { name: '' }, 'name'],
      [kicsListProtocolStacks, { industrialOnly: 'yes' }, 'industrialOnly'],
    ] as const) {
      const result = await h.run(command, given);
      expect(result.errors[0], field).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
      expect(result.errors[0]?.message, field).toContain(`(${field})`);
    }
  });

  it('lets an Operator connector read the dictionaries', async () => {
    const operator = await h.connector('soc-reader', 'soc-reader', 'Operator');
    for (const command of [kicsListEventTypes, kicsListMonitoringPoints, kicsListProtocolStacks]) {
      const result = await executeCommand(command, operator, {});
      expect(result.status, command.name).toBe('Successful');
    }
  });
});
