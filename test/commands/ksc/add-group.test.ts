import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGroup } from '../../../src/commands/ksc/add-group.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

describe('add_group', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const groupsNamed = (name: string) =>
    h.emu.ksc.world.groupsOf(0).filter((g) => g.name.toLowerCase() === name.toLowerCase());

  it('creates a group under "Managed devices" by default: KSC’s wire answer, the new id, Created', async () => {
    expect(groupsNamed('Incident 4711')).toEqual([]);
    const result = await h.run(addGroup, { name: 'Incident 4711' });
    expect(result.status).toBe('Successful');
    const [created] = groupsNamed('Incident 4711');
    expect(created).toBeDefined();
    expect(created!.parentId).toBe(h.emu.ksc.world.rootGroup(0)!.id);
    expect(result.raw).toEqual({ PxgRetVal: created!.id });
    expect(result.keyFields).toEqual({
      GroupID: created!.id,
      GroupName: 'Incident 4711',
      ParentGroupID: created!.parentId,
      ParentGroupName: 'Managed devices',
      Created: true,
    });
    expect(result.context).toMatchObject({ id: created!.id, created: true });
    expect(result.result).toEqual({
      title: 'Add Group',
      columns: ['Group ID', 'Group Name', 'Parent Group', 'Created'],
      rows: [[created!.id, 'Incident 4711', 'Managed devices', true]],
    });
  });

  it('returns the existing group (Created false) when the parent already has that name', async () => {
    const before = h.emu.ksc.world.groupsOf(0).length;
    const again = await h.run(addGroup, { name: 'INCIDENT 4711', parent: 0 });
    expect(again.status).toBe('Successful');
    expect(h.emu.ksc.world.groupsOf(0).length).toBe(before);
    expect(again.keyFields).toMatchObject({
      GroupID: groupsNamed('Incident 4711')[0]!.id,
      GroupName: 'Incident 4711',
      Created: false,
    });
  });

  it('takes the parent by full path, and refuses an ambiguous or unknown parent', async () => {
    const workstations = h.emu.ksc.world.groupsOf(0).filter((g) => g.name === 'Workstations');
    const path = workstations[0]!.attributes['grp_full_name'] as string;
    const nested = await h.run(addGroup, { name: 'Isolated', parent: path });
    expect(nested.keyFields).toMatchObject({ ParentGroupID: workstations[0]!.id, Created: true });
    expect(h.emu.ksc.world.groups.get(nested.keyFields['GroupID'] as number)?.parentId).toBe(
      workstations[0]!.id,
    );

    const count = h.emu.ksc.world.groupsOf(0).length;
    const ambiguous = await h.run(addGroup, { name: 'Isolated 2', parent: 'Workstations' });
    expect(firstError(ambiguous)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    for (const g of workstations) expect(firstError(ambiguous).message).toContain(`id ${g.id}`);
    const unknown = await h.run(addGroup, { name: 'Isolated 2', parent: 'No such parent' });
    expect(firstError(unknown)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const unknownId = await h.run(addGroup, { name: 'Isolated 2', parent: 987_654 });
    expect(firstError(unknownId)).toMatchObject({ statusCode: 404 });
    expect(h.emu.ksc.world.groupsOf(0).length).toBe(count);
  });

  it('names the field of bad input, and needs Basic functionality Write (403 for a reader)', async () => {
    const bad = await h.run(addGroup, { name: '' });
    expect(firstError(bad)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(name\) is invalid/);
    const control = await h.run(addGroup, { name: 'a\u0007b' });
    expect(firstError(control).message).toMatch(/parameter \(name\)/);
    const denied = await h.run(addGroup, { name: 'Reader group' }, 'reader');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect(groupsNamed('Reader group')).toEqual([]);
  });
});
