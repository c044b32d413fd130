import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kicsGetDevice } from '../../../src/commands/kics/get-device.ts';
import { kicsListDevices } from '../../../src/commands/kics/list-devices.ts';
import type { KicsClient } from '../../../src/kics/client/client.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

describe('kics_get_device', () => {
  let h: KicsCommandHarness;
  let kics: KicsClient;
  beforeAll(async () => {
    h = await startKicsCommandHarness({ devices: 30, events: 20 });
    kics = h.factory.vendorClient('plant') as KicsClient;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reads a device with its protocols, its codes and their words', async () => {
    const { values } = await kics.queryDevices({ limit: 1000 });
    let withProtocols: { id: number; protocols: number } | undefined;
    for (const d of values) {
      const protocols = await kics.deviceProtocols(d.id);
      if (protocols.length > 0) {
        withProtocols = { id: d.id, protocols: protocols.length };
        break;
      }
    }
    expect(withProtocols).toBeDefined();
    const device = await kics.getDevice(withProtocols!.id);
    const protocols = await kics.deviceProtocols(device.id);
    const result = await h.run(kicsGetDevice, { deviceId: device.id });
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toEqual({
      DeviceId: device.id,
      DeviceName: device.name,
      Status: device.status,
      Category: device.category,
      SecurityState: device.securityState,
      IpAddresses: device.addressInformation.flatMap((a) => a.ipAddresses.map((i) => i.ip)),
      MacAddresses: device.addressInformation.flatMap((a) => (a.macAddress === null ? [] : [a.macAddress])),
      Cves: [...new Set(device.vulnerabilities.map((v) => v.cveId))],
      Protocols: protocols.map((p) => p.name),
    });
    const context = result.context as { categoryText: string; protocols: unknown[] };
    expect(context.categoryText.length).toBeGreaterThan(0);
    expect(context.protocols).toHaveLength(withProtocols!.protocols);
    expect(result.result.rows.filter((r) => String(r[0]).startsWith('Protocol: '))).toHaveLength(
      protocols.length,
    );
  });

  it('agrees with kics_list_devices on the device', async () => {
    const listed = await h.run(kicsListDevices, { limit: 1 });
    const id = (listed.keyFields['DeviceIds'] as number[])[0]!;
    const result = await h.run(kicsGetDevice, { deviceId: id });
    expect(result.keyFields['DeviceName']).toBe((listed.keyFields['DeviceNames'] as string[])[0]);
  });

  it('fails with 404 for a device that does not exist, and with 400 for an id that cannot be one', async () => {
    const missing = await h.run(kicsGetDevice, { deviceId: 987654 });
    expect(missing.status).toBe('Failed');
    expect(missing.errors[0]).toMatchObject({
      failureIndicator: 'KICS Get Device failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    const bad = await h.run(kicsGetDevice, { deviceId: 0 });
    expect(bad.errors[0]).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(bad.errors[0]?.message).toContain('(deviceId)');
  });
});
