import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProduct, productBuild } from '../../../src/emulator/ksc/world/products.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { PLATFORM_TYPE } from '../../../src/emulator/ksc/world/platforms.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

const APP_KEYS = [
  'ARPRegKey',
  'CleanerProductName',
  'Comments',
  'DisplayName',
  'DisplayVersion',
  'HelpLink',
  'HelpTelephone',
  'InstallDate',
  'InstallDir',
  'InstanceID',
  'LangId',
  'PackageCode',
  'ProductID',
  'Publisher',
  'QuietUninstallString',
  'UninstallString',
  'VapmBuild',
  'bIsMsi',
];
const PATCH_KEYS = [
  'Classification',
  'Comments',
  'DisplayName',
  'DisplayVersion',
  'HelpLink',
  'HelpTelephone',
  'InstallDate',
  'MoreInfoURL',
  'ParentID',
  'PatchID',
  'Publisher',
  'QuietUninstallString',
  'UninstallString',
  'bIsMsi',
];

function items(reply: Record<string, unknown>): Item[] {
  return (reply['PxgRetVal'] as { GNRL_EA_PARAM_1: Item[] }).GNRL_EA_PARAM_1;
}

describe.each(BACKENDS)('KSC emulator inventory (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let windowsKes: HostRecord;
  let linux: HostRecord;
  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    admin = await emu.session();
    const hosts = emu.ksc.world.hostsOf(0);
    const isLinux = (h: HostRecord): boolean => h.attributes['KLHST_WKS_PTYPE'] === PLATFORM_TYPE.LINUX;
    windowsKes = hosts.find((h) => !isLinux(h) && findProduct(h.products, 'KES') !== undefined)!;
    linux = hosts.find((h) => isLinux(h) && findProduct(h.products, 'KESL') !== undefined)!;
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('lists a Windows host applications with the keys and types of seed 001, matching its products', async () => {
    const apps = items(await admin.call('InventoryApi.GetHostInvProducts', { szwHostId: windowsKes.id }));
    expect(apps.length).toBeGreaterThan(3);
    for (const app of apps) {
      expect(Object.keys(app).sort()).toEqual([...APP_KEYS].sort());
      expect(app['VapmBuild']).toBe(0n);
      expect(app['InstanceID']).toBeInstanceOf(Uint8Array);
      expect(typeof app['LangId']).toBe('number');
      expect(typeof app['bIsMsi']).toBe('boolean');
      expect(app['ProductID']).toMatch(/^[0-9A-F]{32}$/);
      expect(app['InstallDate']).toMatch(/^(\d{8})?$/);
    }
    const kes = apps.find((a) => a['DisplayName'] === 'Kaspersky Endpoint Security for Windows');
    expect(kes?.['DisplayVersion']).toBe(productBuild(findProduct(windowsKes.products, 'KES')!));
    expect(kes?.['InstallDir']).toMatch(/^C:\\Program Files \(x86\)\\Kaspersky Lab\\KES\.\d+\.\d+\.\d+\\$/);
    expect(apps.some((a) => a['DisplayName'] === 'Kaspersky Security Center Network Agent')).toBe(true);
    expect(apps.some((a) => a['DisplayName'] === 'bash')).toBe(false);
    expect(new Set(apps.map((a) => a['ProductID'])).size).toBe(apps.length);
    // Same host, same inventory.
    const again = items(await admin.call('InventoryApi.GetHostInvProducts', { szwHostId: windowsKes.id }));
    expect(again).toEqual(apps);
  });

  it('encodes VapmBuild as a long and InstanceID as binary on the wire', async () => {
    const raw = await admin.raw('InventoryApi.GetHostInvProducts', { szwHostId: windowsKes.id });
    expect(raw.text).toContain('"VapmBuild":{"type":"long","value":0}');
    expect(raw.text).toContain('"InstanceID":{"type":"binary","value":"AA=="}');
    expect(raw.text).toMatch(/^\{"PxgRetVal":\{"GNRL_EA_PARAM_1":\[\{"type":"params","value":\{/);
  });

  it('gives Linux hosts packages and the Kaspersky Linux products, and no Windows patches', async () => {
    const apps = items(await admin.call('InventoryApi.GetHostInvProducts', { szwHostId: linux.id }));
    const names = apps.map((a) => a['DisplayName']);
    expect(names).toContain('bash');
    expect(names).toContain('kesl');
    expect(names).not.toContain('Microsoft Edge');
    const patches = items(await admin.call('InventoryApi.GetHostInvPatches', { szwHostId: linux.id }));
    expect(patches).toEqual([]);
  });

  it('lists Windows patches with the keys of spec 9.1', async () => {
    const hosts = emu.ksc.world
      .hostsOf(0)
      .filter((h) => h.attributes['KLHST_WKS_PTYPE'] !== PLATFORM_TYPE.LINUX);
    let seen = 0;
    for (const host of hosts.slice(0, 20)) {
      const patches = items(await admin.call('InventoryApi.GetHostInvPatches', { szwHostId: host.id }));
      for (const patch of patches) {
        expect(Object.keys(patch).sort()).toEqual([...PATCH_KEYS].sort());
        expect(patch['PatchID']).toMatch(/^(KB\d+|[0-9A-F]{32})$/);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('answers the server-wide lists as the union of the hosts, once per id, without host data', async () => {
    // XSOAR sends no arguments at all.
    const all = items(await admin.call('InventoryApi.GetInvProductsList'));
    const ids = all.map((a) => a['ProductID']);
    expect(new Set(ids).size).toBe(ids.length);
    for (const app of all) {
      expect('InstanceID' in app).toBe(false);
      expect(app['InstallDate']).toBe('');
    }
    const mine = items(await admin.call('InventoryApi.GetHostInvProducts', { szwHostId: windowsKes.id }));
    for (const app of mine) expect(ids).toContain(app['ProductID']);
    const names = all.map((a) => String(a['DisplayName']).toLowerCase());
    expect(names).toEqual([...names].sort());

    const patches = items(await admin.call('InventoryApi.GetInvPatchesList', { pParams: {} }));
    const patchIds = patches.map((p) => p['PatchID']);
    expect(new Set(patchIds).size).toBe(patchIds.length);
    expect(patchIds.length).toBeGreaterThan(5);
  });

  it('rejects unknown hosts and hosts of another virtual server', async () => {
    const unknown = await failure(
      admin.call('InventoryApi.GetHostInvProducts', { szwHostId: 'no-such-host' }),
    );
    expect(unknown.pxgMessage).toBe("Unknown name of device 'no-such-host'");
    const branch = await emu.session('admin', 'vs-branch');
    const foreign = await failure(
      branch.call('InventoryApi.GetHostInvPatches', { szwHostId: windowsKes.id }),
    );
    expect(foreign.pxgMessage).toBe(`Unknown name of device '${windowsKes.id}'`);
    const bad = await failure(admin.call('InventoryApi.GetHostInvProducts', { szwHostId: 12 }));
    expect(bad.pxgMessage).toBe('Bad parameter "szwHostId"');
  });

  it('needs Basic functionality: Read, and shows device data only to the Managed devices scope', async () => {
    const reader = await emu.session('reader');
    expect(items(await reader.call('InventoryApi.GetInvProductsList')).length).toBeGreaterThan(0);
    const none = await emu.session('no-rights');
    const denied = await failure(none.call('InventoryApi.GetInvProductsList'));
    expect(denied.pxgCode).toBe(1184);
    expect(denied.pxgMessage).toBe('Access denied');
    const serverOnly = await emu.session('server-only');
    expect(items(await serverOnly.call('InventoryApi.GetInvProductsList'))).toEqual([]);
    const hidden = await failure(
      serverOnly.call('InventoryApi.GetHostInvProducts', { szwHostId: windowsKes.id }),
    );
    expect(hidden.pxgCode).toBe(1184);
  });
});
