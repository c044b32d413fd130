import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { kicsCreateDevice } from '../../../src/commands/kics/create-device.ts';
import { kicsQuery } from '../../../src/kics/client/query-builder.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_create_device', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 300, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function named(name: string) {
    return (await kics.queryDevices(kicsQuery('devices').where('name', '=', name).build())).values;
  }

  const laptop = {
    name: 'Contractor laptop 12',
    addressInformation: [{ macAddress: '02-5A-C0-00-00-12', ipAddresses: ['172.16.0.212'] }],
    status: 'Unauthorized',
    category: 'Laptop',
    os: 'Windows 11 Pro',
    labels: ['contractor'],
    userAttributes: [{ name: 'Company', value: 'Boiler Service Ltd' }],
  };

  it('creates a device and returns it as KICS stored it', async () => {
    const result = await h.run(kicsCreateDevice, laptop);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
    const [stored, ...more] = await named(laptop.name);
    expect(more).toEqual([]);
    expect(stored).toMatchObject({
      name: laptop.name,
      status: 'Unauthorized',
      category: 'Laptop',
      os: 'Windows 11 Pro',
      labels: ['contractor'],
      userAttributes: [{ name: 'Company', value: 'Boiler Service Ltd' }],
      addressInformation: [{ macAddress: '02:5a:c0:00:00:12', ipAddresses: [{ ip: '172.16.0.212' }] }],
    });
    expect(result.keyFields).toEqual({
      DeviceId: stored!.id,
      DeviceName: laptop.name,
      Outcome: 'Created',
      Status: 'Unauthorized',
      Category: 'Laptop',
    });
    expect(result.result.rows[0]?.[0]).toBe('Created');
    expect((result.context as { ipAddresses: string[] }).ipAddresses).toEqual(['172.16.0.212']);
  });

  it('refuses a duplicate name (409) unless told to Skip or Overwrite', async () => {
    const [existing] = await named(laptop.name);
    const again = { ...laptop, name: laptop.name.toUpperCase(), os: 'Ubuntu 24.04' };
    const refused = await h.run(kicsCreateDevice, again);
    expect(refused.errors[0]).toMatchObject({
      failureIndicator: 'KICS Create Device failed.',
      statusCode: 409,
      code: 'CONFLICT',
    });

    const skipped = await h.run(kicsCreateDevice, { ...again, whatIfDuplicate: 'Skip' });
    expect(skipped.keyFields).toMatchObject({ DeviceId: existing!.id, Outcome: 'Skipped' });
    expect((await kics.getDevice(existing!.id)).os).toBe('Windows 11 Pro');

    const overwritten = await h.run(kicsCreateDevice, { ...again, whatIfDuplicate: 'Overwrite' });
    expect(overwritten.keyFields).toMatchObject({
      DeviceId: existing!.id,
      DeviceName: again.name,
      Outcome: 'Overwritten',
    });
    expect(await kics.getDevice(existing!.id)).toMatchObject({ name: again.name, os: 'Ubuntu 24.04' });
  });

  it('overwrites a controller’s industrial configuration only with allowProcessControlSettingsLoss', async () => {
    const plc = (await kics.queryDevices({ limit: 1000 })).values.find(
      (d) => d.processControlSettings !== null,
    )!;
    const replacement = {
      name: plc.name,
      addressInformation: [{ ipAddresses: ['172.16.0.240'] }],
      category: 'Plc',
      whatIfDuplicate: 'Overwrite',
    };
    const refused = await h.run(kicsCreateDevice, replacement);
    expect(refused.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(refused.errors[0]?.message).toContain('allowProcessControlSettingsLoss');
    expect((await kics.getDevice(plc.id)).processControlSettings).not.toBeNull();
    const allowed = await h.run(kicsCreateDevice, { ...replacement, allowProcessControlSettingsLoss: true });
    expect(allowed.keyFields).toMatchObject({ DeviceId: plc.id, Outcome: 'Overwritten' });
    expect((await kics.getDevice(plc.id)).processControlSettings).toBeNull();
  });

  it('needs the Administrator role (403) and names bad input before any request', async () => {
    const operator = await h.connector('create-reader', 'create-operator', 'Operator');
    const denied = await executeCommand(kicsCreateDevice, operator, { ...laptop, name: 'Operator laptop' });
    expect(denied.errors[0]).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect(await named('Operator laptop')).toEqual([]);

    const blocked = await h.connector('create-blocked', 'create-blocked-user', 'Administrator');
    await h.block('create-blocked-user');
    const noAddress = await executeCommand(kicsCreateDevice, blocked, { name: 'Bare device' });
    expect(noAddress.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(noAddress.errors[0]?.message).toContain('(addressInformation)');
    const emptyInterface = await executeCommand(kicsCreateDevice, blocked, {
      name: 'Bare device',
      addressInformation: [{ ipAddresses: [] }],
    });
    expect(emptyInterface.errors[0]?.message).toContain('a MAC address or at least one IP address');
    const badMac = await executeCommand(kicsCreateDevice, blocked, {
      name: 'Bare device',
      addressInformation: [{ macAddress: '02:5a:c0:00:00', ipAddresses: [] }],
    });
    expect(badMac.errors[0]?.message).toContain('(addressInformation.0.macAddress)');
    const badDuplicate = await executeCommand(kicsCreateDevice, blocked, {
      ...laptop,
      whatIfDuplicate: 'Merge',
    });
    expect(badDuplicate.errors[0]?.message).toContain('(whatIfDuplicate)');
  });
});
