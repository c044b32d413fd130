import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { kicsUpdateDevice } from '../../../src/commands/kics/update-device.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import type { Device } from '../../../src/kics/model.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_update_device', () => {
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

  const used = new Set<number>();
  function take(where: (d: Device) => boolean = () => true): Device {
    const found = devices.find((d) => !used.has(d.id) && where(d));
    if (found === undefined) throw new Error('the test world has no such device');
    used.add(found.id);
    return found;
  }

  it('changes the fields given, keeps the others, and reports what changed', async () => {
    const before = take((d) => d.processControlSettings === null && d.labels.length === 0);
    const result = await h.run(kicsUpdateDevice, {
      deviceId: before.id,
      description: 'Checked on site by the plant engineer',
      hardwareVendor: 'Siemens',
      labels: ['checked', 'line-2'],
      userAttributes: [{ name: 'Owner', value: 'Line 2 maintenance' }],
      category: before.category,
    });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
    const after = await kics.getDevice(before.id);
    expect(after).toMatchObject({
      description: 'Checked on site by the plant engineer',
      hardwareVendor: 'Siemens',
      labels: ['checked', 'line-2'],
      userAttributes: [{ name: 'Owner', value: 'Line 2 maintenance' }],
      name: before.name,
      status: before.status,
      category: before.category,
      addressInformation: before.addressInformation,
      os: before.os,
      networkName: before.networkName,
    });
    const changed = ['description', 'labels', 'userAttributes'];
    if (before.hardwareVendor !== 'Siemens') changed.splice(1, 0, 'hardwareVendor');
    expect(result.keyFields).toEqual({
      DeviceId: before.id,
      DeviceName: before.name,
      Status: before.status,
      Category: before.category,
      // The category was given with the value it had: not a change.
      ChangedFields: changed,
    });
    expect(result.result.rows.map((r) => r[0])).toEqual(changed);
    const context = result.context as { changes: Array<{ field: string; before: unknown; after: unknown }> };
    expect(context.changes.find((c) => c.field === 'labels')).toEqual({
      field: 'labels',
      before: [],
      after: ['checked', 'line-2'],
    });
  });

  it('clears a field given null, and replaces the addresses (MAC in KICS’s spelling)', async () => {
    const before = take((d) => d.processControlSettings === null && d.os !== null);
    const result = await h.run(kicsUpdateDevice, {
      deviceId: before.id,
      os: null,
      addressInformation: [{ macAddress: '02-AA-BB-CC-DD-EE', ipAddresses: ['172.16.200.7'] }],
    });
    expect(result.status).toBe('Successful');
    const after = await kics.getDevice(before.id);
    expect(after.os).toBeNull();
    expect(after.addressInformation).toEqual([
      { macAddress: '02:aa:bb:cc:dd:ee', ipAddresses: [{ ip: '172.16.200.7' }] },
    ]);
    expect(result.keyFields['ChangedFields']).toEqual(['addressInformation', 'os']);
  });

  it('keeps a controller’s addresses unless allowProcessControlSettingsUpdate, and refuses a taken name (409)', async () => {
    const plc = take((d) => d.processControlSettings !== null);
    const move = { deviceId: plc.id, addressInformation: [{ ipAddresses: ['172.16.201.9'] }] };
    const refused = await h.run(kicsUpdateDevice, move);
    expect(refused.status).toBe('Failed');
    expect(refused.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(refused.errors[0]?.message).toContain('allowProcessControlSettingsUpdate');
    expect((await kics.getDevice(plc.id)).addressInformation).toEqual(plc.addressInformation);
    const allowed = await h.run(kicsUpdateDevice, { ...move, allowProcessControlSettingsUpdate: true });
    expect(allowed.status).toBe('Successful');
    expect((await kics.getDevice(plc.id)).addressInformation).toEqual([
      { macAddress: null, ipAddresses: [{ ip: '172.16.201.9' }] },
    ]);

    const other = take();
    const taken = await h.run(kicsUpdateDevice, { deviceId: other.id, name: plc.name });
    expect(taken.errors[0]).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect((await kics.getDevice(other.id)).name).toBe(other.name);
  });

  it('fails with 404 for an unknown device, 403 for an Operator, and names bad input before any request', async () => {
    const missing = await h.run(kicsUpdateDevice, { deviceId: 987654, description: 'x' });
    expect(missing.errors[0]).toMatchObject({
      failureIndicator: 'KICS Update Device failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });

    const target = take();
    const operator = await h.connector('update-reader', 'update-operator', 'Operator');
    const denied = await executeCommand(kicsUpdateDevice, operator, {
      deviceId: target.id,
      description: 'x',
    });
    expect(denied.errors[0]).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect((await kics.getDevice(target.id)).description).toBe(target.description);

    const blocked = await h.connector('update-blocked', 'update-blocked-user', 'Administrator');
    await h.block('update-blocked-user');
    const nothing = await executeCommand(kicsUpdateDevice, blocked, { deviceId: target.id });
    expect(nothing.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(nothing.errors[0]?.message).toContain('at least one field');
    const badCategory = await executeCommand(kicsUpdateDevice, blocked, {
      deviceId: target.id,
      category: 'Robot',
    });
    expect(badCategory.errors[0]?.message).toContain('(category)');
    const badIp = await executeCommand(kicsUpdateDevice, blocked, {
      deviceId: target.id,
      addressInformation: [{ ipAddresses: ['172.16.300.1'] }],
    });
    expect(badIp.errors[0]?.message).toContain('(addressInformation.0.ipAddresses.0)');
    const unknownField = await executeCommand(kicsUpdateDevice, blocked, {
      deviceId: target.id,
      colour: 'red',
    });
    expect(unknownField.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
  });
});
