import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
} from '../../support/ksc-emulator.ts';
import { hostNumericId } from '../../../src/emulator/ksc/world/host-identity.ts';
import { PLATFORM_TYPE } from '../../../src/emulator/ksc/world/platforms.ts';

type Params = Record<string, unknown>;

const AGENT_SETTINGS = { strType: 'SS_SETTINGS', strProduct: '1103', strVersion: '1.0.0.0' };

describe.each(BACKENDS)('KSC emulator fidelity: events, application info, agent settings (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    emu = await startTestEmulator(backend, { maxEvents: 1500 });
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('gives every event event_type_id, and host events host_id and host_type consistent with hostname', async () => {
    const opened = await admin.call('EventProcessingFactory.CreateEventProcessing2', {
      pFilter: {} as never,
      vecFieldsToReturn: [],
      vecFieldsToOrder: [{ Name: 'event_db_id', Asc: true }],
      lifetimeSec: 300,
    });
    const iterator = opened['strIteratorId'] as string;
    const reply = await admin.call('EventProcessing.GetRecordRange', {
      strIteratorId: iterator,
      nStart: 0,
      nEnd: 500,
    });
    const events = (reply['pParamsEvents'] as { KLEVP_EVENT_RANGE_ARRAY: Params[] }).KLEVP_EVENT_RANGE_ARRAY;
    expect(events.length).toBeGreaterThan(100);
    const idOfType = new Map<string, unknown>();
    for (const event of events) {
      expect(Number.isInteger(event['event_type_id'])).toBe(true);
      // One number per type, the same across events.
      const type = String(event['event_type']);
      if (idOfType.has(type)) expect(event['event_type_id']).toBe(idOfType.get(type));
      else idOfType.set(type, event['event_type_id']);
      if (typeof event['hostname'] === 'string') {
        expect(event['host_id']).toBe(hostNumericId(event['hostname']));
        expect(event['host_type']).toBe(0);
        expect(emu.ksc.world.hosts.get(event['hostname'])).toBeDefined();
      }
    }
    expect(new Set(idOfType.values()).size).toBe(idOfType.size);
    expect(events.some((e) => typeof e['hostname'] === 'string')).toBe(true);
  });

  it('answers KLHST_APP_INFO with a state per installed product that agrees with the host status', async () => {
    const hosts = emu.ksc.world.hostsOf(0).filter((h) => h.products.length > 0);
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts.slice(0, 25)) {
      const reply = await admin.call('HostGroup.GetHostInfo', {
        strHostName: host.id,
        pFields2Return: ['KLHST_APP_INFO', 'KLHST_WKS_DN'],
      });
      const info = reply['PxgRetVal'] as Params;
      expect(info['KLHST_WKS_DN']).toBe(host.attributes['KLHST_WKS_DN']);
      const apps = info['KLHST_APP_INFO'] as Record<string, Record<string, Params>>;
      for (const product of host.products) {
        const app = apps[product.name]?.[product.version];
        expect(app, `${product.name} ${product.version}`).toBeDefined();
        expect([0, 3]).toContain(app!['KLHST_APP_STATE']);
        expect(app!['KLHST_APP_STATE_TIME']).toBeInstanceOf(Date);
      }
      const agent = apps['1103']?.['1.0.0.0'];
      if (agent !== undefined) {
        const alive = ((host.attributes['KLHST_WKS_STATUS'] as number) & 0x8) !== 0;
        expect(agent['KLHST_APP_STATE'] === 3).toBe(alive);
      }
    }
  });

  it('has Network Agent settings sections a client can list, read and write', async () => {
    const windows = emu.ksc.world
      .hostsOf(0)
      .find(
        (h) =>
          h.products.some((p) => p.name === '1103') &&
          h.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.WINDOWS_NT,
      )!;
    const linux = emu.ksc.world
      .hostsOf(0)
      .find(
        (h) =>
          h.products.some((p) => p.name === '1103') &&
          h.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX,
      );
    const names = await admin.call('HostGroup.SS_GetNames', { strHostName: windows.id, ...AGENT_SETTINGS });
    expect(names['PxgRetVal']).toEqual(
      expect.arrayContaining(['KLNAG_SVCPRT', 'KLNAG_SECTION_REBOOT_SETTINGS', 'KLNAG_SECTION_WUA']),
    );
    const svc = await admin.call('HostGroup.SS_Read', {
      strHostName: windows.id,
      ...AGENT_SETTINGS,
      strSection: 'KLNAG_SVCPRT',
    } as never);
    expect(svc['PxgRetVal']).toEqual({ KLNAG_SVCPRT_PROTECT_NAGENT_SVC: false });
    await admin.call('HostGroup.SS_Write', {
      strHostName: windows.id,
      ...AGENT_SETTINGS,
      strSection: 'KLNAG_SVCPRT',
      nOption: 1,
      pSettings: { KLNAG_SVCPRT_PROTECT_NAGENT_SVC: true },
    } as never);
    const after = await admin.call('HostGroup.SS_Read', {
      strHostName: windows.id,
      ...AGENT_SETTINGS,
      strSection: 'KLNAG_SVCPRT',
    } as never);
    expect(after['PxgRetVal']).toEqual({ KLNAG_SVCPRT_PROTECT_NAGENT_SVC: true });
    if (linux !== undefined) {
      const linuxNames = await admin.call('HostGroup.SS_GetNames', {
        strHostName: linux.id,
        ...AGENT_SETTINGS,
      });
      expect(linuxNames['PxgRetVal']).toContain('KLNAG_SVCPRT');
      expect(linuxNames['PxgRetVal']).not.toContain('KLNAG_SECTION_WUA');
    }
  });
});
