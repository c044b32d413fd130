/**
 * Issue 21 part M (decision 0080): `FileCategorizer2.ForceCategoryUpdate` fills autoupdate (FromDir) and
 * silver-image categories from the Application Control inventory, and a later update follows its changes.
 */
import { describe, expect, it } from 'vitest';
import { hostExeFiles } from '../../../src/emulator/ksc/inventory/exe-files.ts';
import { BACKENDS, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;

const hex = (value: unknown): string => Buffer.from(value as Uint8Array).toString('hex');

describe.each(BACKENDS)('KSC emulator automatic categories (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 30, events: 20 });

  const create = async (pCategory: Params): Promise<number> =>
    (await emu.admin.call('FileCategorizer2.CreateCategory', { pCategory: pCategory as never }))[
      'PxgRetVal'
    ] as number;
  const category = async (id: number): Promise<Params> =>
    (await emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId: id }))['pCategory'] as Params;
  const update = (id: number) => emu.admin.call('FileCategorizer2.ForceCategoryUpdate', { nCategoryId: id });
  const hashes = (c: Params): string[] => (c['inclusions'] as Params[]).map((e) => String(e['str']));

  /** The inventory as the hosts report it, read from the world directly: what the category must hold. */
  const inventory = () =>
    emu.ksc.world.hostsOf(0).map((host) => ({ host, files: hostExeFiles(emu.ksc.world.seedValue, host) }));

  it('fills a folder category with the hashes of the files the hosts report under the folder', async () => {
    const folder = 'c:/windows/SYSTEM32';
    const id = await create({
      name: 'System32',
      CategoryType: 1,
      CategoryFilter: { FilesFromDir: folder, IncludeDll: false, IncludeScripts: false, MetadataFlag: 256 },
    });
    expect((await category(id))['inclusions']).toEqual([]);
    await update(id);
    const filled = await category(id);
    const expected = new Map<number, string>();
    for (const { files } of inventory())
      for (const f of files)
        if (f.path.toLowerCase().startsWith('c:\\windows\\system32\\'))
          expected.set(f.fileId, hex(f.file['FILE_HASH_SHA256']));
    expect(expected.size).toBeGreaterThan(0);
    expect(hashes(filled).sort()).toEqual([...expected.values()].sort());
    expect(filled['inclusions']).toContainEqual({
      ex_type: 3,
      str: expect.stringMatching(/^[0-9a-f]{64}$/),
      str2: '',
      str_op: 0,
    });
    expect(filled['version']).toBe(2);

    // Both hashes when both bits are set (the KSC 13 attribute names work too).
    const both = await create({
      name: 'System32 both',
      CategoryType: 1,
      autoupdatedir: folder,
      autoupdateflag: 64 | 256,
    });
    await update(both);
    expect(hashes(await category(both))).toHaveLength(expected.size * 2);
  });

  it('fills a silver image from its hosts, and follows the inventory when updated again', async () => {
    const [withFiles] = inventory().filter((h) => h.files.length > 0);
    const id = await create({
      name: 'Golden image',
      CategoryType: 2,
      SilverImageHosts: [withFiles!.host.id],
      CategoryFilter: { IncludeScripts: true, MetadataFlag: 64 },
    });
    await update(id);
    const first = await category(id);
    const own = new Set(withFiles!.files.map((f) => hex(f.file['FILE_HASH_MD5'])));
    expect(new Set(hashes(first))).toEqual(own);
    expect(hashes(first).every((h) => /^[0-9a-f]{32}$/.test(h))).toBe(true);

    // The host leaves the server: the next update finds none of its files.
    await emu.ksc.world.deleteHosts([withFiles!.host.id]);
    await update(id);
    const second = await category(id);
    expect(second['inclusions']).toEqual([]);
    expect(second['version']).toBe(Number(first['version']) + 1);
  });
});
