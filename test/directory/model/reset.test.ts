/**
 * The reset protocol on both backends: queries answer from the last complete generation while a reset is open,
 * completion leaves exactly the republished directory, an abandoned reset keeps the old one, a second reset
 * restarts the first.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NoResetInProgressError } from '../../../src/directory/model/index.ts';
import {
  BACKENDS,
  group,
  groupInfo,
  INSTANCE,
  members,
  openStore,
  reset,
  snapshot,
  user,
  userInfo,
  type Opened,
  useStore,
} from './support.ts';

describe.each(BACKENDS)('directory reset on %s', (backend) => {
  let now = 1_000_000;
  const opened = useStore(backend, 'directory_reset', { per: 'test', now: () => now });
  beforeEach(async () => {
    await opened.store.apply([
      userInfo(1, 1),
      userInfo(2, 1),
      userInfo(3, 1),
      groupInfo(1, 1),
      groupInfo(2, 1),
      members('ds_group_members', group(1), [user(1), user(2), group(2)], 2),
      members('ds_group_members', group(2), [user(3)], 2),
    ]);
  });

  /** What a fresh directory shows after the republication alone. */
  async function expected(events: Parameters<Opened['store']['apply']>[0]): Promise<unknown> {
    const fresh = await openStore(backend, 'directory_reset_expected');
    try {
      await fresh.store.apply(events);
      return await snapshot(fresh.store);
    } finally {
      await fresh.close();
    }
  }

  it('answers from the old generation during the reset and ends in exactly the republished directory', async () => {
    const { store } = opened;
    const before = await snapshot(store);
    now += 5000;
    expect(await store.apply([reset('ds_info_reset', 100)])).toEqual(['applied']);
    // Republished: user 2 and group 2 are gone, user 1 renamed, user 4 new, memberships changed.
    const republished = [
      userInfo(1, 101, { displayName: 'User One' }),
      userInfo(3, 101),
      userInfo(4, 101),
      groupInfo(1, 101),
      members('ds_group_members', group(1), [user(1), user(4)], 102),
      members('ds_group_members', group(1), [user(3)], 103),
    ];
    await store.apply(republished);
    expect(await snapshot(store)).toEqual(before);
    now += 2500;
    const during = (await store.status()).instances[0]!;
    expect(during).toMatchObject({
      generation: 1,
      users: 3,
      groups: 2,
      resetInProgress: {
        since: '2024-09-13T09:46:02.000000000Z',
        ageMs: 2500,
        eventsReceived: 6,
        pendingGeneration: 2,
      },
    });
    // A late event from before the reset changes neither generation.
    expect(await store.apply([userInfo(2, 50, { displayName: 'late' })])).toEqual(['stale']);
    expect(await store.apply([reset('ds_info_reset_complete', 110)])).toEqual(['applied']);
    const after = (await store.status()).instances[0]!;
    expect(after).toMatchObject({
      generation: 2,
      users: 3,
      groups: 1,
      memberships: 3,
      resetInProgress: undefined,
    });
    expect(await snapshot(store)).toEqual(await expected(republished));
    expect((await store.getUser('user2@example.com')).candidates).toEqual([]);
    // A completion arriving again, or one with no reset open, changes nothing.
    expect(await store.apply([reset('ds_info_reset_complete', 120)])).toEqual(['stale']);
  });

  it('an abandoned reset keeps the old generation; abandoning with none open is refused', async () => {
    const { store } = opened;
    const before = await snapshot(store);
    await store.apply([reset('ds_info_reset', 100), userInfo(9, 101)]);
    await store.abandonReset(INSTANCE);
    expect(await snapshot(store)).toEqual(before);
    const status = (await store.status()).instances[0]!;
    expect(status).toMatchObject({ generation: 1, users: 3, resetInProgress: undefined });
    await expect(store.abandonReset(INSTANCE)).rejects.toBeInstanceOf(NoResetInProgressError);
    // The complete of the abandoned reset, arriving after all, has nothing to complete.
    expect(await store.apply([reset('ds_info_reset_complete', 110)])).toEqual(['stale']);
    expect(await snapshot(store)).toEqual(before);
  });

  it('a second reset while one is open restarts it: only what follows the second is the new directory', async () => {
    const { store } = opened;
    await store.apply([reset('ds_info_reset', 100), userInfo(7, 101)]);
    await store.apply([reset('ds_info_reset', 200), userInfo(8, 201)]);
    expect((await store.status()).instances[0]!.resetInProgress).toMatchObject({ eventsReceived: 1 });
    // An older reset arriving late is stale and does not restart it again.
    expect(await store.apply([reset('ds_info_reset', 150)])).toEqual(['stale']);
    await store.apply([reset('ds_info_reset_complete', 210)]);
    expect(await snapshot(store)).toEqual(await expected([userInfo(8, 201)]));
  });
});
