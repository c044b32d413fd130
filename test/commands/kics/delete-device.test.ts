import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { MemoryIdempotencyStore } from '../../../src/commands/core/idempotency.ts';
import { kicsDeleteDevice } from '../../../src/commands/kics/delete-device.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { Device } from '../../../src/kics/model.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_delete_device', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let devices: Device[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 120, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    devices = [...(await kics.queryDevices({ limit: 1000 })).values];
  });
  afterAll(async () => {
    await h?.stop();
  });

  let next = 0;
  const take = (): Device => devices[next++]!;

  async function exists(id: number): Promise<boolean> {
    try {
      await kics.getDevice(id);
      return true;
    } catch {
      return false;
    }
  }

  it('removes devices, keeps what they were, and reports a missing one on its own', async () => {
    const a = take();
    const b = take();
    const result = await h.run(kicsDeleteDevice, { deviceIds: [a.id, 987654, b.id, a.id] });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      failureIndicator: 'KICS Delete Device failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
      item: '987654',
    });
    expect(result.keyFields).toEqual({
      DeletedDeviceIds: [a.id, b.id],
      DeletedDeviceNames: [a.name, b.name],
      DeletedDevicesCount: 2,
    });
    expect(await exists(a.id)).toBe(false);
    expect(await exists(b.id)).toBe(false);
    const { values } = await kics.queryDevices({ limit: 1000 });
    expect(values.map((d) => d.id)).not.toContain(a.id);
    const context = result.context as { devices: Array<{ name: string; addressInformation: unknown }> };
    expect(context.devices[0]).toMatchObject({ name: a.name, addressInformation: a.addressInformation });

    const again = await h.run(kicsDeleteDevice, { deviceIds: [a.id] });
    expect(again.status).toBe('Failed');
    expect(again.errors[0]).toMatchObject({ statusCode: 404, item: String(a.id) });
  });

  it('acts once per idempotency key: a retry returns the first result instead of a 404', async () => {
    const target = take();
    const ctx = { ...h.context(), idempotency: new MemoryIdempotencyStore() };
    const input = { deviceIds: [target.id], idempotencyKey: 'decommission-4711' };
    const first = await executeCommand(kicsDeleteDevice, ctx, input);
    expect(first.status).toBe('Successful');
    const retry = await executeCommand(kicsDeleteDevice, ctx, input);
    expect(retry).toEqual(first);
  });

  it('needs the Administrator role (403) and names bad input before any request', async () => {
    const target = take();
    const operator = await h.connector('delete-reader', 'delete-operator', 'Operator');
    const denied = await executeCommand(kicsDeleteDevice, operator, { deviceIds: [target.id] });
    expect(denied.status).toBe('Failed');
    expect(denied.errors[0]).toMatchObject({
      statusCode: 403,
      code: 'ACCESS_DENIED',
      item: String(target.id),
    });
    expect(await exists(target.id)).toBe(true);

    const blocked = await h.connector('delete-blocked', 'delete-blocked-user', 'Administrator');
    await h.block('delete-blocked-user');
    const none = await executeCommand(kicsDeleteDevice, blocked, { deviceIds: [] });
    expect(none.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(none.errors[0]?.message).toContain('(deviceIds)');
    const text = await executeCommand(kicsDeleteDevice, blocked, { deviceIds: ['PLC-01'] });
    expect(text.errors[0]?.message).toContain('(deviceIds.0)');
  });
});
