import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanQuarantinedFiles } from '../../../src/commands/ksc/scan-quarantined-files.ts';
import type { KscCaller } from '../../support/ksc-emulator.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Item = Record<string, unknown>;
interface Work {
  kind: string;
  payload: { itemId?: number };
}

describe('scan_quarantined_files', () => {
  let h: CommandHarness;
  let admin: KscCaller;
  let ids: number[];

  const pendingScans = async (itemId: number) => {
    const work = (await h.emu.control('GET', '/__emulator/agents/work')).body as { pending: Work[] };
    return work.pending.filter((w) => w.kind === 'list.ScanQuarantine' && w.payload.itemId === itemId).length;
  };
  const itemInfo = async (itemId: number) =>
    (await admin.call('QBTNetworkListApi.GetListItemInfo', { itemId }))['PxgRetVal'] as Item;

  beforeAll(async () => {
    h = await startCommandHarness();
    admin = await h.emu.session('admin');
    const items = await admin.viewAll('Quarantine', { fields: ['nId'], order: [{ Name: 'nId', Asc: true }] });
    // The example scans its own file: the tests use the others.
    const example = new Set<unknown>(scanQuarantinedFiles.example.fileIds);
    ids = items.map((i) => i['nId'] as number).filter((id) => !example.has(id));
    expect(ids.length).toBeGreaterThanOrEqual(5);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('runs its example on the emulator’s world', async () => {
    const result = await h.run(scanQuarantinedFiles, scanQuarantinedFiles.example);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('Successful');
  });

  it('queues a scan per file, reports an unknown id as 404 and the rest as seed 001 shows', async () => {
    const [a, b] = [ids[0]!, ids[1]!];
    const result = await h.run(scanQuarantinedFiles, { fileIds: [a, 999_999, b] });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toHaveLength(1);
    expect(firstError(result)).toMatchObject({
      failureIndicator: 'Scan Quarantined Files failed.',
      statusCode: 404,
      code: 'NOT_FOUND',
      item: '999999',
    });
    expect(firstError(result).message).toContain("Wrong identificator of the list's item.");
    const raw = result.raw as { results: { fileID: number; message: string; state: string }[] };
    expect(raw.results.map((r) => r.fileID)).toEqual([a, b]);
    expect(raw.results.every((r) => r.state === 'queued' && r.message.includes('next agent sync'))).toBe(
      true,
    );
    expect(result.keyFields).toEqual({ FileIDs: [a, b] });
    expect(result.result).toEqual({
      title: 'Scan Quarantined Files',
      columns: ['FILEID', 'MESSAGE'],
      rows: raw.results.map((r) => [r.fileID, r.message]),
    });
    const context = result.context as Item[];
    expect(context[0]).toMatchObject({ fileID: a, action: 'ScanQuarantine', state: 'queued' });
    expect(context[0]!['hostId']).toBe((await itemInfo(a))['strHostName']);
    // Queued for the hosts, not done yet.
    expect(await pendingScans(a)).toBe(1);
    expect(await pendingScans(b)).toBe(1);
  });

  it('waits until the host has rescanned the file', async () => {
    const id = ids[2]!;
    const before = await itemInfo(id);
    const result = await h.run(scanQuarantinedFiles, { fileIds: [id], wait: true, waitTimeoutSeconds: 600 });
    expect(result.status).toBe('Successful');
    const after = await itemInfo(id);
    const checked = after['QBLastCheckBaseDate'] as Date;
    expect(checked).toBeInstanceOf(Date);
    const previous = before['QBLastCheckBaseDate'] as Date | undefined;
    if (previous !== undefined) expect(checked.getTime()).toBeGreaterThan(previous.getTime());
    const raw = result.raw as { results: { fileID: number; message: string; state: string }[] };
    expect(raw.results).toEqual([
      { fileID: id, state: 'done', message: `Scanned at ${checked.toISOString()}.` },
    ]);
    expect(await pendingScans(id)).toBe(0);
    const context = result.context as Item[];
    expect((context[0]!['after'] as Item)['iObjStatus']).toBe(after['iObjStatus']);
  });

  it('acts once per idempotency key', async () => {
    const id = ids[3]!;
    const input = { fileIds: [id], idempotencyKey: 'scan-once-1' };
    const first = await h.run(scanQuarantinedFiles, input);
    const again = await h.run(scanQuarantinedFiles, input);
    expect(again).toEqual(first);
    expect(await pendingScans(id)).toBe(1);
    await h.run(scanQuarantinedFiles, { ...input, idempotencyKey: 'scan-once-2' });
    expect(await pendingScans(id)).toBe(2);
  });

  it('needs Basic functionality Write, and names bad input', async () => {
    const id = ids[4]!;
    const denied = await h.run(scanQuarantinedFiles, { fileIds: [id] }, 'reader');
    expect(denied.status).toBe('Failed');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED', item: String(id) });
    expect(await pendingScans(id)).toBe(0);

    const empty = await h.run(scanQuarantinedFiles, { fileIds: [] });
    expect(firstError(empty)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(empty).message).toMatch(/^The value for parameter \(fileIds\) is invalid/);
    const text = await h.run(scanQuarantinedFiles, { fileIds: ['31'] });
    expect(firstError(text).message).toMatch(/^The value for parameter \(fileIds\.0\) is invalid/);
  });

  it('does not reach another virtual server’s files', async () => {
    const branch = await h.emu.session('admin', 'vs-branch');
    const [foreign] = await branch.viewAll('Quarantine', { fields: ['nId'] });
    const id = foreign!['nId'] as number;
    const result = await h.run(scanQuarantinedFiles, { fileIds: [id] });
    expect(result.status).toBe('Failed');
    expect(firstError(result)).toMatchObject({ statusCode: 404, item: String(id) });
    expect(await pendingScans(id)).toBe(0);
  });
});
