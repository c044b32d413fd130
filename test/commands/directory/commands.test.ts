/**
 * The directory commands through `executeCommand` (validation, context checks, errors as results), on a real
 * DirectoryStore on SQLite and PostgreSQL, filled with checked events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import { commandByName } from '../../../src/commands/registry.ts';
import type { CommandContext } from '../../../src/commands/core/types.ts';
import {
  BACKENDS,
  INSTANCE,
  group,
  groupInfo,
  members,
  openStore,
  reset,
  user,
  userInfo,
  type Opened,
} from '../../directory/model/support.ts';

function command(name: string) {
  const found = commandByName(name);
  if (found === undefined) throw new Error(`no command ${name}`);
  return found;
}

describe.each(BACKENDS)('directory commands on %s', (backend) => {
  let opened: Opened;
  let ctx: CommandContext;

  beforeAll(async () => {
    opened = await openStore(backend, 'dir_cmds');
    await opened.store.apply([
      userInfo(1, 1),
      userInfo(2, 1),
      userInfo(3, 1, { displayName: 'User 2' }),
      groupInfo(1, 1, { displayName: 'Admins' }),
      groupInfo(2, 1, { displayName: 'Everyone' }),
      members('ds_group_members', group(1), [user(1)], 2),
      members('ds_group_members', group(2), [group(1), user(2)], 2),
    ]);
    ctx = { now: Date.now, directory: opened.store };
  });
  afterAll(async () => opened?.close());

  it('directory_get_user finds a user by UPN with direct and transitive groups', async () => {
    const result = await executeCommand(command('directory_get_user'), ctx, { user: 'USER1@example.com' });
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toMatchObject({
      UPNs: ['user1@example.com'],
      DisplayNames: ['User 1'],
      GroupNames: ['Admins', 'Everyone'],
      Ambiguous: false,
      ResetInProgress: false,
      ResetNotice: null,
    });
    const [found] = result.context as {
      directGroups: { displayName: string }[];
      groups: { depth: number }[];
    }[];
    expect(found!.directGroups.map((g) => g.displayName)).toEqual(['Admins']);
    expect(found!.groups.map((g) => g.depth)).toEqual([1, 2]);
  });

  it('directory_get_user answers every match of an ambiguous name, never one picked', async () => {
    const result = await executeCommand(command('directory_get_user'), ctx, { user: 'user 2' });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['Ambiguous']).toBe(true);
    expect(result.keyFields['UPNs']).toEqual(['user2@example.com', 'user3@example.com']);
  });

  it('directory_get_user by trustee id:sfx, SID-less DOMAIN\\name and NOT_FOUND naming the value', async () => {
    const bySam = await executeCommand(command('directory_get_user'), ctx, { user: 'EXAMPLE\\user1' });
    expect(bySam.keyFields['UPNs']).toEqual(['user1@example.com']);
    const missing = await executeCommand(command('directory_get_user'), ctx, { user: 'nobody@example.com' });
    expect(missing.status).toBe('Failed');
    expect(missing.errors[0]).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    expect(missing.errors[0]!.message).toContain('nobody@example.com');
  });

  it('directory_list_users pages with a cursor and searches', async () => {
    const first = await executeCommand(command('directory_list_users'), ctx, { limit: 2 });
    expect(first.keyFields['Count']).toBe(2);
    const next = first.keyFields['NextCursor'];
    expect(typeof next).toBe('string');
    const second = await executeCommand(command('directory_list_users'), ctx, { limit: 2, cursor: next });
    expect(second.keyFields['Count']).toBe(1);
    expect(second.keyFields['NextCursor']).toBeNull();
    const searched = await executeCommand(command('directory_list_groups'), ctx, { search: 'admin' });
    expect(searched.keyFields['Names']).toEqual(['Admins']);
  });

  it('directory_get_group_members: direct or transitive', async () => {
    const direct = await executeCommand(command('directory_get_group_members'), ctx, { group: 'Everyone' });
    expect(direct.keyFields['MemberNames']).toEqual(['User 2', 'Admins']);
    const all = await executeCommand(command('directory_get_group_members'), ctx, {
      group: 'everyone',
      transitive: true,
    });
    expect([...(all.keyFields['MemberNames'] as string[])].sort()).toEqual(['Admins', 'User 1', 'User 2']);
  });

  it('a reset in progress is said by every answer, which comes from the complete generation', async () => {
    await opened.store.apply([reset('ds_info_reset', 10), userInfo(1, 11)]);
    const status = await executeCommand(command('directory_status'), ctx, {});
    expect(status.keyFields).toMatchObject({ InstancesCount: 1, Users: 3, Groups: 2, ResetInProgress: true });
    const lookup = await executeCommand(command('directory_get_user'), ctx, { user: 'user1@example.com' });
    expect(lookup.keyFields['ResetInProgress']).toBe(true);
    expect(lookup.keyFields['ResetNotice']).toContain('last complete generation');
    expect(lookup.keyFields['GroupNames']).toEqual(['Admins', 'Everyone']);

    const abandon = command('directory_abandon_reset');
    const done = await executeCommand(abandon, ctx, { ...INSTANCE, idempotencyKey: 'k1' });
    expect(done.status).toBe('Successful');
    expect(done.keyFields['EventsDropped']).toBe(1);
    const again = await executeCommand(abandon, ctx, INSTANCE);
    expect(again.errors[0]).toMatchObject({ code: 'CONFLICT' });
    const after = await executeCommand(command('directory_status'), ctx, {});
    expect(after.keyFields['ResetInProgress']).toBe(false);
  });
});

describe('directory commands without a directory store', () => {
  it('fail before they start with a typed error that says what to configure', async () => {
    const result = await executeCommand(command('directory_status'), { now: Date.now }, {});
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', statusCode: 503 });
    expect(result.errors[0]!.message).toContain('no directory store: configure `directory:`');
  });
});
