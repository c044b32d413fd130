import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4FromLong } from '../../../src/commands/ksc/shared/ipv4.ts';
import { moveHostsToGroup } from '../../../src/commands/ksc/move-hosts-to-group.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

describe('move_hosts_to_group', () => {
  let h: CommandHarness;
  let containment: number;
  let other: number;
  beforeAll(async () => {
    h = await startCommandHarness();
    const admin = await h.emu.session();
    const add = async (name: string) =>
      (await admin.call('HostGroup.AddGroup', { pInfo: { name, parentId: 0 } }))['PxgRetVal'] as number;
    containment = await add('Containment');
    other = await add('Elsewhere');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const world = () => h.emu.ksc.world;
  const host = (i: number) => world().hostsOf(0)[i]!;
  const dn = (i: number) => host(i).attributes['KLHST_WKS_DN'] as string;

  it('moves hosts named by display name and IP, and reports where each came from', async () => {
    const [a, b] = [host(0), host(5)];
    const before = [a.groupId, b.groupId];
    const ip = ipv4FromLong(b.attributes['KLHST_WKS_IP_LONG']);
    expect(ip).not.toBeNull();
    const result = await h.run(moveHostsToGroup, { hosts: [dn(0), ip!], group: 'Containment' });
    expect(result.status).toBe('Successful');
    expect(world().hosts.get(a.id)?.groupId).toBe(containment);
    expect(world().hosts.get(b.id)?.groupId).toBe(containment);
    expect(result.keyFields).toEqual({
      GroupID: containment,
      GroupName: 'Containment',
      MovedHostIDs: [a.id, b.id],
      MovedHostNames: [dn(0), dn(5)],
      PreviousGroupIDs: before,
    });
    expect(result.raw).toEqual({ nGroup: containment, pHostNames: [a.id, b.id] });
    expect(result.result.columns).toEqual(['Host Name', 'Host ID', 'Previous Group ID', 'Group']);
    expect(result.result.rows[0]).toEqual([dn(0), a.id, before[0], 'Managed devices/Containment']);
  });

  it('moves the hosts it can resolve and reports the others one by one (Partially Successful)', async () => {
    const result = await h.run(moveHostsToGroup, { hosts: ['no-such-host', dn(10)], group: other });
    expect(result.status).toBe('Partially Successful');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ item: 'no-such-host', statusCode: 404, code: 'NOT_FOUND' });
    expect(result.keyFields['MovedHostIDs']).toEqual([host(10).id]);
    expect(world().hosts.get(host(10).id)?.groupId).toBe(other);

    const none = await h.run(moveHostsToGroup, { hosts: ['no-such-host'], group: other });
    expect(none.status).toBe('Failed');
    const wildcard = await h.run(moveHostsToGroup, { hosts: ['BR01-*'], group: other });
    expect(firstError(wildcard)).toMatchObject({ statusCode: 400, item: 'BR01-*' });
  });

  it('refuses a name two hosts share, listing both, and moves neither', async () => {
    const [a, b] = [host(20), host(21)];
    // Give b a's display name: the kind of clash real fleets have after a re-image.
    await world().saveHosts([{ ...b, attributes: { ...b.attributes, KLHST_WKS_DN: dn(20) } }]);
    const result = await h.run(moveHostsToGroup, { hosts: [dn(20)], group: containment });
    expect(result.status).toBe('Failed');
    expect(firstError(result)).toMatchObject({ statusCode: 409, code: 'CONFLICT', item: dn(20) });
    expect(firstError(result).message).toContain(a.id);
    expect(firstError(result).message).toContain(b.id);
    expect(world().hosts.get(a.id)?.groupId).not.toBe(containment);
    expect(world().hosts.get(b.id)?.groupId).not.toBe(containment);
  });

  it('acts once per idempotency key: a retry does not move the host again', async () => {
    const target = host(30);
    const first = await h.run(moveHostsToGroup, {
      hosts: [target.id],
      group: containment,
      idempotencyKey: 'case-9-contain',
    });
    expect(world().hosts.get(target.id)?.groupId).toBe(containment);
    // Someone moves it elsewhere; the playbook's retry must not pull it back.
    await h.run(moveHostsToGroup, { hosts: [target.id], group: other });
    const retry = await h.run(moveHostsToGroup, {
      hosts: [target.id],
      group: containment,
      idempotencyKey: 'case-9-contain',
    });
    expect(retry).toEqual(first);
    expect(world().hosts.get(target.id)?.groupId).toBe(other);
  });

  it('refuses an ambiguous group, and needs Basic functionality Write (403 for a read-only analyst)', async () => {
    const ambiguous = await h.run(moveHostsToGroup, { hosts: [dn(40)], group: 'Workstations' });
    expect(firstError(ambiguous)).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    const before = host(40).groupId;
    const denied = await h.run(moveHostsToGroup, { hosts: [dn(40)], group: containment }, 'analyst');
    expect(denied.status).toBe('Failed');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED', item: dn(40) });
    expect(world().hosts.get(host(40).id)?.groupId).toBe(before);
    const bad = await h.run(moveHostsToGroup, { hosts: [], group: containment });
    expect(firstError(bad).message).toMatch(/^The value for parameter \(hosts\) is invalid/);
  });
});
