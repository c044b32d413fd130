import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExecutionFiles } from '../../../src/commands/ksc/list-execution-files.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;

const hex = (value: unknown) => Buffer.from(value as Uint8Array).toString('hex');

describe('list_execution_files', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let host: HostRecord;

  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    // A Windows host with KES: Application Control reports its system files (cmd.exe among them).
    host = h.emu.ksc.world.hostsOf(0).find((x) => x.products.some((p) => p.name === 'KES'))!;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(listExecutionFiles, listExecutionFiles.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('lists every file once, in the SrvView wire shape, with hashes as hex', async () => {
    const expected = await admin.viewAll('ACExeFilesSrvViewName', {
      fields: ['FILE_ID', 'FILE_NONEMPTY_NAME', 'FILE_HASH_SHA256', 'FILE_HASH_MD5', 'HOST_NAME'],
      order: [{ Name: 'FILE_ID', Asc: true }],
    });
    expect(expected.length).toBeGreaterThan(10);
    const result = await h.run(listExecutionFiles, {});
    expect(result.status).toBe('Successful');
    const items = (result.raw as { pRecords: { KLCSP_ITERATOR_ARRAY: { type: string; value: Item }[] } })
      .pRecords.KLCSP_ITERATOR_ARRAY;
    expect(items).toHaveLength(expected.length);
    expect(items[0]!.type).toBe('params');
    expect(items[0]!.value['FILE_HASH_SHA256']).toMatchObject({ type: 'binary' });
    expect(items[0]!.value['HST_FIRST_APPEAR']).toMatchObject({ type: 'datetime' });
    expect(result.keyFields).toEqual({
      FileIDs: expected.map((e) => e['FILE_ID']),
      FileNames: expected.map((e) => e['FILE_NONEMPTY_NAME']),
      FileHashesSHA256: expected.map((e) => hex(e['FILE_HASH_SHA256'])),
      FileHashesMD5: expected.map((e) => hex(e['FILE_HASH_MD5'])),
      HostIDs: [...new Set(expected.map((e) => e['HOST_NAME']))],
    });
    const context = result.context as Item[];
    expect(context[0]!['sha256']).toBe(hex(expected[0]!['FILE_HASH_SHA256']));
    expect(context[0]!['FILE_HASH_SHA256']).toBe(
      Buffer.from(expected[0]!['FILE_HASH_SHA256'] as Uint8Array).toString('base64'),
    );
    expect(result.result).toEqual({
      title: 'List Execution Files',
      columns: ['Execution Files Count'],
      rows: [[expected.length]],
    });
    const five = await h.run(listExecutionFiles, { limit: 5 });
    expect(five.keyFields['FileIDs']).toEqual(expected.slice(0, 5).map((e) => e['FILE_ID']));
  });

  it('lists the instances on one host named by display name, narrowed by a filter', async () => {
    const filter = `(HOST_NAME = "${host.id}")`;
    const all = await admin.viewAll('ACHostExeFilesSrvViewName', {
      filter,
      fields: ['FILE_ID'],
      order: [{ Name: 'FILE_ID', Asc: true }],
    });
    expect(all.length).toBeGreaterThan(3);
    const result = await h.run(listExecutionFiles, { hostId: host.attributes['KLHST_WKS_DN'] });
    expect(result.keyFields['FileIDs']).toEqual(all.map((e) => e['FILE_ID']));
    expect(result.keyFields['HostIDs']).toEqual([host.id]);
    // A bare comparison is valid filter text; it is combined with the host's part.
    const cmd = await h.run(listExecutionFiles, {
      hostId: host.id,
      filter: 'FILE_NONEMPTY_NAME = "CMD.EXE"',
    });
    expect(cmd.keyFields['FileNames']).toEqual(['cmd.exe']);
    expect(cmd.keyFields['HostIDs']).toEqual([host.id]);
    const fields = await h.run(listExecutionFiles, { hostId: host.id, fields: ['FILE_ID', 'FILE_PATH'] });
    expect(Object.keys((fields.context as Item[])[0]!).sort()).toEqual([
      'FILE_ID',
      'FILE_PATH',
      'md5',
      'sha256',
    ]);
  });

  it('reports an unknown host, a bad filter and bad input, and needs Basic functionality Read', async () => {
    const unknown = await h.run(listExecutionFiles, { hostId: 'NO-SUCH-HOST' });
    expect(firstError(unknown)).toMatchObject({
      failureIndicator: 'List Execution Files failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
    });
    const bad = await h.run(listExecutionFiles, { filter: '(FILE_ID = ' });
    expect(firstError(bad)).toMatchObject({ statusCode: 400 });
    const limit = await h.run(listExecutionFiles, { limit: 0 });
    expect(firstError(limit).message).toMatch(/^The value for parameter \(limit\) is invalid/);
    const denied = await h.run(listExecutionFiles, {}, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });
});
