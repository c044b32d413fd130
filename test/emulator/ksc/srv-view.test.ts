import { describe, expect, it } from 'vitest';
import { BACKENDS, type KscCaller, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

describe.each(BACKENDS)('SrvView result sets (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  const open = async (caller: KscCaller, view = 'Quarantine'): Promise<string> =>
    (
      await caller.call('SrvView.ResetIterator', {
        wstrViewName: view,
        wstrFilter: '',
        vecFieldsToReturn: ['nId'],
        vecFieldsToOrder: [{ Name: 'nId', Asc: true }],
        pParams: {},
        lifetimeSec: 60,
      })
    )['wstrIteratorId'] as string;
  const range = async (caller: KscCaller, wstrIteratorId: string, nStart: number, nEnd: number) =>
    (
      (await caller.call('SrvView.GetRecordRange', { wstrIteratorId, nStart, nEnd }))['pRecords'] as {
        KLCSP_ITERATOR_ARRAY: Item[];
      }
    ).KLCSP_ITERATOR_ARRAY;

  it('serves [nStart, nEnd), tolerates an end past the count, and agrees with GetRecordCount', async () => {
    const id = await open(emu.admin);
    const count = (await emu.admin.call('SrvView.GetRecordCount', { wstrIteratorId: id }))[
      'PxgRetVal'
    ] as number;
    expect(count).toBeGreaterThan(3);
    const first = await range(emu.admin, id, 0, 3);
    expect(first).toHaveLength(3);
    const next = await range(emu.admin, id, 3, 4);
    expect(next).toHaveLength(1);
    expect(next[0]?.['nId'] as number).toBeGreaterThan(first[2]?.['nId'] as number);
    expect(await range(emu.admin, id, 0, count + 1000)).toHaveLength(count);
    expect(await range(emu.admin, id, count, count + 10)).toHaveLength(0);
  });

  it('forgets a released result set, and keeps one session’s result set from another', async () => {
    const id = await open(emu.admin);
    const other = await emu.session('admin');
    expect((await failure(other.call('SrvView.GetRecordCount', { wstrIteratorId: id }))).pxgCode).toBe(1186);
    await emu.admin.call('SrvView.ReleaseIterator', { wstrIteratorId: id });
    expect((await failure(emu.admin.call('SrvView.GetRecordCount', { wstrIteratorId: id }))).pxgCode).toBe(
      1186,
    );
  });

  it('names the argument of a view it does not know', async () => {
    const error = await failure(open(emu.admin, 'NoSuchSrvViewName'));
    expect(error.pxgMessage).toBe('Bad parameter "wstrViewName"');
  });
});
