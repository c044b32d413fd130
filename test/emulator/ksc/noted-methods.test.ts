import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;

/** Polls an action until it is finalized; its final state. */
async function finished(caller: KscCaller, guid: string): Promise<Params> {
  for (;;) {
    const state = await caller.call('AsyncActionStateChecker.CheckActionState', { wstrActionGuid: guid });
    if (state['bFinalized'] === true) return state;
    await new Promise((resolve) => setTimeout(resolve, Number(state['lNextCheckDelay'])));
  }
}

async function virusCount(caller: KscCaller, host: string): Promise<bigint> {
  const info = await caller.call('HostGroup.GetHostInfo', {
    strHostName: host,
    pFields2Return: ['KLHST_WKS_VIRUS_COUNT'],
  });
  return BigInt((info['PxgRetVal'] as Params)['KLHST_WKS_VIRUS_COUNT'] as number | bigint);
}

describe.each(BACKENDS)('KSC emulator: the methods of the earlier notes (%s)', (backend) => {
  const emu = useKscEmulator(backend, { events: 300 });

  const infected = () =>
    emu.ksc.world.hostsOf(0).filter((h) => {
      const count = h.attributes['KLHST_WKS_VIRUS_COUNT'];
      return count !== undefined && BigInt(count as number | bigint) > 0n;
    });

  it('ZeroVirusCountForHosts resets the named hosts only and answers an action GUID', async () => {
    const [first, second] = infected();
    expect(second).toBeDefined();
    const before = await virusCount(emu.admin, second!.id);
    expect(before).toBeGreaterThan(0n);
    const reply = await emu.admin.call('HostGroup.ZeroVirusCountForHosts', { pHostNames: [first!.id] });
    const guid = reply['strActionGuid'] as string;
    expect(guid).toMatch(/^[0-9A-F]{32}$/);
    expect((await finished(emu.admin, guid))['bSuccededFinalized']).toBe(true);
    expect(await virusCount(emu.admin, first!.id)).toBe(0n);
    expect(await virusCount(emu.admin, second!.id)).toBe(before);

    const unknown = await failure(
      emu.admin.call('HostGroup.ZeroVirusCountForHosts', { pHostNames: [second!.id, 'no-such-host'] }),
    );
    expect(unknown.pxgMessage).toContain('no-such-host');
    // An unknown name in the list changes nothing, the known hosts included.
    expect(await virusCount(emu.admin, second!.id)).toBe(before);
  });

  it('ZeroVirusCountForGroup resets every host of the group and its subgroups, and FindHosts agrees', async () => {
    const root = emu.ksc.world.rootGroup(0)!.id;
    const reply = await emu.admin.call('HostGroup.ZeroVirusCountForGroup', { nParent: root });
    expect((await finished(emu.admin, reply['strActionGuid'] as string))['bSuccededFinalized']).toBe(true);
    const found = await emu.admin.call('HostGroup.FindHosts', {
      wstrFilter: 'KLHST_WKS_VIRUS_COUNT > 0',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME', 'KLHST_WKS_GROUPID'],
      lMaxLifeTime: 60,
    });
    const left = await emu.admin.chunkAll(found['strAccessor'] as string);
    const subtree = emu.ksc.world.subtree(root);
    expect(left.filter((h) => subtree.has(h['KLHST_WKS_GROUPID'] as number))).toEqual([]);
    const missing = await failure(emu.admin.call('HostGroup.ZeroVirusCountForGroup', { nParent: 987654 }));
    expect(missing.pxgMessage).toContain('987654');
  });

  it('UpdateHost changes the display name and comment, searchable at once; refuses read-only attributes', async () => {
    const host = emu.ksc.world.hostsOf(0)[3]!;
    await emu.admin.call('HostGroup.UpdateHost', {
      strHostName: host.id,
      pInfo: { KLHST_WKS_DN: 'renamed-by-update-host', KLHST_WKS_COMMENT: 'kiosk, lobby' },
    });
    const info = await emu.admin.call('HostGroup.GetHostInfo', {
      strHostName: host.id,
      pFields2Return: ['KLHST_WKS_DN', 'KLHST_WKS_COMMENT', 'KLHST_WKS_STATUS_ID'],
    });
    expect(info['PxgRetVal']).toMatchObject({
      KLHST_WKS_DN: 'renamed-by-update-host',
      KLHST_WKS_COMMENT: 'kiosk, lobby',
      KLHST_WKS_STATUS_ID: host.attributes['KLHST_WKS_STATUS_ID'],
    });
    const found = await emu.admin.call('HostGroup.FindHosts', {
      wstrFilter: 'KLHST_WKS_DN = "renamed-by-update-host"',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      lMaxLifeTime: 60,
    });
    expect(await emu.admin.chunkAll(found['strAccessor'] as string)).toEqual([
      { KLHST_WKS_HOSTNAME: host.id },
    ]);

    for (const pInfo of [{ KLHST_WKS_STATUS_ID: 0 }, { KLHST_WKS_DN: '' }, { KLHST_WKS_COMMENT: 5 }]) {
      const refused = await failure(emu.admin.call('HostGroup.UpdateHost', { strHostName: host.id, pInfo }));
      expect(refused.pxgMessage).toContain('pInfo');
    }
    const unknown = await failure(
      emu.admin.call('HostGroup.UpdateHost', {
        strHostName: 'no-such-host',
        pInfo: { KLHST_WKS_COMMENT: 'x' },
      }),
    );
    expect(unknown.pxgMessage).toContain('no-such-host');
  });

  it('GetTaskStartEvent answers the start event of the task settings; ResolveTaskId resolves an existing id', async () => {
    const listed = await emu.admin.call('Tasks.GetAllTasksOfHost', {
      strDomainName: '',
      strHostName: emu.ksc.world.hostsOf(0)[0]!.id,
    });
    const strTask = (listed['PxgRetVal'] as string[])[0]!;
    const data = (await emu.admin.call('Tasks.GetTaskData', { strTask }))['PxgRetVal'] as Params;
    const event = (await emu.admin.call('Tasks.GetTaskStartEvent', { strTask }))['PxgRetVal'] as Params;
    expect(event).toEqual({
      EVENT_TYPE: data['EVENT_TYPE'],
      FILTER_EVENTS_PRODUCT_NAME: data['FILTER_EVENTS_PRODUCT_NAME'],
      FILTER_EVENTS_VERSION: data['FILTER_EVENTS_VERSION'],
      FILTER_EVENTS_COMPONENT_NAME: data['FILTER_EVENTS_COMPONENT_NAME'],
      FILTER_EVENTS_INSTANCE_ID: data['FILTER_EVENTS_INSTANCE_ID'],
    });
    expect(event['EVENT_TYPE']).toBe('PRTS_EVENT_NONE');

    expect((await emu.admin.call('Tasks.ResolveTaskId', { strPrtsTaskId: strTask }))['PxgRetVal']).toBe(
      strTask,
    );
    const missing = await failure(emu.admin.call('Tasks.ResolveTaskId', { strPrtsTaskId: '99999999' }));
    expect(missing.pxgMessage).toContain('99999999');
    const malformed = await failure(emu.admin.call('Tasks.ResolveTaskId', { strPrtsTaskId: 'abc' }));
    expect(malformed.pxgMessage).toContain('strPrtsTaskId');
  });

  it('ProtectPassword answers an opaque binary, different on every call, without the password in clear', async () => {
    const password = 'Sup3r-secret-Pa55';
    const first = (await emu.admin.call('Tasks.ProtectPassword', { strPassword: password }))['PxgRetVal'];
    const second = (await emu.admin.call('Tasks.ProtectPassword', { strPassword: password }))['PxgRetVal'];
    // A binary PxgRetVal travels as base64 text (KLOAPI JSON has no type tag for it).
    expect(first).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const a = Buffer.from(first as string, 'base64');
    const b = Buffer.from(second as string, 'base64');
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBeGreaterThan(Buffer.byteLength(password, 'utf16le'));
    for (const encoding of ['utf8', 'utf16le'] as const) {
      expect(a.includes(Buffer.from(password, encoding))).toBe(false);
    }
  });
});
