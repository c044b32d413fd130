import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unisolateHosts } from '../../../src/commands/ksc/unisolate-hosts.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Params = Record<string, unknown>;

const SETTINGS = {
  strType: 'SS_SETTINGS',
  strProduct: 'EDRAgent',
  strVersion: '3.0.0.0',
  strSection: 'NetworkIsolation',
};
const STATE = { ...SETTINGS, strType: 'SS_PRODINFO', strSection: 'NetworkIsolationState' };

describe('unisolate_hosts', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let agents: HostRecord[];
  let plain: HostRecord;

  const settingsOf = async (host: HostRecord) =>
    (await admin.call('HostGroup.SS_Read', { strHostName: host.id, ...SETTINGS }))['PxgRetVal'] as Params;
  const activeOf = async (host: HostRecord) =>
    ((await admin.call('HostGroup.SS_Read', { strHostName: host.id, ...STATE }))['PxgRetVal'] as Params)[
      'IsolationActive'
    ];
  const write = (host: HostRecord, pSettings: Params) =>
    admin.call('HostGroup.SS_Write', { strHostName: host.id, ...SETTINGS, nOption: 3, pSettings } as never);

  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    const hosts = h.emu.ksc.world.hostsOf(0);
    agents = hosts.filter((x) => x.products.some((p) => p.name === 'EDRAgent'));
    plain = hosts.find((x) => !x.products.some((p) => p.name === 'EDRAgent'))!;
    // Isolate three hosts for hours, and let their agents apply it.
    for (const host of agents.slice(0, 3)) await write(host, { Enable: true, UseIsolationTimeout: false });
    await h.emu.control('POST', '/__emulator/clock/advance', { seconds: 120 });
    admin = await h.emu.session('admin');
    for (const host of agents.slice(0, 3)) expect(await activeOf(host)).toBe(true);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(unisolateHosts, unisolateHosts.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('writes Enable false at once; the host stays isolated until its agent syncs', async () => {
    const host = agents[0]!;
    const result = await h.run(unisolateHosts, { hostIds: [host.id, plain.id, 'NO-SUCH-HOST'] });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors.map((e) => [e.item, e.statusCode])).toEqual([
      [plain.id, 409],
      ['NO-SUCH-HOST', 404],
    ]);
    const raw = result.raw as { hostId: string; PxgRetVal: Params }[];
    expect(raw).toHaveLength(1);
    expect(raw[0]!.hostId).toBe(host.id);
    expect(raw[0]!.PxgRetVal).toMatchObject({
      Enable: false,
      UseIsolationTimeout: false,
      __VersionInfo: [1, 2],
    });
    expect((raw[0]!.PxgRetVal['Exclusions'] as { type: string }[])[0]!.type).toBe('params');
    expect((await settingsOf(host))['Enable']).toBe(false);
    expect(await activeOf(host)).toBe(true);
    expect(result.keyFields).toEqual({
      HostIDs: [host.id],
      HostNames: [host.attributes['KLHST_WKS_DN']],
      IsolationStates: ['pending'],
    });
    expect(result.result).toEqual({
      title: 'Unisolate Hosts',
      columns: ['Unisolated Hosts Count'],
      rows: [[1]],
    });
  });

  it('waits until the host is reconnected, and is harmless on a host that is not isolated', async () => {
    const host = agents[1]!;
    const result = await h.run(unisolateHosts, {
      hostIds: [host.attributes['KLHST_WKS_DN'], agents[6]!.id],
      wait: true,
    });
    expect(result.status).toBe('Successful');
    expect(await activeOf(host)).toBe(false);
    expect(result.keyFields['IsolationStates']).toEqual(['not isolated', 'not isolated']);
    expect((result.context as Params[])[0]).toMatchObject({ state: 'not isolated', isolationActive: false });
  });

  it('needs Basic functionality Write (seed 001)', async () => {
    const host = agents[2]!;
    const denied = await h.run(unisolateHosts, { hostIds: [host.id] }, 'reader');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect((await settingsOf(host))['Enable']).toBe(true);
  });

  it('acts once per idempotency key', async () => {
    const host = agents[2]!;
    const input = { hostIds: [host.id], idempotencyKey: 'release-once' };
    const first = await h.run(unisolateHosts, input);
    expect((await settingsOf(host))['Enable']).toBe(false);
    await write(host, { Enable: true });
    expect(await h.run(unisolateHosts, input)).toEqual(first);
    expect((await settingsOf(host))['Enable']).toBe(true);
  });
});
