import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';

type Params = Record<string, unknown>;

const SYNC_SECONDS = 30;
const SETTINGS = {
  strType: 'SS_SETTINGS',
  strProduct: 'EDRAgent',
  strVersion: '3.0.0.0',
  strSection: 'NetworkIsolation',
};
const STATE = {
  strType: 'SS_PRODINFO',
  strProduct: 'EDRAgent',
  strVersion: '3.0.0.0',
  strSection: 'NetworkIsolationState',
};

describe.each(BACKENDS)('KSC emulator network isolation (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let hosts: HostRecord[];
  let plain: HostRecord;

  beforeAll(async () => {
    emu = await startTestEmulator(backend, { agentSyncSeconds: SYNC_SECONDS });
    // Steps assert what has not happened before a sync: real time must not move the clock meanwhile.
    await emu.control('POST', '/__emulator/clock/freeze', { frozen: true });
    admin = await emu.session();
    const all = emu.ksc.world.hostsOf(0);
    hosts = all.filter((h) => h.products.some((p) => p.name === 'EDRAgent'));
    plain = all.find((h) => !h.products.some((p) => p.name === 'EDRAgent'))!;
    expect(hosts.length).toBeGreaterThanOrEqual(4);
  });
  afterAll(async () => {
    await emu?.stop();
  });

  const settingsOf = async (host: HostRecord) =>
    (await admin.call('HostGroup.SS_Read', { strHostName: host.id, ...SETTINGS }))['PxgRetVal'] as Params;
  const stateOf = async (host: HostRecord) =>
    (await admin.call('HostGroup.SS_Read', { strHostName: host.id, ...STATE }))['PxgRetVal'] as Params;
  const write = (host: HostRecord, pSettings: Params, caller = admin) =>
    caller.call('HostGroup.SS_Write', { strHostName: host.id, ...SETTINGS, nOption: 3, pSettings } as never);
  // Sessions expire while the clock jumps: log in again after each jump.
  const advance = async (seconds: number) => {
    await emu.control('POST', '/__emulator/clock/advance', { seconds });
    admin = await emu.session();
  };

  async function eventsOf(host: HostRecord, type: string): Promise<Params[]> {
    const created = await admin.call('EventProcessingFactory.CreateEventProcessing2', {
      pFilter: { EVENT_TYPE: type, hostname: host.id },
      vecFieldsToReturn: ['event_type', 'hostname', 'rise_time', 'product_name', 'GNRL_EA_SEVERITY'],
      vecFieldsToOrder: [{ Name: 'event_db_id', Asc: true }],
      lifetimeSec: 60,
    });
    const iterator = created['strIteratorId'] as string;
    const range = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: 0,
      nEnd: 100,
    });
    await admin.call('EventProcessing.ReleaseIterator', { strIteratorId: iterator });
    return ((range['pParamsEvents'] as Params)['KLEVP_EVENT_RANGE_ARRAY'] as Params[]) ?? [];
  }

  it('holds the Endpoint Agent defaults in the shape of Isolate Hosts', async () => {
    const settings = await settingsOf(hosts[0]!);
    expect(settings['Enable']).toBe(false);
    expect(settings['IsolationTimeout']).toBe(1800);
    expect(settings['UseIsolationTimeout']).toBe(true);
    expect(settings['NotifyUser']).toBe(true);
    expect(settings['__VersionInfo']).toEqual([1, 2]);
    expect(settings['BaseSettings']).toEqual({ Revision: 0n, __VersionInfo: [1, 0] });
    const exclusions = settings['Exclusions'] as Params[];
    expect(exclusions.length).toBeGreaterThan(0);
    expect(Object.keys((exclusions[0]!['Rules'] as Params[])[0]!)).toEqual(
      expect.arrayContaining(['AppProtocolName', 'Direction', 'LocalPort', 'RemotePort', 'UseRemotePort']),
    );
    expect(await stateOf(hosts[0]!)).toEqual({ IsolationActive: false });
  });

  it('isolates only hosts with Kaspersky Endpoint Agent', async () => {
    const error = await failure(write(plain, { Enable: true }));
    expect(error.pxgMessage).toBe('Parameter with name "EDRAgent" not exist');
    const read = await failure(admin.call('HostGroup.SS_Read', { strHostName: plain.id, ...SETTINGS }));
    expect(read.pxgMessage).toBe('Parameter with name "EDRAgent" not exist');
  });

  it('isolates at the next sync, shows it, and ends it after its timeout', async () => {
    const host = hosts[0]!;
    await write(host, { Enable: true, UseIsolationTimeout: true, IsolationTimeout: 3600 });
    // Stored at once, applied only when the agent syncs.
    expect((await settingsOf(host))['Enable']).toBe(true);
    expect((await stateOf(host))['IsolationActive']).toBe(false);
    const work = (await emu.control('GET', `/__emulator/agents/work?hostId=${host.id}`)).body as {
      pending: Array<{ kind: string; dueAt: string }>;
    };
    const apply = work.pending.find((w) => w.kind === 'isolation.apply');
    expect(apply).toBeDefined();

    await advance(SYNC_SECONDS);
    const state = await stateOf(host);
    expect(state['IsolationActive']).toBe(true);
    const start = (state['IsolationStart'] as Date).getTime();
    expect(start).toBe(Math.floor(Date.parse(apply!.dueAt) / 1000) * 1000);
    expect((state['IsolationEnd'] as Date).getTime() - start).toBe(3600_000);
    const on = await eventsOf(host, 'KLEDR_EV_NETWORK_ISOLATION_ON');
    expect(on).toHaveLength(1);
    expect(on[0]!['product_name']).toBe('EDRAgent');

    await advance(1800);
    expect((await stateOf(host))['IsolationActive']).toBe(true);
    await advance(1800);
    expect(await stateOf(host)).toEqual({ IsolationActive: false });
    expect((await settingsOf(host))['Enable']).toBe(false);
    const off = await eventsOf(host, 'KLEDR_EV_NETWORK_ISOLATION_OFF');
    expect(off).toHaveLength(1);
    expect((off[0]!['rise_time'] as Date).getTime()).toBe(start + 3600_000);
  });

  it('ends an untimed isolation after 5 hours, and an unisolation takes effect at the next sync', async () => {
    const host = hosts[1]!;
    await write(host, { Enable: true, UseIsolationTimeout: false });
    await advance(SYNC_SECONDS);
    const state = await stateOf(host);
    expect(state['IsolationActive']).toBe(true);
    const start = (state['IsolationStart'] as Date).getTime();
    expect((state['IsolationEnd'] as Date).getTime() - start).toBe(5 * 3600_000);

    await write(host, { Enable: false });
    expect((await stateOf(host))['IsolationActive']).toBe(true);
    await advance(SYNC_SECONDS);
    expect(await stateOf(host)).toEqual({ IsolationActive: false });
    expect(await eventsOf(host, 'KLEDR_EV_NETWORK_ISOLATION_OFF')).toHaveLength(1);
    // The cancelled timeout does not fire later.
    const pending = (await emu.control('GET', `/__emulator/agents/work?hostId=${host.id}`)).body as {
      pending: unknown[];
    };
    expect(pending.pending).toEqual([]);
  });

  it('rejects isolation settings the agent cannot use', async () => {
    const bad = await failure(write(hosts[2]!, { Enable: 'yes' }));
    expect(bad.pxgMessage).toBe('Bad parameter "pSettings"');
    const timeout = await failure(write(hosts[2]!, { IsolationTimeout: -5 }));
    expect(timeout.pxgMessage).toBe('Bad parameter "pSettings"');
    expect((await settingsOf(hosts[2]!))['Enable']).toBe(false);
  });

  it('needs Basic functionality Read and Write to isolate', async () => {
    for (const user of ['reader', 'analyst']) {
      const caller = await emu.session(user);
      const denied = await failure(write(hosts[3]!, { Enable: true }, caller));
      expect([denied.pxgCode, denied.pxgMessage]).toEqual([1184, 'Access denied']);
    }
    const responder = await emu.session('responder');
    await write(hosts[3]!, { Enable: true }, responder);
    await advance(SYNC_SECONDS);
    expect((await stateOf(hosts[3]!))['IsolationActive']).toBe(true);
  });
});
