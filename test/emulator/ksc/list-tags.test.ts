import { describe, expect, it } from 'vitest';
import type { KlArguments } from '../../../src/ksc/values.ts';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

describe.each(BACKENDS)('KSC emulator ListTags (%s)', (backend) => {
  const emu = useKscEmulator(backend);

  const hostsTags = (method: string, args: KlArguments) =>
    emu.admin.call(`HostsTags.ListTags.${method}`, args);

  it('adds, sets, renames and deletes host tags; GetTags and GetAllTags agree', async () => {
    const [a, b] = emu.ksc.world.hostsOf(0);
    if (a === undefined || b === undefined) throw new Error('too few hosts');
    expect((await hostsTags('GetAllTags', {}))['PxgRetVal']).toEqual([]);
    await hostsTags('AddTag', { szwTagValue: 'Finance' });
    await hostsTags('AddTag', { szwTagValue: 'Finance' });
    await hostsTags('SetTags', {
      pListItemsTags: [
        { KLTAGS_ITEM_ID: a.id, KLTAGS_TAGS: [{ KLTAGS_VALUE: 'Finance', KLTAGS_SET: true }] },
        {
          KLTAGS_ITEM_ID: b.id,
          KLTAGS_TAGS: [
            { KLTAGS_VALUE: 'Finance', KLTAGS_SET: true },
            { KLTAGS_VALUE: 'VIP', KLTAGS_SET: true },
          ],
        },
      ],
    });
    expect((await hostsTags('GetAllTags', {}))['PxgRetVal']).toEqual(['Finance', 'VIP']);
    expect((await hostsTags('GetTags', { pIdArray: [a.id, b.id] }))['PxgRetVal']).toEqual([
      { KLTAGS_ITEM_ID: a.id, KLTAGS_TAGS: ['Finance'] },
      { KLTAGS_ITEM_ID: b.id, KLTAGS_TAGS: ['Finance', 'VIP'] },
    ]);

    await hostsTags('SetTags', {
      pListItemsTags: [
        { KLTAGS_ITEM_ID: b.id, KLTAGS_TAGS: [{ KLTAGS_VALUE: 'Finance', KLTAGS_SET: false }] },
      ],
    });
    await hostsTags('SetTags', {
      pListItemsTags: [{ KLTAGS_ITEM_ID: a.id, KLTAGS_TAGS: [{ KLTAGS_VALUE: 'Lab', KLTAGS_SET: true }] }],
      pParams: { KLTAGS_FULL_REPLACE: true },
    });
    await hostsTags('RenameTag', { szwOldTagValue: 'VIP', szwNewTagValue: 'Executives' });
    expect((await hostsTags('GetTags', { pIdArray: [a.id, b.id] }))['PxgRetVal']).toEqual([
      { KLTAGS_ITEM_ID: a.id, KLTAGS_TAGS: ['Lab'] },
      { KLTAGS_ITEM_ID: b.id, KLTAGS_TAGS: ['Executives'] },
    ]);

    await hostsTags('DeleteTags2', { pTagValue: ['Executives', 'Lab'] });
    expect((await hostsTags('GetAllTags', {}))['PxgRetVal']).toEqual(['Finance']);
    expect((await hostsTags('GetTags', { pIdArray: [b.id] }))['PxgRetVal']).toEqual([
      { KLTAGS_ITEM_ID: b.id, KLTAGS_TAGS: [] },
    ]);
  });

  it('keeps lists apart, numbers inventory items, and refuses what KSC refuses', async () => {
    await emu.admin.call('InventoryTags.ListTags.SetTags', {
      pListItemsTags: [{ KLTAGS_ITEM_ID: 7, KLTAGS_TAGS: [{ KLTAGS_VALUE: 'Approved', KLTAGS_SET: true }] }],
    } as never);
    expect((await emu.admin.call('InventoryTags.ListTags.GetTags', { pIdArray: [7] }))['PxgRetVal']).toEqual([
      { KLTAGS_ITEM_ID: 7, KLTAGS_TAGS: ['Approved'] },
    ]);
    expect((await hostsTags('GetAllTags', {}))['PxgRetVal']).not.toContain('Approved');

    const noList = await failure(emu.admin.call('ListTags.GetAllTags', {}));
    expect(noList.pxgCode).toBe(1186);
    const empty = await failure(hostsTags('AddTag', { szwTagValue: ' ' }));
    expect(empty.pxgCode).toBe(1187);
    const unknownHost = await failure(hostsTags('GetTags', { pIdArray: ['no-such-host'] }));
    expect(unknownHost.pxgMessage).toBe("Unknown name of device 'no-such-host'");
    const missing = await failure(hostsTags('RenameTag', { szwOldTagValue: 'nope', szwNewTagValue: 'x' }));
    expect(missing.pxgCode).toBe(1186);
    const reader = await emu.session('analyst');
    const denied = await failure(reader.call('HostsTags.ListTags.AddTag', { szwTagValue: 'x' }));
    expect(denied.pxgCode).toBe(1184);
  });
});
