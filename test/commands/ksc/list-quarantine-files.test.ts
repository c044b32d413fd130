import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { listQuarantineFiles } from '../../../src/commands/ksc/list-quarantine-files.ts';
import { ipv4FromLong } from '../../../src/commands/ksc/shared/ipv4.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;

const FIELDS = ['nId', 'strHostName', 'szFileTitle', 'szRestorePath', 'QBStoreTime'];

/** Seconds-precision ISO text, as KLOAPI datetimes travel. */
const iso = (date: unknown) => (date as Date).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('list_quarantine_files', () => {
  let h: CommandHarness;
  /** The Quarantine view as a plain KLOAPI caller reads it, ordered by nId: the expected values. */
  let expected: Item[];

  beforeAll(async () => {
    h = await startCommandHarness();
    const caller = await h.emu.session('admin');
    expected = await caller.viewAll('Quarantine', { fields: FIELDS, order: [{ Name: 'nId', Asc: true }] });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(listQuarantineFiles, listQuarantineFiles.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('returns seed 001’s raw shape, the key fields of every file and the count table', async () => {
    expect(expected.length).toBeGreaterThan(1);
    const result = await h.run(listQuarantineFiles, {});
    expect(result.status).toBe('Successful');
    const raw = result.raw as { pRecords: { KLCSP_ITERATOR_ARRAY: { type: string; value: Item }[] } };
    expect(Object.keys(raw)).toEqual(['pRecords']);
    const items = raw.pRecords.KLCSP_ITERATOR_ARRAY;
    expect(items.map((i) => i.value['nId'])).toEqual(expected.map((e) => e['nId']));
    const first = items[0]!;
    expect(first.type).toBe('params');
    expect(first.value['QBStoreTime']).toEqual({ type: 'datetime', value: iso(expected[0]!['QBStoreTime']) });
    for (const key of ['ObjName', 'QBObjSize', 'iObjStatus', 'nGroup', 'strId', 'strListProductName']) {
      expect(first.value).toHaveProperty(key);
    }

    expect(result.keyFields).toEqual({
      QuarantineFilePaths: expected.map(
        (e) => `${e['szRestorePath'] as string}${e['szFileTitle'] as string}`,
      ),
      QuarantineFiles: expected.map((e) => e['szFileTitle']),
      SourceHosts: expected.map((e) => e['strHostName']),
      QuarantineDate: expected.map((e) => iso(e['QBStoreTime'])),
      FileIDs: expected.map((e) => e['nId']),
      RestorePaths: expected.map((e) => e['szRestorePath']),
      ActionNames: expected.map(() => 'RestoreObj'),
    });
    const context = result.context as Item[];
    expect(context.map((c) => c['filePath'])).toEqual(result.keyFields['QuarantineFilePaths']);
    expect(typeof context[0]!['QBStoreTime']).toBe('string');
    expect(result.result).toEqual({
      title: 'List Quarantine Files',
      columns: ['Quarantine File Count'],
      rows: [[expected.length]],
    });
  });

  it('narrows to one host named by display name or IP, and to full file paths', async () => {
    const hostId = expected[0]!['strHostName'] as string;
    const host = h.emu.ksc.world.hosts.get(hostId)!;
    const mine = expected.filter((e) => e['strHostName'] === hostId).map((e) => e['nId']);
    const byName = await h.run(listQuarantineFiles, { hostId: host.attributes['KLHST_WKS_DN'] });
    expect(byName.keyFields['FileIDs']).toEqual(mine);
    const ip = ipv4FromLong(host.attributes['KLHST_WKS_IP_LONG'] as never);
    expect(ip).not.toBeNull();
    const byIp = await h.run(listQuarantineFiles, { hostId: ip });
    expect(byIp.keyFields['FileIDs']).toEqual(mine);

    const target = expected[expected.length - 1]!;
    const path = `${target['szRestorePath'] as string}${target['szFileTitle'] as string}`;
    const byPath = await h.run(listQuarantineFiles, { filePaths: [path.toUpperCase()] });
    expect(byPath.keyFields['FileIDs']).toEqual(
      expected
        .filter((e) => `${e['szRestorePath'] as string}${e['szFileTitle'] as string}` === path)
        .map((e) => e['nId']),
    );
    const none = await h.run(listQuarantineFiles, { hostId, filePaths: ['C:\\nowhere\\nothing.exe'] });
    expect(none.status).toBe('Successful');
    expect(none.keyFields['FileIDs']).toEqual([]);
  });

  it('lists the files of the caller’s virtual server only', async () => {
    const branch = h.emu.ksc.world.vserverByName('vs-branch')!;
    const branchHosts = new Set(h.emu.ksc.world.hostsOf(branch.id).map((x) => x.id));
    const result = await executeCommand(listQuarantineFiles, h.context('admin', 'vs-branch'), {});
    expect(result.status).toBe('Successful');
    const hosts = result.keyFields['SourceHosts'] as string[];
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.every((id) => branchHosts.has(id))).toBe(true);
    const mainIds = new Set(expected.map((e) => e['nId']));
    expect((result.keyFields['FileIDs'] as number[]).some((id) => mainIds.has(id))).toBe(false);
  });

  it('says which input is wrong, and that an unknown host is not found', async () => {
    const relative = await h.run(listQuarantineFiles, { filePaths: ['Test\\5.txt'] });
    expect(firstError(relative)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(relative).message).toMatch(/^The value for parameter \(filePaths\.0\) is invalid/);
    const unknown = await h.run(listQuarantineFiles, { hostId: 'NO-SUCH-HOST' });
    expect(unknown.status).toBe('Failed');
    expect(firstError(unknown)).toMatchObject({
      failureIndicator: 'List Quarantine Files failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    expect(firstError(unknown).message).toContain('NO-SUCH-HOST');
  });

  it('needs Kaspersky Endpoint Agent › Host Intrusion Prevention beyond Read (seed 001)', async () => {
    // The read-only analyst has every Read right, HIPS included, but not HIPS Write/Execute/selections.
    const denied = await h.run(listQuarantineFiles, {}, 'analyst');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    const responder = await h.run(listQuarantineFiles, {}, 'responder');
    expect(responder.keyFields['FileIDs']).toEqual(expected.map((e) => e['nId']));
  });
});
