import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { securityApplication } from '../../../src/emulator/ksc/world/products.ts';
import { PLATFORM_TYPE } from '../../../src/emulator/ksc/world/platforms.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

/** Opens a view, checks the count, pages by 7 records and releases the iterator. */
async function view(caller: KscCaller, name: string, filter: string, fields: string[]): Promise<Item[]> {
  // Small pages, so the views page over several GetRecordRange calls.
  return caller.viewAll(name, { filter, fields, page: 7 });
}

const FIELDS = [
  'FILE_ID',
  'FILE_NAME',
  'FILE_NONEMPTY_NAME',
  'FILE_HASH_MD5',
  'FILE_HASH_SHA256',
  'FILE_TYPE',
];

describe.each(BACKENDS)('KSC emulator Application Control (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  let windowsKes: HostRecord;
  let unprotected: HostRecord;
  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    admin = await emu.session();
    const hosts = emu.ksc.world.hostsOf(0);
    windowsKes = hosts.find(
      (h) =>
        h.attributes['KLHST_WKS_PTYPE'] !== PLATFORM_TYPE.LINUX &&
        securityApplication(h.products)?.name === 'KES',
    )!;
    unprotected = hosts.find((h) => securityApplication(h.products) === undefined)!;
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('lists the file instances of one host through ACHostExeFilesSrvViewName', async () => {
    const records = await view(admin, 'ACHostExeFilesSrvViewName', `(HOST_NAME = "${windowsKes.id}")`, [
      ...FIELDS,
      'HOST_NAME',
      'FILE_PATH',
      'HST_FIRST_APPEAR',
      'TRUSTED_GROUP',
    ]);
    expect(records.length).toBeGreaterThan(4);
    expect(records.every((r) => r['HOST_NAME'] === windowsKes.id)).toBe(true);
    const avp = records.find((r) => r['FILE_NAME'] === 'avp.exe');
    expect(String(avp?.['FILE_PATH'])).toMatch(
      /^C:\\Program Files \(x86\)\\Kaspersky Lab\\KES\..*\\avp\.exe$/,
    );
    expect(records.some((r) => r['FILE_PATH'] === 'C:\\Windows\\explorer.exe')).toBe(true);
    for (const record of records) {
      expect(typeof record['FILE_ID']).toBe('number');
      expect((record['FILE_HASH_MD5'] as Uint8Array).length).toBe(16);
      expect((record['FILE_HASH_SHA256'] as Uint8Array).length).toBe(32);
      expect(record['HST_FIRST_APPEAR']).toBeInstanceOf(Date);
    }
    const none = await view(admin, 'ACHostExeFilesSrvViewName', `(HOST_NAME = "${unprotected.id}")`, FIELDS);
    expect(none).toEqual([]);
  });

  it('lists each file once through ACExeFilesSrvViewName, and filters it', async () => {
    const files = await view(admin, 'ACExeFilesSrvViewName', '', FIELDS);
    const ids = files.map((f) => f['FILE_ID']);
    expect(new Set(ids).size).toBe(ids.length);
    const instances = await view(admin, 'ACHostExeFilesSrvViewName', '', ['FILE_ID']);
    expect(new Set(instances.map((i) => i['FILE_ID'])).size).toBe(files.length);
    expect(instances.length).toBeGreaterThan(files.length);

    const explorer = await view(admin, 'ACExeFilesSrvViewName', '(FILE_NAME = "explorer.exe")', FIELDS);
    expect(explorer.length).toBeGreaterThan(0);
    expect(explorer.every((f) => f['FILE_NAME'] === 'explorer.exe')).toBe(true);
    // Linux binaries have no VersionInfo name: FILE_NONEMPTY_NAME falls back to the instance name.
    const bash = await view(admin, 'ACExeFilesSrvViewName', '(FILE_NONEMPTY_NAME = "bash")', FIELDS);
    expect(bash.length).toBeGreaterThan(0);
    expect(bash.every((f) => f['FILE_NAME'] === '')).toBe(true);

    const unknown = await failure(
      admin.call('SrvView.ResetIterator', { wstrViewName: 'ACExeFilesSrvViewName', wstrFilter: 'ol = 1' }),
    );
    expect(unknown.pxgMessage).toBe("Pos 1. Unknown attribute 'ol'.");
  });

  it('describes a file instance with AppCtrlApi.GetExeFileInfo', async () => {
    const [first] = await view(admin, 'ACHostExeFilesSrvViewName', `(HOST_NAME = "${windowsKes.id}")`, [
      'FILE_ID',
      'FILE_NAME',
      'FILE_PATH',
    ]);
    const fileId = first?.['FILE_ID'] as number;
    const info = (
      await admin.call('AppCtrlApi.GetExeFileInfo', { szwHostId: windowsKes.id, lFileId: BigInt(fileId) })
    )['PxgRetVal'] as Item;
    expect(info).toMatchObject({
      FILE_ID: fileId,
      HOST_NAME: windowsKes.id,
      FILE_PATH: first?.['FILE_PATH'],
    });
    expect(info['FILE_HASH_SHA256']).toBeInstanceOf(Uint8Array);

    const some = (
      await admin.call('AppCtrlApi.GetExeFileInfo', {
        szwHostId: windowsKes.id,
        lFileId: BigInt(fileId),
        pFilter: { FILE_ID: '', FILE_NAME: '' },
      })
    )['PxgRetVal'] as Item;
    expect(Object.keys(some).sort()).toEqual(['FILE_ID', 'FILE_NAME']);

    const common = (
      await admin.call('AppCtrlApi.GetExeFileInfo', { szwHostId: '', lFileId: BigInt(fileId) })
    )['PxgRetVal'] as Item;
    expect(common['FILE_ID']).toBe(fileId);
    expect('FILE_PATH' in common).toBe(false);
  });

  it('rejects unknown files and hosts, and callers without rights', async () => {
    const noFile = await failure(
      admin.call('AppCtrlApi.GetExeFileInfo', { szwHostId: windowsKes.id, lFileId: 1n }),
    );
    expect(noFile.pxgCode).toBe(1186);
    const notThere = await failure(
      admin.call('AppCtrlApi.GetExeFileInfo', { szwHostId: unprotected.id, lFileId: 1n }),
    );
    expect(notThere.pxgCode).toBe(1186);
    const noHost = await failure(admin.call('AppCtrlApi.GetExeFileInfo', { szwHostId: 'nope', lFileId: 1n }));
    expect(noHost.pxgMessage).toBe("Unknown name of device 'nope'");

    const none = await emu.session('no-rights');
    expect(
      (await failure(none.call('AppCtrlApi.GetExeFileInfo', { szwHostId: windowsKes.id, lFileId: 1n })))
        .pxgCode,
    ).toBe(1184);
    const denied = await failure(
      none.call('SrvView.ResetIterator', { wstrViewName: 'ACHostExeFilesSrvViewName', wstrFilter: '' }),
    );
    expect(denied.pxgCode).toBe(1184);
    const serverOnly = await emu.session('server-only');
    expect(await view(serverOnly, 'ACHostExeFilesSrvViewName', '', ['FILE_ID'])).toEqual([]);
    const reader = await emu.session('reader');
    expect((await view(reader, 'ACExeFilesSrvViewName', '', ['FILE_ID'])).length).toBeGreaterThan(0);
  });
});
