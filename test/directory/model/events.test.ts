/**
 * Every event type on both backends: descriptions, memberships from both sides and their removal, deletions that
 * take memberships both ways, duplicates, late events that must not resurrect, nesting with cycles, conflicts.
 */
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '../../../src/directory/model/index.ts';
import {
  BACKENDS,
  deleted,
  group,
  groupInfo,
  memberOf,
  members,
  user,
  userInfo,
  useStore,
} from './support.ts';

describe.each(BACKENDS)('directory events on %s', (backend) => {
  const opened = useStore(backend, 'directory_events', { per: 'test' });

  const groupsOf = async (upn: string) =>
    (await opened.store.getUser(upn)).candidates[0]?.groups.map(
      (g) => `${g.object.info.samName}@${g.depth}`,
    ) ?? [];

  it('memberships come from ds_group_members and ds_obj_memberof and go with their _deleted signals', async () => {
    const { store } = opened;
    await store.apply([userInfo(1, 1), groupInfo(1, 1), groupInfo(2, 1), groupInfo(3, 1)]);
    await store.apply([
      members('ds_group_members', group(1), [user(1)], 2),
      memberOf('ds_obj_memberof', user(1), [group(2), group(3)], 3),
    ]);
    expect(await groupsOf('user1@example.com')).toEqual(['GROUP1@1', 'GROUP2@1', 'GROUP3@1']);
    expect(
      await store.apply([
        members('ds_group_members_deleted', group(2), [user(1)], 4),
        memberOf('ds_obj_memberof_deleted', user(1), [group(1)], 5),
      ]),
    ).toEqual(['applied', 'applied']);
    expect(await groupsOf('user1@example.com')).toEqual(['GROUP3@1']);
  });

  it('ds_obj_deleted removes the object and its memberships both ways; a late info or membership does not resurrect', async () => {
    const { store } = opened;
    await store.apply([userInfo(1, 1), groupInfo(1, 1), groupInfo(2, 1)]);
    await store.apply([
      members('ds_group_members', group(1), [user(1), group(2)], 2),
      members('ds_group_members', group(2), [user(1)], 2),
    ]);
    expect(await groupsOf('user1@example.com')).toEqual(['GROUP1@1', 'GROUP2@1']);
    // Group 2 goes: user 1 loses it, group 1 loses it as a member.
    expect(await store.apply([deleted([group(2)], 10)])).toEqual(['applied']);
    expect(await groupsOf('user1@example.com')).toEqual(['GROUP1@1']);
    expect(
      (await store.groupMembers('GROUP1')).candidates[0]!.members.map((m) => m.object.info.samName),
    ).toEqual(['USER1']);
    expect((await store.groupMembers('group2')).candidates).toEqual([]);
    // Late (older) events about group 2 change nothing.
    expect(
      await store.apply([
        groupInfo(2, 5),
        members('ds_group_members', group(2), [user(1)], 6),
        memberOf('ds_obj_memberof', user(1), [group(2)], 7),
      ]),
    ).toEqual(['stale', 'stale', 'stale']);
    expect(await groupsOf('user1@example.com')).toEqual(['GROUP1@1']);
    // The user deleted, then its description arrives late: stays gone.
    await store.apply([deleted([{ kscTrusteeId: '1001', kscTrusteeSfx: '65536' }], 20)]);
    expect(await store.apply([userInfo(1, 15, { displayName: 'late' })])).toEqual(['stale']);
    expect((await store.getUser('user1@example.com')).candidates).toEqual([]);
    // A newer description brings it back, without the memberships the deletion took.
    expect(await store.apply([userInfo(1, 30)])).toEqual(['applied']);
    expect(await groupsOf('user1@example.com')).toEqual([]);
  });

  it('a late ds_group_members never resurrects a membership a newer _deleted removed', async () => {
    const { store } = opened;
    await store.apply([userInfo(1, 1), groupInfo(1, 1)]);
    expect(await store.apply([members('ds_group_members_deleted', group(1), [user(1)], 10)])).toEqual([
      'applied',
    ]);
    expect(await store.apply([members('ds_group_members', group(1), [user(1)], 5)])).toEqual(['stale']);
    expect(await groupsOf('user1@example.com')).toEqual([]);
  });

  it('a deletion that arrives before the description it follows leaves a tombstone', async () => {
    const { store } = opened;
    expect(await store.apply([deleted([user(1)], 10), userInfo(1, 5)])).toEqual(['applied', 'stale']);
    expect((await store.getUser('user1@example.com')).candidates).toEqual([]);
  });

  it('ties in time are broken by id: the larger id is the newer event', async () => {
    const { store } = opened;
    const a = { ...userInfo(1, 1, { displayName: 'A' }), id: 'a' };
    const b = { ...userInfo(1, 1, { displayName: 'B' }), id: 'b' };
    expect(await store.apply([b, a])).toEqual(['applied', 'stale']);
    expect((await store.getUser('user1@example.com')).candidates[0]!.user.info.displayName).toBe('B');
  });

  it('redelivery is a duplicate and counted', async () => {
    const { store } = opened;
    const event = userInfo(1, 1);
    expect(await store.apply([event, event, { ...event }])).toEqual(['applied', 'duplicate', 'duplicate']);
    expect((await store.status()).instances[0]!.events).toEqual({ applied: 1, duplicate: 2, stale: 0 });
  });

  it('nesting: six levels transitively, cycles end the walk, direct vs transitive members', async () => {
    const { store } = opened;
    await store.apply([userInfo(1, 1), ...[1, 2, 3, 4, 5, 6].map((n) => groupInfo(n, 1))]);
    await store.apply([members('ds_group_members', group(1), [user(1)], 2)]);
    for (let n = 1; n < 6; n++) await store.apply([members('ds_group_members', group(n + 1), [group(n)], 2)]);
    // A cycle: group 1 is in group 6, which (through 2..5) contains group 1.
    await store.apply([members('ds_group_members', group(1), [group(6)], 3)]);
    expect(await groupsOf('user1@example.com')).toEqual([
      'GROUP1@1',
      'GROUP2@2',
      'GROUP3@3',
      'GROUP4@4',
      'GROUP5@5',
      'GROUP6@6',
    ]);
    const direct = await store.groupMembers('group6');
    expect(direct.candidates[0]!.members.map((m) => m.object.info.samName)).toEqual(['GROUP5']);
    const all = await store.groupMembers('group6', { transitive: true });
    expect(all.candidates[0]!.members.map((m) => `${m.object.info.samName}@${m.depth}`)).toEqual([
      'GROUP5@1',
      'GROUP4@2',
      'GROUP3@3',
      'GROUP2@4',
      'GROUP1@5',
      'USER1@6',
    ]);
    expect(all.candidates[0]!.depthLimited).toBe(false);
    expect(MAX_NESTING_DEPTH).toBeGreaterThanOrEqual(6);
  });

  it('ambiguous display names return every candidate', async () => {
    const { store } = opened;
    await store.apply([
      userInfo(1, 1, { displayName: 'Alex Doe' }),
      userInfo(2, 1, { displayName: 'alex doe' }),
    ]);
    const found = await store.getUser('Alex Doe');
    expect(found.candidates.map((c) => c.user.info.upn).sort()).toEqual([
      'user1@example.com',
      'user2@example.com',
    ]);
    expect(found.candidates[0]!.matchedBy).toEqual(['display_name']);
  });

  it('identifiers reconcile: a membership naming one object by two identifiers merges the placeholders', async () => {
    const { store } = opened;
    await store.apply([
      members('ds_group_members', group(1), [{ sidHash: 'sidhash-u1' }], 1),
      members('ds_group_members', group(2), [{ kscTrusteeId: '1001', kscTrusteeSfx: '65536' }], 1),
      groupInfo(1, 2),
      groupInfo(2, 2),
    ]);
    // The description links trustee, uid and sid_hash: the two placeholders were one user.
    await store.apply([userInfo(1, 3)]);
    expect(await groupsOf('user1@example.com')).toEqual(['GROUP1@1', 'GROUP2@1']);
    expect((await store.status()).instances[0]).toMatchObject({ users: 1, groups: 2, memberships: 2 });
  });

  it('conflict: two described objects claiming one uid — the newest description takes it, both stay', async () => {
    const { store } = opened;
    await store.apply([userInfo(1, 1), userInfo(2, 2, { uid: userInfo(1, 0).info.uid! })]);
    const byUid = await store.getUser(userInfo(1, 0).info.uid!);
    expect(byUid.candidates.map((c) => c.user.info.upn)).toEqual(['user2@example.com']);
    expect((await store.getUser('user1@example.com')).candidates).toHaveLength(1);
    expect((await store.status()).instances[0]!.users).toBe(2);
  });

  it('lists page by cursor and search', async () => {
    const { store } = opened;
    await store.apply(Array.from({ length: 25 }, (_, i) => userInfo(i + 1, 1)));
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await store.listUsers({ limit: 10, ...(cursor === undefined ? {} : { cursor }) });
      pages.push(page.items.length);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(pages).toEqual([10, 10, 5]);
    const found = await store.listUsers({ search: 'USER2' });
    expect(found.items.map((u) => u.info.samName).sort()).toEqual([
      'USER2',
      'USER20',
      'USER21',
      'USER22',
      'USER23',
      'USER24',
      'USER25',
    ]);
    expect((await store.listUsers({ search: '100%_' })).items).toEqual([]);
  });
});
