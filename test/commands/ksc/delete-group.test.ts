import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteGroup } from '../../../src/commands/ksc/delete-group.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

describe('delete_group', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const world = () => h.emu.ksc.world;
  async function newGroup(name: string, parentId = 0): Promise<number> {
    const admin = await h.emu.session();
    return (await admin.call('HostGroup.AddGroup', { pInfo: { name, parentId } }))['PxgRetVal'] as number;
  }

  it('starts the removal and returns the action id and "running" at once', async () => {
    const id = await newGroup('Short-lived');
    const result = await h.run(deleteGroup, { group: 'Short-lived' });
    expect(result.status).toBe('Successful');
    expect(result.keyFields).toMatchObject({ GroupID: id, GroupName: 'Short-lived', State: 'running' });
    expect(result.keyFields['ActionID']).toMatch(/^[0-9A-F]{32}$/);
    const raw = result.raw as { strActionGuid: string; actionState: Record<string, unknown> };
    expect(raw.strActionGuid).toBe(result.keyFields['ActionID']);
    expect(raw.actionState).toMatchObject({ bFinalized: false });
    expect(result.result).toEqual({
      title: 'Delete Group',
      columns: ['Group ID', 'Group Name', 'Action ID', 'State'],
      rows: [[id, 'Short-lived', result.keyFields['ActionID'], 'running']],
    });
  });

  it('with wait, polls until KSC reports the removal finished', async () => {
    const id = await newGroup('Waited for');
    const result = await h.run(deleteGroup, { group: id, wait: true, waitTimeoutSeconds: 30 });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['State']).toBe('succeeded');
    expect((result.raw as { actionState: Record<string, unknown> }).actionState).toMatchObject({
      bFinalized: true,
      bSuccededFinalized: true,
    });
    expect(world().groups.has(id)).toBe(false);
  });

  it('refuses, before acting, a group holding more than the mode allows; withHosts removes it all', async () => {
    const id = await newGroup('Holding hosts');
    const sub = await newGroup('Child', id);
    const movers = world()
      .hostsOf(0)
      .slice(0, 2)
      .map((host) => host.id);
    const admin = await h.emu.session();
    await admin.call('HostGroup.MoveHostsToGroup', { nGroup: sub, pHostNames: movers });

    const refused = await h.run(deleteGroup, { group: id });
    expect(firstError(refused)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(firstError(refused).message).toContain('2 host(s)');
    expect(firstError(refused).message).toContain('1 subgroup(s)');
    const stillRefused = await h.run(deleteGroup, { group: id, mode: 'withSubgroups' });
    expect(firstError(stillRefused).message).toContain('withHosts');
    expect(world().groups.has(id)).toBe(true);
    expect(world().groups.has(sub)).toBe(true);

    const all = await h.run(deleteGroup, { group: 'Holding hosts', mode: 'withHosts', wait: true });
    expect(all.keyFields['State']).toBe('succeeded');
    expect(world().groups.has(id) || world().groups.has(sub)).toBe(false);
    for (const host of movers) expect(world().hosts.has(host)).toBe(false);
  });

  it('refuses root groups, ambiguous names (listing them) and unknown groups', async () => {
    const root = await h.run(deleteGroup, { group: 'Managed devices', mode: 'withHosts' });
    expect(firstError(root)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(root).message).toMatch(/^The value for parameter \(group\) is invalid: .*root group/);
    const servers = world()
      .groupsOf(0)
      .filter((g) => g.name === 'Servers');
    expect(servers.length).toBeGreaterThan(1);
    const ambiguous = await h.run(deleteGroup, { group: 'servers', mode: 'withHosts' });
    expect(firstError(ambiguous)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    for (const g of servers) {
      expect(firstError(ambiguous).message).toContain(`id ${g.id}`);
      expect(world().groups.has(g.id)).toBe(true);
    }
    const unknown = await h.run(deleteGroup, { group: 'Nothing by this name' });
    expect(firstError(unknown)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const badMode = await h.run(deleteGroup, { group: 'x', mode: 'everything' });
    expect(firstError(badMode).message).toMatch(/parameter \(mode\)/);
  });

  it('acts once per idempotency key: a retry gets the first result instead of a not-found', async () => {
    const id = await newGroup('Retried');
    const first = await h.run(deleteGroup, { group: id, wait: true, idempotencyKey: 'case-17-delete' });
    expect(first.keyFields['State']).toBe('succeeded');
    const retry = await h.run(deleteGroup, { group: id, wait: true, idempotencyKey: 'case-17-delete' });
    expect(retry).toEqual(first);
    const withoutKey = await h.run(deleteGroup, { group: id, wait: true });
    expect(firstError(withoutKey)).toMatchObject({ statusCode: 404 });
  });

  it('needs Basic functionality Write: a read-only analyst gets 403 and nothing is removed', async () => {
    const id = await newGroup('Analyst target');
    const denied = await h.run(deleteGroup, { group: id }, 'analyst');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect(world().groups.has(id)).toBe(true);
  });
});
