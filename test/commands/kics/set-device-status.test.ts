import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { MemoryIdempotencyStore } from '../../../src/commands/core/idempotency.ts';
import { kicsSetDeviceStatus } from '../../../src/commands/kics/set-device-status.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { AssetStatus, Device } from '../../../src/kics/model.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_set_device_status', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  let devices: Device[];
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 300, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
    devices = [...(await kics.queryDevices({ limit: 1000 })).values];
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** The devices of `status` not yet used by another test. */
  const used = new Set<number>();
  function take(status: AssetStatus | 'not Recognized', where: (d: Device) => boolean = () => true): Device {
    const matches = (d: Device) =>
      status === 'not Recognized' ? d.status !== 'Recognized' : d.status === status;
    const found = devices.find((d) => matches(d) && !used.has(d.id) && where(d));
    if (found === undefined) throw new Error(`the test world has no more ${status} devices`);
    used.add(found.id);
    return found;
  }

  async function edits(): Promise<number> {
    const { values } = await kics.queryAuditMessages({ limit: 1000 });
    return values.filter((e) => e.action === 'Edit device').length;
  }

  it('authorizes devices, keeps their other fields, and leaves a device that has the status alone', async () => {
    // A controller with an industrial configuration: KICS refuses edits of its addresses without consent.
    const plc = take('not Recognized', (d) => d.processControlSettings !== null);
    const station = take('Unauthorized');
    const known = take('Recognized');
    const editsBefore = await edits();
    const result = await h.run(kicsSetDeviceStatus, {
      deviceIds: [plc.id, station.id, known.id, plc.id],
      status: 'Recognized',
    });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toEqual({
      Status: 'Recognized',
      DeviceIds: [plc.id, station.id, known.id],
      DeviceNames: [plc.name, station.name, known.name],
      PreviousStatuses: [plc.status, 'Unauthorized', 'Recognized'],
      ChangedDeviceIds: [plc.id, station.id],
    });
    for (const before of [plc, station, known]) {
      const after = await kics.getDevice(before.id);
      expect(after.status).toBe('Recognized');
      // Only the status changed: the whole device was written back as read.
      const { status: _s, lastModified: _m, ...rest } = after;
      const { status: _s0, lastModified: _m0, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
    }
    expect(await edits()).toBe(editsBefore + 2);
    expect(result.result.rows).toHaveLength(3);
    expect(result.result.rows[2]?.[4]).toBe('no (had it already)');
    const context = result.context as Array<{ previousStatusText: string; statusText: string }>;
    expect(context[1]).toMatchObject({
      previousStatusText: 'Unauthorized',
      statusText: 'Authorized (recognized)',
    });
  });

  it('reports a device that does not exist on its own and still changes the others', async () => {
    const target = take('Recognized');
    const result = await h.run(kicsSetDeviceStatus, { deviceIds: [987654, target.id], status: 'Archived' });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      failureIndicator: 'KICS Set Device Status failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
      item: '987654',
    });
    expect(result.keyFields['DeviceIds']).toEqual([target.id]);
    expect((await kics.getDevice(target.id)).status).toBe('Archived');

    const none = await h.run(kicsSetDeviceStatus, { deviceIds: [987654], status: 'Archived' });
    expect(none.status).toBe('Failed');
  });

  it('acts once per idempotency key: a retry does not set the status again', async () => {
    const target = take('Recognized');
    const ctx = { ...h.context(), idempotency: new MemoryIdempotencyStore() };
    const input = { deviceIds: [target.id], status: 'Unauthorized', idempotencyKey: 'kuma-alert-77' };
    const first = await executeCommand(kicsSetDeviceStatus, ctx, input);
    expect(first.status).toBe('Successful');
    expect((await kics.getDevice(target.id)).status).toBe('Unauthorized');
    // An engineer authorizes it again; the SIEM's retry must not undo that.
    await executeCommand(kicsSetDeviceStatus, ctx, { deviceIds: [target.id], status: 'Recognized' });
    const retry = await executeCommand(kicsSetDeviceStatus, ctx, input);
    expect(retry).toEqual(first);
    expect((await kics.getDevice(target.id)).status).toBe('Recognized');
  });

  it('needs the Administrator role: an Operator connector is refused with 403 and nothing changes', async () => {
    const target = take('Unauthorized');
    const ctx = await h.connector('status-reader', 'status-operator', 'Operator');
    const result = await executeCommand(kicsSetDeviceStatus, ctx, {
      deviceIds: [target.id],
      status: 'Recognized',
    });
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({
      statusCode: 403,
      code: 'ACCESS_DENIED',
      item: String(target.id),
    });
    expect((await kics.getDevice(target.id)).status).toBe('Unauthorized');
  });

  it('names bad input before any request (a blocked connector would fail with 401 otherwise)', async () => {
    const ctx = await h.connector('status-blocked', 'status-blocked-user', 'Administrator');
    await h.block('status-blocked-user');
    const wrongStatus = await executeCommand(kicsSetDeviceStatus, ctx, {
      deviceIds: [1],
      status: 'Authorized',
    });
    expect(wrongStatus.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(wrongStatus.errors[0]?.message).toContain('(status)');
    const noDevices = await executeCommand(kicsSetDeviceStatus, ctx, { deviceIds: [], status: 'Archived' });
    expect(noDevices.errors[0]?.message).toContain('(deviceIds)');
    const badId = await executeCommand(kicsSetDeviceStatus, ctx, { deviceIds: [0], status: 'Archived' });
    expect(badId.errors[0]?.message).toContain('(deviceIds.0)');
    const sanity = await executeCommand(kicsSetDeviceStatus, ctx, { deviceIds: [1], status: 'Archived' });
    expect(sanity.errors[0]).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
  });
});
