import { describe, expect, it } from 'vitest';
import { branchCountFor, buildGroupTree } from '../../../src/emulator/ksc/world/groups.ts';
import { generateWorld } from '../../../src/emulator/ksc/world/generate.ts';
import type { GroupRecord } from '../../../src/emulator/ksc/world/model.ts';
import { Random } from '../../../src/emulator/core/random.ts';
import { DAY_MS, NOW } from './helpers.ts';

describe('group tree', () => {
  const world = generateWorld({
    seed: 3,
    hosts: 3_000,
    events: 0,
    now: NOW,
    virtualServers: ['Tenant A', 'Tenant B'],
  });
  const byId = new Map(world.groups.map((group) => [group.id, group] as const));

  it('gives the main server the real well-known ids: 0, 1, 2 and WORKGROUP 4 under Unassigned', () => {
    expect(world.roots[0]).toEqual({ vserverId: 0, managed: 0, unassigned: 1, superGroup: 2, workgroup: 4 });
    expect(byId.get(0)).toMatchObject({ name: 'Managed devices', parentId: null, vserverId: 0 });
    expect(byId.get(1)).toMatchObject({ name: 'Unassigned devices', parentId: null });
    expect(byId.get(2)).toMatchObject({ name: 'Administration Servers', parentId: null });
    expect(byId.get(4)).toMatchObject({ name: 'WORKGROUP', parentId: 1 });
    expect(byId.has(3)).toBe(false);
    expect(byId.get(5)).toMatchObject({ name: 'Headquarters', parentId: 0 });
  });

  it('gives every virtual server its own roots with ids unique across servers', () => {
    expect(world.groups.length).toBe(byId.size);
    expect(world.roots.map((roots) => roots.vserverId)).toEqual([0, 1, 2]);
    for (const roots of world.roots.slice(1)) {
      for (const id of [roots.managed, roots.unassigned, roots.superGroup, roots.workgroup]) {
        expect(byId.get(id)?.vserverId).toBe(roots.vserverId);
      }
      expect(byId.get(roots.managed)?.name).toBe('Managed devices');
      expect(byId.get(roots.workgroup)?.parentId).toBe(roots.unassigned);
    }
  });

  it('keeps parents, paths, levels and attributes consistent', () => {
    const seenBeforeChild = new Set<number>();
    for (const group of world.groups) {
      const a = group.attributes;
      expect(a['id']).toBe(group.id);
      expect(a['name']).toBe(group.name);
      expect(a['KLVSRV_ID']).toBe(group.vserverId);
      expect(a['creationDate']).toBeInstanceOf(Date);
      expect((a['lastUpdate'] as Date).getTime()).toBeGreaterThanOrEqual(
        (a['creationDate'] as Date).getTime(),
      );
      expect((a['lastUpdate'] as Date).getTime()).toBeLessThanOrEqual(NOW);
      for (const value of Object.values(a)) expect(value ?? null).not.toBeNull();
      if (group.parentId === null) {
        expect('parentId' in a).toBe(false);
        expect(a['level']).toBe(0);
        expect(a['grp_full_name']).toBe(group.name);
      } else {
        const parent = byId.get(group.parentId) as GroupRecord;
        expect(seenBeforeChild.has(parent.id)).toBe(true);
        expect(parent.vserverId).toBe(group.vserverId);
        expect(a['parentId']).toBe(group.parentId);
        expect(a['level']).toBe((parent.attributes['level'] as number) + 1);
        expect(a['grp_full_name']).toBe(`${String(parent.attributes['grp_full_name'])}/${group.name}`);
        expect(a['grp_from_unassigned']).toBe(
          parent.attributes['grp_from_unassigned'] === true || parent.name === 'Unassigned devices',
        );
        expect((a['creationDate'] as Date).getTime()).toBeGreaterThanOrEqual(
          (parent.attributes['creationDate'] as Date).getTime(),
        );
      }
      seenBeforeChild.add(group.id);
    }
  });

  it('builds the headquarters, branches, datacenter and quarantine segment', () => {
    const names = world.groups.filter((g) => g.vserverId === 0).map((g) => g.attributes['grp_full_name']);
    expect(names).toContain('Managed devices/Headquarters/Finance');
    expect(names).toContain('Managed devices/Branch Office 01/Workstations');
    expect(names).toContain('Managed devices/Datacenter/Linux Servers');
    expect(names).toContain('Managed devices/Quarantine segment');
  });

  it('scales the branches with the hosts: about 250 hosts per leaf, at most 99 branches', () => {
    expect(branchCountFor(0)).toBe(1);
    expect(branchCountFor(5_000)).toBe(7);
    expect(branchCountFor(100_000)).toBe(99);
    expect(branchCountFor(10_000_000)).toBe(99);
    const tree = buildGroupTree({
      vserverId: 0,
      main: true,
      firstId: 5,
      hostCount: 100_000,
      installedAt: NOW - 800 * DAY_MS,
      now: NOW,
      rng: new Random(1),
    });
    expect(tree.leaves.length).toBe(4 + 2 * 99 + 2 + 1);
    expect(tree.groups.length).toBeLessThan(400);
    expect(100_000 / tree.leaves.length).toBeGreaterThan(100);
    expect(100_000 / tree.leaves.length).toBeLessThan(500);
  });
});
