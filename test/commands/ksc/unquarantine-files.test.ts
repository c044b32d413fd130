import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unquarantineFiles } from '../../../src/commands/ksc/unquarantine-files.ts';
import { failure, type KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;
interface Work {
  kind: string;
  payload: { itemId?: number };
}

describe('unquarantine_files', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let items: Item[];

  const pendingRestores = async (itemId: number) => {
    const work = (await h.emu.control('GET', '/__emulator/agents/work')).body as { pending: Work[] };
    return work.pending.filter((w) => w.kind === 'list.RestoreObj' && w.payload.itemId === itemId).length;
  };
  const pathOf = (item: Item) => `${item['szRestorePath'] as string}${item['szFileTitle'] as string}`;

  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    // The example restores its own file: the tests use the others.
    const example = new Set<unknown>(unquarantineFiles.example.fileIds);
    items = (
      await admin.viewAll('Quarantine', {
        fields: ['nId', 'strHostName', 'szRestorePath', 'szFileTitle'],
        order: [{ Name: 'nId', Asc: true }],
      })
    ).filter((i) => !example.has(i['nId']));
    expect(items.length).toBeGreaterThanOrEqual(5);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(unquarantineFiles, unquarantineFiles.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('queues a restore per file, with seed 001’s fileID and message, and a 404 for an unknown id', async () => {
    const item = items[0]!;
    const id = item['nId'] as number;
    const result = await h.run(unquarantineFiles, { fileIds: [id, 424_242] });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toHaveLength(1);
    expect(firstError(result)).toMatchObject({
      failureIndicator: 'Unquarantine Files failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
      item: '424242',
    });
    const raw = result.raw as { results: Item[] };
    expect(raw.results).toEqual([
      {
        fileID: id,
        state: 'queued',
        message: `Restore queued: the host restores ${pathOf(item)} at its next agent sync.`,
      },
    ]);
    expect(result.keyFields).toEqual({ FileIDs: [id] });
    expect(result.result).toEqual({
      title: 'Unquarantine Files',
      columns: ['FILEID', 'MESSAGE'],
      rows: [[id, raw.results[0]!['message']]],
    });
    expect(result.context).toEqual([
      expect.objectContaining({ fileID: id, hostId: item['strHostName'], filePath: pathOf(item) }),
    ]);
    expect(await pendingRestores(id)).toBe(1);
  });

  it('waits until the file has left the quarantine, and a restored file is then not found', async () => {
    const item = items[1]!;
    const id = item['nId'] as number;
    const result = await h.run(unquarantineFiles, { fileIds: [id], wait: true });
    expect(result.status).toBe('Successful');
    expect((result.raw as { results: Item[] }).results).toEqual([
      { fileID: id, state: 'done', message: `Restored to ${pathOf(item)}.` },
    ]);
    const gone = await failure(admin.call('QBTNetworkListApi.GetListItemInfo', { itemId: id }));
    expect(gone.pxgCode).toBe(1186);

    const again = await h.run(unquarantineFiles, { fileIds: [id] });
    expect(again.status).toBe('Failed');
    expect(firstError(again)).toMatchObject({ statusCode: 404, item: String(id) });
  });

  it('acts once per idempotency key', async () => {
    const id = items[2]!['nId'] as number;
    const input = { fileIds: [id], idempotencyKey: 'restore-once' };
    const first = await h.run(unquarantineFiles, input);
    expect(first.status).toBe('Successful');
    expect(await h.run(unquarantineFiles, input)).toEqual(first);
    expect(await pendingRestores(id)).toBe(1);
  });

  it('needs Basic functionality Read and the Managed devices scope (seed 001)', async () => {
    const id = items[3]!['nId'] as number;
    for (const user of ['no-rights', 'server-only']) {
      const denied = await h.run(unquarantineFiles, { fileIds: [id] }, user);
      expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED', item: String(id) });
    }
    expect(await pendingRestores(id)).toBe(0);
    const reader = await h.run(unquarantineFiles, { fileIds: [id] }, 'reader');
    expect(reader.status).toBe('Successful');
    expect(await pendingRestores(id)).toBe(1);
  });

  it('names bad input', async () => {
    const negative = await h.run(unquarantineFiles, { fileIds: [-1] });
    expect(firstError(negative)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(negative).message).toMatch(/^The value for parameter \(fileIds\.0\) is invalid/);
    const timeout = await h.run(unquarantineFiles, { fileIds: [1], wait: true, waitTimeoutSeconds: 0 });
    expect(firstError(timeout).message).toMatch(/^The value for parameter \(waitTimeoutSeconds\) is invalid/);
  });
});
