import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KconnectError } from '../../../src/errors.ts';
import { resolveGroup } from '../../../src/commands/ksc/shared/groups.ts';
import { listGroups } from '../../../src/commands/ksc/list-groups.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Wrapped = { type: string; value: Record<string, unknown> };

describe('list_groups', () => {
  let h: CommandHarness;
  beforeAll(async () => {
    h = await startCommandHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns seed 001’s shapes: wire raw, plain context, typed key fields, a count table', async () => {
    const result = await h.run(listGroups, {});
    expect(result.status).toBe('Successful');
    const world = h.emu.ksc.world.groupsOf(0);
    const raw = result.raw as { pChunk: { KLCSP_ITERATOR_ARRAY: Wrapped[] }; PxgRetVal: number };
    expect(raw.PxgRetVal).toBe(world.length);
    const items = raw.pChunk.KLCSP_ITERATOR_ARRAY;
    expect(items).toHaveLength(world.length);
    const workgroup = items.find((i) => i.value['name'] === 'WORKGROUP')!;
    expect(workgroup.type).toBe('params');
    // Seed 001's sample: WORKGROUP, id 4, under group 1, level... with datetime wrappers.
    expect(workgroup.value).toMatchObject({ id: 4, parentId: 1, grp_enable_fscan: expect.any(Boolean) });
    expect(workgroup.value['creationDate']).toMatchObject({ type: 'datetime' });
    expect(workgroup.value['lastUpdate']).toMatchObject({ type: 'datetime' });
    const context = result.context as Record<string, unknown>[];
    expect(context.find((c) => c['id'] === 4)?.['creationDate']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Key fields from the emulator's own tree, read independently.
    const admin = await h.emu.session();
    const found = await admin.call('HostGroup.FindGroups', {
      wstrFilter: '',
      vecFieldsToReturn: ['id', 'name', 'level', 'grp_enable_fscan'],
      lMaxLifeTime: 60,
    });
    const expected = await admin.chunkAll(found['strAccessor'] as string);
    expect(result.keyFields).toEqual({
      GroupIDs: expected.map((g) => g['id']),
      GroupNames: expected.map((g) => g['name']),
      GroupLevels: expected.map((g) => g['level']),
      GroupFullScanEnabled: expected.map((g) => g['grp_enable_fscan']),
      TotalGroupCount: world.length,
    });
    expect(new Set(result.keyFields['GroupIDs'] as number[])).toEqual(new Set(world.map((g) => g.id)));
    expect(result.result).toEqual({
      title: 'List Groups',
      columns: ['Groups Count'],
      rows: [[world.length]],
    });
  });

  it('filters with the KSC syntax, honours limit, and reports a bad filter as seed 001 does', async () => {
    const servers = h.emu.ksc.world
      .groupsOf(0)
      .filter((g) => g.name.toLowerCase().includes('servers'))
      .map((g) => g.name);
    expect(servers.length).toBeGreaterThan(1);
    const some = await h.run(listGroups, { filter: '(name = "*Servers*")' });
    expect([...(some.keyFields['GroupNames'] as string[])].sort()).toEqual([...servers].sort());

    const two = await h.run(listGroups, { limit: 2, fields: ['id', 'name'] });
    expect(two.keyFields['GroupIDs']).toHaveLength(2);
    expect(two.keyFields['TotalGroupCount']).toBe(h.emu.ksc.world.groupsOf(0).length);
    expect(Object.keys((two.context as Record<string, unknown>[])[0]!)).toEqual(['id', 'name']);

    const bad = await h.run(listGroups, { filter: '(ol = 1)' });
    expect(bad.status).toBe('Failed');
    expect(firstError(bad)).toMatchObject({ failureIndicator: 'List Groups failed.', statusCode: 400 });
    expect(firstError(bad).message).toContain("Unknown attribute 'ol'");
  });

  it('names the field of bad input, and maps missing rights to 403', async () => {
    const bad = await h.run(listGroups, { limit: 'all' });
    expect(firstError(bad)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(limit\) is invalid/);
    const denied = await h.run(listGroups, {}, 'no-rights');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
  });

  describe('resolveGroup', () => {
    const world = () => h.emu.ksc.world.groupsOf(0);

    it('finds a group by id, by name and by full path, literally and case-insensitively', async () => {
      const ctx = h.context();
      const finance = world().find((g) => g.name === 'Finance')!;
      expect(await resolveGroup(ctx, finance.id)).toEqual({
        id: finance.id,
        name: 'Finance',
        fullName: finance.attributes['grp_full_name'],
        parentId: finance.parentId,
      });
      expect((await resolveGroup(ctx, String(finance.id))).id).toBe(finance.id);
      expect((await resolveGroup(ctx, 'FINANCE')).id).toBe(finance.id);
      const root = await resolveGroup(ctx, 'Managed devices');
      expect(root).toMatchObject({ id: 0, parentId: null });
      const workstations = world().filter((g) => g.name === 'Workstations');
      expect(workstations.length).toBeGreaterThan(1);
      const path = workstations[1]!.attributes['grp_full_name'] as string;
      expect((await resolveGroup(ctx, path.toLowerCase())).id).toBe(workstations[1]!.id);
      await expect(resolveGroup(ctx, 'Fin*')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('refuses a name several groups share, listing them, and says when nothing matches', async () => {
      const ctx = h.context();
      const workstations = world().filter((g) => g.name === 'Workstations');
      const error = (await resolveGroup(ctx, 'workstations').catch((e: unknown) => e)) as KconnectError;
      expect(error).toBeInstanceOf(KconnectError);
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain(`names ${workstations.length} groups`);
      for (const g of workstations) expect(error.message).toContain(`id ${g.id}`);
      await expect(resolveGroup(ctx, 'No such group')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(resolveGroup(ctx, 999_999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
