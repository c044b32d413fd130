import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIsolationState } from '../../../src/commands/ksc/get-isolation-state.ts';
import { isolateHosts } from '../../../src/commands/ksc/isolate-hosts.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { startCommandHarness, type CommandHarness } from '../support.ts';

const dn = (host: HostRecord) => host.attributes['KLHST_WKS_DN'] as string;

describe('get_isolation_state', () => {
  let h: CommandHarness;
  let agents: HostRecord[];
  let plain: HostRecord;

  beforeAll(async () => {
    h = await startCommandHarness();
    const hosts = h.emu.ksc.world.hostsOf(0);
    agents = hosts.filter((x) => x.products.some((p) => p.name === 'EDRAgent'));
    plain = hosts.find((x) => !x.products.some((p) => p.name === 'EDRAgent'))!;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(getIsolationState, getIsolationState.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('follows a host from not isolated, through pending, to isolated', async () => {
    const host = agents[0]!;
    const before = await h.run(getIsolationState, { hostIds: [dn(host)] });
    expect(before.keyFields).toEqual({
      HostIDs: [host.id],
      HostNames: [dn(host)],
      IsolationStates: ['not isolated'],
    });

    await h.emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    try {
      const isolated = await h.run(isolateHosts, { hostIds: [host.id], isolationTimeout: 90 });
      expect(isolated.status).toBe('Successful');
      const pending = await h.run(getIsolationState, { hostIds: [host.id] });
      expect((pending.context as Record<string, unknown>[])[0]).toMatchObject({
        state: 'pending',
        isolationSetting: true,
        isolationActive: false,
        isolationTimeoutMinutes: 90,
      });
    } finally {
      await h.emu.control('POST', '/__emulator/clock/freeze', { frozen: false });
    }
    const waited = await h.run(isolateHosts, { hostIds: [host.id], wait: true });
    expect(waited.keyFields['IsolationStates']).toEqual(['isolated']);
    const after = await h.run(getIsolationState, { hostIds: [host.id] });
    const context = (after.context as Record<string, unknown>[])[0]!;
    expect(context).toMatchObject({ state: 'isolated', isolationActive: true });
    expect(context['isolationStart']).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(after.result.columns).toEqual(['HOSTID', 'HOSTNAME', 'STATE', 'ISOLATIONSTART', 'ISOLATIONEND']);
    expect(after.result.rows[0]?.[2]).toBe('isolated');
  });

  it('reports a host without Kaspersky Endpoint Agent and an unknown host each as its own error', async () => {
    const result = await h.run(getIsolationState, { hostIds: [agents[1]!.id, dn(plain), 'NO-SUCH-HOST'] });
    expect(result.status).toBe('Partially Successful');
    expect(result.keyFields['HostIDs']).toEqual([agents[1]!.id]);
    expect(result.errors.map((e) => [e.item, e.statusCode, e.code])).toEqual([
      [dn(plain), 409, 'CONFLICT'],
      ['NO-SUCH-HOST', 404, 'NOT_FOUND'],
    ]);
  });
});
