import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4FromLong } from '../../../src/commands/ksc/shared/ipv4.ts';
import { isolateHosts } from '../../../src/commands/ksc/isolate-hosts.ts';
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

const dn = (host: HostRecord) => host.attributes['KLHST_WKS_DN'] as string;

describe('isolate_hosts', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let agents: HostRecord[];
  let plain: HostRecord;

  const settingsOf = async (host: HostRecord) =>
    (await admin.call('HostGroup.SS_Read', { strHostName: host.id, ...SETTINGS }))['PxgRetVal'] as Params;
  const stateOf = async (host: HostRecord) =>
    (await admin.call('HostGroup.SS_Read', { strHostName: host.id, ...STATE }))['PxgRetVal'] as Params;

  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    const hosts = h.emu.ksc.world.hostsOf(0);
    agents = hosts.filter((x) => x.products.some((p) => p.name === 'EDRAgent'));
    plain = hosts.find((x) => !x.products.some((p) => p.name === 'EDRAgent'))!;
    expect(agents.length).toBeGreaterThanOrEqual(6);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(isolateHosts, isolateHosts.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('writes the isolation of each host, returns seed 001’s settings, and reports every other host', async () => {
    const [a, b] = [agents[0]!, agents[1]!];
    const ip = ipv4FromLong(b.attributes['KLHST_WKS_IP_LONG'] as never)!;
    const result = await h.run(isolateHosts, {
      hostIds: [dn(a), dn(plain), ip, 'NO-SUCH-HOST'],
      isolationTimeout: 60,
    });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors.map((e) => [e.item, e.statusCode, e.code])).toEqual([
      [dn(plain), 409, 'CONFLICT'],
      ['NO-SUCH-HOST', 404, 'NOT_FOUND'],
    ]);
    expect(result.errors[0]!.message).toContain('no Kaspersky Endpoint Agent');

    const raw = result.raw as { hostId: string; PxgRetVal: Params }[];
    expect(raw.map((r) => r.hostId)).toEqual([a.id, b.id]);
    const settings = raw[0]!.PxgRetVal;
    expect(settings).toMatchObject({
      Enable: true,
      IsolationTimeout: 3600,
      UseIsolationTimeout: true,
      NotifyUser: true,
      __VersionInfo: [1, 2],
    });
    expect(settings['BaseSettings']).toEqual({
      type: 'params',
      value: { Revision: { type: 'long', value: 0 }, __VersionInfo: [1, 0] },
    });
    const exclusion = (settings['Exclusions'] as { type: string; value: Params }[])[0]!;
    expect(exclusion.type).toBe('params');
    expect((exclusion.value['Rules'] as { type: string }[])[0]!.type).toBe('params');

    // What the server stores, read independently.
    for (const host of [a, b]) {
      expect(await settingsOf(host)).toMatchObject({ Enable: true, IsolationTimeout: 3600 });
      expect((await stateOf(host))['IsolationActive']).toBe(false);
    }
    expect(result.keyFields).toEqual({
      HostIDs: [a.id, b.id],
      HostNames: [dn(a), dn(b)],
      IsolationStates: ['pending', 'pending'],
    });
    expect(result.context).toEqual([
      expect.objectContaining({
        hostId: a.id,
        state: 'pending',
        isolationTimeoutMinutes: 60,
        isolationActive: false,
      }),
      expect.objectContaining({ hostId: b.id, state: 'pending' }),
    ]);
    expect(result.result).toEqual({ title: 'Isolate Hosts', columns: ['Isolated Hosts Count'], rows: [[2]] });
  });

  it('waits until the agent has isolated the host', async () => {
    const host = agents[2]!;
    const result = await h.run(isolateHosts, { hostIds: [host.id], wait: true });
    expect(result.status).toBe('Successful');
    const state = await stateOf(host);
    expect(state['IsolationActive']).toBe(true);
    expect(result.keyFields['IsolationStates']).toEqual(['isolated']);
    const context = (result.context as Params[])[0]!;
    expect(context).toMatchObject({
      state: 'isolated',
      isolationActive: true,
      isolationStart: (state['IsolationStart'] as Date).toISOString(),
      isolationEnd: (state['IsolationEnd'] as Date).toISOString(),
      // Without Isolation Timeout the host keeps its own (Kaspersky Endpoint Agent's default, 30 minutes).
      isolationTimeoutMinutes: 30,
    });
  });

  it('refuses an ambiguous or wildcard name and lists the hosts it matched', async () => {
    const [x, y] = [agents[3]!, agents[4]!];
    const world = h.emu.ksc.world;
    const renamed = { ...y, attributes: { ...y.attributes, KLHST_WKS_DN: dn(x) } };
    await world.saveHosts([renamed]);
    try {
      const result = await h.run(isolateHosts, { hostIds: [dn(x)] });
      expect(result.status).toBe('Failed');
      expect(firstError(result)).toMatchObject({ statusCode: 409, code: 'CONFLICT', item: dn(x) });
      expect(firstError(result).message).toContain(x.id);
      expect(firstError(result).message).toContain(y.id);
    } finally {
      await world.saveHosts([y]);
    }
    expect((await settingsOf(x))['Enable']).toBe(false);
    const wildcard = await h.run(isolateHosts, { hostIds: ['HQ-WS-*'] });
    expect(firstError(wildcard)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(wildcard).message).toMatch(/^The value for parameter \(hostIds\) is invalid/);
  });

  it('needs Basic functionality Write (seed 001), and names bad input', async () => {
    const host = agents[5]!;
    for (const user of ['analyst', 'reader']) {
      const denied = await h.run(isolateHosts, { hostIds: [host.id] }, user);
      expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED', item: host.id });
    }
    expect((await settingsOf(host))['Enable']).toBe(false);
    const zero = await h.run(isolateHosts, { hostIds: [host.id], isolationTimeout: 0 });
    expect(firstError(zero).message).toMatch(/^The value for parameter \(isolationTimeout\) is invalid/);
    const none = await h.run(isolateHosts, { hostIds: [] });
    expect(firstError(none).message).toMatch(/^The value for parameter \(hostIds\) is invalid/);
  });

  it('acts once per idempotency key', async () => {
    const host = agents[5]!;
    const input = { hostIds: [host.id], idempotencyKey: 'isolate-once' };
    const first = await h.run(isolateHosts, input);
    expect(first.status).toBe('Successful');
    // Someone undoes it meanwhile: a repeat with the same key must not write again.
    await admin.call('HostGroup.SS_Write', {
      strHostName: host.id,
      ...SETTINGS,
      nOption: 3,
      pSettings: { Enable: false },
    });
    expect(await h.run(isolateHosts, input)).toEqual(first);
    expect((await settingsOf(host))['Enable']).toBe(false);
    await h.run(isolateHosts, { ...input, idempotencyKey: 'isolate-twice' });
    expect((await settingsOf(host))['Enable']).toBe(true);
  });
});
