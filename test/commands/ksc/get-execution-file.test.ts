import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getExecutionFile } from '../../../src/commands/ksc/get-execution-file.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;

const hex = (value: unknown) => Buffer.from(value as Uint8Array).toString('hex');

describe('get_execution_file', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let host: HostRecord;
  let instances: Item[];

  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    host = h.emu.ksc.world.hostsOf(0).find((x) => x.products.some((p) => p.name === 'KES'))!;
    instances = await admin.viewAll('ACHostExeFilesSrvViewName', {
      filter: `(HOST_NAME = "${host.id}")`,
      fields: ['FILE_ID', 'FILE_NONEMPTY_NAME', 'FILE_HASH_SHA256', 'FILE_HASH_MD5', 'HST_FIRST_APPEAR'],
      order: [{ Name: 'FILE_ID', Asc: true }],
    });
    expect(instances.length).toBeGreaterThan(2);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(getExecutionFile, getExecutionFile.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('describes each file on the host, and reports an id the host does not have as 404', async () => {
    const [a, b] = [instances[0]!, instances[1]!];
    const ids = [a['FILE_ID'] as number, 7, b['FILE_ID'] as number];
    const result = await h.run(getExecutionFile, { hostId: host.attributes['KLHST_WKS_DN'], fileIds: ids });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toHaveLength(1);
    expect(firstError(result)).toMatchObject({
      failureIndicator: 'Get Execution File failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
      item: '7',
    });
    const raw = (result.raw as { results: { fileID: number; hostId: string; PxgRetVal: Item }[] }).results;
    expect(raw.map((r) => [r.fileID, r.hostId])).toEqual([
      [a['FILE_ID'], host.id],
      [b['FILE_ID'], host.id],
    ]);
    expect(raw[0]!.PxgRetVal['FILE_HASH_SHA256']).toMatchObject({ type: 'binary' });
    expect(raw[0]!.PxgRetVal['HST_FIRST_APPEAR']).toEqual({
      type: 'datetime',
      value: (a['HST_FIRST_APPEAR'] as Date).toISOString().replace('.000Z', 'Z'),
    });
    expect(result.keyFields).toEqual({
      FileIDs: [a['FILE_ID'], b['FILE_ID']],
      FileNames: [a['FILE_NONEMPTY_NAME'], b['FILE_NONEMPTY_NAME']],
      FileHashesSHA256: [hex(a['FILE_HASH_SHA256']), hex(b['FILE_HASH_SHA256'])],
      FileHashesMD5: [hex(a['FILE_HASH_MD5']), hex(b['FILE_HASH_MD5'])],
      HostIDs: [host.id],
    });
    expect(result.result.title).toBe('Get Execution File');
    expect(result.result.columns).toEqual([
      'FILE_ID',
      'FILE_NONEMPTY_NAME',
      'FILE_VERSIONRAW',
      'ORGANIZATION_NAME',
      'TRUSTED_GROUP',
      'SHA256',
    ]);
    expect(result.result.rows.map((r) => [r[0], r[5]])).toEqual([
      [a['FILE_ID'], hex(a['FILE_HASH_SHA256'])],
      [b['FILE_ID'], hex(b['FILE_HASH_SHA256'])],
    ]);
  });

  it('without a host returns the attributes the file has everywhere', async () => {
    const [file] = await admin.viewAll('ACExeFilesSrvViewName', {
      fields: ['FILE_ID', 'HOST_NAME'],
      order: [{ Name: 'FILE_ID', Asc: true }],
    });
    const result = await h.run(getExecutionFile, { fileIds: [file!['FILE_ID']] });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['FileIDs']).toEqual([file!['FILE_ID']]);
    // The common record names the host the file first appeared on.
    expect(result.keyFields['HostIDs']).toEqual([file!['HOST_NAME']]);
    expect((result.context as Item[])[0]).toMatchObject({ fileID: file!['FILE_ID'], hostId: null });
  });

  it('reports an unknown host, bad input and missing rights', async () => {
    const unknown = await h.run(getExecutionFile, { hostId: 'NO-SUCH-HOST', fileIds: [1] });
    expect(firstError(unknown)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const none = await h.run(getExecutionFile, { hostId: host.id, fileIds: [] });
    expect(firstError(none).message).toMatch(/^The value for parameter \(fileIds\) is invalid/);
    const denied = await h.run(
      getExecutionFile,
      { hostId: host.id, fileIds: [instances[0]!['FILE_ID']] },
      'no-rights',
    );
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    // Without the Managed devices scope the server refuses the file itself, id by id.
    const serverOnly = await h.run(getExecutionFile, { fileIds: [instances[0]!['FILE_ID']] }, 'server-only');
    expect(serverOnly.status).toBe('Failed');
    expect(firstError(serverOnly)).toMatchObject({
      statusCode: 403,
      code: 'ACCESS_DENIED',
      item: String(instances[0]!['FILE_ID']),
    });
  });
});
