import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { kicsListDevices } from '../../../src/commands/kics/list-devices.ts';
import { createContextFactory, loadConfig } from '../../../src/config/index.ts';
import { startKicsCommandHarness, type KicsCommandHarness } from './support.ts';

interface DeviceRecord {
  readonly id: number;
  readonly name: string;
  readonly status: string;
  readonly statusText: string;
  readonly category: string;
  readonly categoryText: string;
  readonly securityState: string;
  readonly ipAddresses: string[];
  readonly macAddresses: string[];
  readonly cves: string[];
  readonly lastSeen: string;
}

describe('kics_list_devices', () => {
  let h: KicsCommandHarness;
  let every: DeviceRecord[];
  beforeAll(async () => {
    // More devices than one page holds, so reading them all takes two requests.
    h = await startKicsCommandHarness({ devices: 1100, events: 20 });
    const result = await h.run(kicsListDevices, { limit: 5000 });
    every = result.context as unknown as DeviceRecord[];
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('reads every device over several pages, sorted by id, with statuses and categories in words', async () => {
    expect(every.length).toBeGreaterThan(1000);
    const ids = every.map((d) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of every.slice(0, 50)) {
      expect(d.statusText.length).toBeGreaterThan(0);
      expect(d.categoryText.length).toBeGreaterThan(0);
    }
    expect(every.find((d) => d.category === 'Plc')?.categoryText).toBe('PLC');
    expect(every.find((d) => d.status === 'Recognized')?.statusText).toMatch(/Authorized/);
  });

  it('pages with offset and limit and says when more are there', async () => {
    const result = await h.run(kicsListDevices, { offset: 5, limit: 10 });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['DeviceIds']).toEqual(every.slice(5, 15).map((d) => d.id));
    expect(result.keyFields['DevicesCount']).toBe(10);
    expect(result.keyFields['MoreAvailable']).toBe(true);
    const last = await h.run(kicsListDevices, { offset: every.length - 3, limit: 10 });
    expect(last.keyFields['DeviceIds']).toEqual(every.slice(-3).map((d) => d.id));
    expect(last.keyFields['MoreAvailable']).toBe(false);
  });

  it('filters by status, category and security state', async () => {
    const result = await h.run(kicsListDevices, {
      status: ['Unauthorized'],
      category: ['Plc', 'Workstation'],
      limit: 5000,
    });
    const wanted = every.filter(
      (d) => d.status === 'Unauthorized' && (d.category === 'Plc' || d.category === 'Workstation'),
    );
    expect(wanted.length).toBeGreaterThan(0);
    expect(result.keyFields['DeviceIds']).toEqual(wanted.map((d) => d.id));
    const critical = await h.run(kicsListDevices, { securityState: ['Critical'], limit: 5000 });
    expect(critical.keyFields['DeviceIds']).toEqual(
      every.filter((d) => d.securityState === 'Critical').map((d) => d.id),
    );
  });

  it('filters by IP address, MAC address and CVE', async () => {
    const withIp = every.find((d) => d.ipAddresses.length > 0)!;
    const byIp = await h.run(kicsListDevices, { ipAddress: withIp.ipAddresses[0] });
    expect(byIp.keyFields['DeviceIds']).toContain(withIp.id);
    for (const d of byIp.context as unknown as DeviceRecord[])
      expect(d.ipAddresses).toContain(withIp.ipAddresses[0]);

    const withMac = every.find((d) => d.macAddresses.length > 0)!;
    const byMac = await h.run(kicsListDevices, { macAddress: withMac.macAddresses[0] });
    expect(byMac.keyFields['DeviceIds']).toContain(withMac.id);

    const withCve = every.find((d) => d.cves.length > 0)!;
    const cve = withCve.cves[0]!;
    const byCve = await h.run(kicsListDevices, { cve, limit: 5000 });
    expect(byCve.keyFields['DeviceIds']).toEqual(every.filter((d) => d.cves.includes(cve)).map((d) => d.id));
  });

  it('filters by the time a device was last seen', async () => {
    const times = every.map((d) => d.lastSeen).sort();
    const middle = times[Math.floor(times.length / 2)]!;
    const result = await h.run(kicsListDevices, { lastSeenSince: `${middle}Z`, limit: 5000 });
    expect(result.keyFields['DeviceIds']).toEqual(every.filter((d) => d.lastSeen >= middle).map((d) => d.id));
  });

  it('fails a bad filter before any request, naming the field', async () => {
    // A context whose package password is wrong: any request would fail to get a token, not with bad input.
    const wrong = createContextFactory(
      loadConfig({ env: { PLANT_PACKAGE_PASSWORD: 'not-the-password' }, cwd: h.dir }),
      { env: {} },
    );
    try {
      for (const [input, field] of [
        [{ ipAddress: '10.0.0.300' }, 'ipAddress'],
        [{ macAddress: '00:11:22:33:44' }, 'macAddress'],
        [{ status: ['Authorised'] }, 'status'],
        [{ category: ['Robot'] }, 'category'],
        [{ cve: 'CVE-21-1' }, 'cve'],
        [{ lastSeenSince: 'yesterday' }, 'lastSeenSince'],
        [{ limit: 0 }, 'limit'],
      ] as const) {
        const result = await executeCommand(kicsListDevices, wrong.context('plant'), input);
        expect(result.status, field).toBe('Failed');
        expect(result.errors[0], field).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
        expect(result.errors[0]?.message, field).toContain(`(${field}`);
        expect(result.errors[0]?.message, field).not.toMatch(/certificates\.pfx/);
      }
      // The same context does go on to open the package (and fails there) once the input is good.
      const good = await executeCommand(kicsListDevices, wrong.context('plant'), {});
      expect(good.errors[0]?.message).toMatch(/certificates\.pfx/);
    } finally {
      await wrong.close();
    }
  });
});
