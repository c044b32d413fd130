import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOpenPorts, NETWORK_SETTINGS } from '../../../src/commands/ksc/get-open-ports.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Wrapped = { type: string; value: Record<string, unknown> };
type Raw = {
  results: { KLHST_WKS_HOSTNAME: string; KLHST_WKS_DN: string; PxgRetVal: Record<string, Wrapped> }[];
};
type Port = { port: number; description: string; enabled: boolean };

describe('get_open_ports', () => {
  let h: CommandHarness;
  let hosts: readonly HostRecord[];
  let caller: KscCaller;
  const has = (host: HostRecord, code: string) => host.products.some((p) => p.name === code);

  /** The monitored ports of a host as a plain KLOAPI caller reads them. */
  async function portsOf(host: HostRecord): Promise<Port[]> {
    const reply = await caller.call('HostGroup.SS_Read', { strHostName: host.id, ...NETWORK_SETTINGS });
    const settings = reply['PxgRetVal'] as { portsMonitoring: { ports: Port[] } };
    return settings.portsMonitoring.ports;
  }

  beforeAll(async () => {
    h = await startCommandHarness();
    hosts = h.emu.ksc.world.hostsOf(0);
    caller = await h.emu.session('admin');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns seed 001’s shapes: the KES network settings per host, enabled ports as key fields', async () => {
    const kes = hosts.filter((x) => has(x, 'KES')).slice(0, 2);
    expect(kes).toHaveLength(2);
    const result = await h.run(getOpenPorts, { hostIds: kes.map((x) => x.id) });
    expect(result.status).toBe('Successful');

    const raw = result.raw as Raw;
    expect(raw.results.map((r) => r.KLHST_WKS_HOSTNAME)).toEqual(kes.map((x) => x.id));
    const settings = raw.results[0]!.PxgRetVal;
    for (const key of ['customRootCA', 'portsMonitoring', 'trafficDecoding']) {
      expect(settings[key]?.type, key).toBe('params');
    }
    const monitoring = settings['portsMonitoring']!.value;
    expect(monitoring['includesSettings']).toMatchObject({ type: 'params' });
    const wirePorts = monitoring['ports'] as Wrapped[];
    expect(wirePorts[0]).toEqual({
      type: 'params',
      value: expect.objectContaining({ port: expect.any(Number) }),
    });

    const expected = [...(await portsOf(kes[0]!)), ...(await portsOf(kes[1]!))];
    expect(result.keyFields).toEqual({
      Ports: expected.filter((p) => p.enabled).map((p) => p.port),
      Names: expected.filter((p) => p.enabled).map((p) => p.description),
    });
    const context = result.context as { KLHST_WKS_HOSTNAME: string; allPorts: boolean; ports: Port[] }[];
    expect(context[0]).toMatchObject({ KLHST_WKS_HOSTNAME: kes[0]!.id, allPorts: false });
    expect(context[0]!.ports).toEqual(await portsOf(kes[0]!));
    expect(result.result.title).toBe('Get Open Ports');
    expect(result.result.columns).toEqual(['Host ID', 'Host Name', 'Port', 'Description', 'Enabled']);
    expect(result.result.rows).toHaveLength(expected.length);
    expect(result.result.rows[0]).toEqual([
      kes[0]!.id,
      kes[0]!.attributes['KLHST_WKS_DN'],
      expected[0]!.port,
      expected[0]!.description,
      expected[0]!.enabled,
    ]);
  });

  it('reads the settings as they are now, not a default', async () => {
    const host = hosts.filter((x) => has(x, 'KES'))[2]!;
    await caller.call('HostGroup.SS_Write', {
      strHostName: host.id,
      ...NETWORK_SETTINGS,
      nOption: 1,
      pSettings: {
        portsMonitoring: {
          allPorts: false,
          includesSettings: { enabled: true, includes: [], useTrafmonIncludes: true },
          ports: [
            { description: 'Custom', enabled: true, port: 4444 },
            { description: 'Off', enabled: false, port: 5555 },
          ],
        },
      },
    });
    const result = await h.run(getOpenPorts, { hostIds: [String(host.attributes['KLHST_WKS_DN'])] });
    expect(result.keyFields).toEqual({ Ports: [4444], Names: ['Custom'] });
    expect(result.result.rows).toHaveLength(2);
  });

  it('is explicit about hosts without KES for Windows, and about unknown hosts (partial success)', async () => {
    const kes = hosts.find((x) => has(x, 'KES'))!;
    const linux = hosts.find((x) => has(x, 'KESL'))!;
    const result = await h.run(getOpenPorts, { hostIds: [kes.id, linux.id, 'no-such-host'] });
    expect(result.status).toBe('Partially Successful');
    expect((result.raw as Raw).results.map((r) => r.KLHST_WKS_HOSTNAME)).toEqual([kes.id]);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatchObject({ item: linux.id, statusCode: 404, code: 'NOT_FOUND' });
    expect(result.errors[0]!.message).toContain('Kaspersky Endpoint Security for Windows');
    expect(result.errors[0]!.message).toContain(linux.id);
    expect(result.errors[1]).toMatchObject({
      item: 'no-such-host',
      statusCode: 404,
      failureIndicator: 'Get Open Ports failed.',
    });
    expect(result.keyFields['Ports']).toEqual(
      (await portsOf(kes)).filter((p) => p.enabled).map((p) => p.port),
    );

    const none = await h.run(getOpenPorts, { hostIds: [linux.id] });
    expect(none.status).toBe('Failed');
  });

  it('names the field of bad input and maps missing rights to 403', async () => {
    const missing = await h.run(getOpenPorts, { hostIds: [] });
    expect(firstError(missing).message).toMatch(/^The value for parameter \(hostIds\) is invalid/);
    const host = hosts.find((x) => has(x, 'KES'))!;
    const denied = await h.run(getOpenPorts, { hostIds: [host.id] }, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect((await h.run(getOpenPorts, { hostIds: [host.id] }, 'reader')).status).toBe('Successful');
  });

  it('runs its documented example', async () => {
    const result = await h.run(getOpenPorts, getOpenPorts.example);
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);
  });
});
