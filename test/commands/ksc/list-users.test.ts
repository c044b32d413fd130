import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUsers } from '../../../src/commands/ksc/list-users.ts';
import { hostAccounts } from '../../../src/emulator/ksc/users/accounts.ts';
import type { HostRecord } from '../../../src/emulator/ksc/world/model.ts';
import { firstError, startCommandHarness, type CommandHarness } from '../support.ts';

type Wrapped = { type: string; value: Record<string, unknown> };
type Raw = { pRecords: { KLCSP_ITERATOR_ARRAY: Wrapped[] } };

describe('list_users', () => {
  let h: CommandHarness;
  let hosts: readonly HostRecord[];
  /** Every user of the server as a plain KLOAPI caller lists them. */
  let everyone: Record<string, unknown>[];
  const loggedOn = (host: HostRecord) => hostAccounts(host).find((x) => x.loggedOn)!;

  beforeAll(async () => {
    h = await startCommandHarness();
    hosts = h.emu.ksc.world.hostsOf(0);
    const caller = await h.emu.session('admin');
    everyone = (await caller.viewAll('GlobalUsersListSrvViewName', {
      filter: '',
      fields: ['ul_wstrSamAccountName', 'ul_wstrDisplayName', 'ul_InternalUser', 'ul_Local', 'ul_Builtin'],
      order: [{ Name: 'ul_wstrDisplayName', Asc: true }],
      params: {},
      page: 1000,
    })) as Record<string, unknown>[];
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns seed 001’s shapes: the users view records in their wire shape, typed key fields, a count', async () => {
    const result = await h.run(listUsers, {});
    expect(result.status).toBe('Successful');
    const items = (result.raw as Raw).pRecords.KLCSP_ITERATOR_ARRAY;
    expect(items).toHaveLength(everyone.length);
    const domain = items.find((x) => x.value['ul_InternalUser'] === false)!;
    expect(domain.type).toBe('params');
    expect(domain.value['ul_llTrusteeId']).toMatchObject({ type: 'long' });
    expect(domain.value['ul_imgSid']).toMatchObject({ type: 'binary' });
    expect(domain.value['ul_binId']).toMatchObject({ type: 'binary' });
    expect(typeof domain.value['ul_wstrDisplayName']).toBe('string');

    expect(result.keyFields).toEqual({
      UserNames: everyone.map((u) => u['ul_wstrSamAccountName']),
      DisplayNames: everyone.map((u) => u['ul_wstrDisplayName']),
      IsLocalUser: everyone.map((u) => u['ul_Local']),
      IsBuiltInAccount: everyone.map((u) => u['ul_Builtin']),
      IsInternalUser: everyone.map((u) => u['ul_InternalUser']),
    });
    const context = result.context as Record<string, unknown>[];
    expect(typeof context.find((u) => u['ul_InternalUser'] === false)?.['ul_llTrusteeId']).toBe('number');
    expect(result.result).toEqual({
      title: 'List Users',
      columns: ['Users Count'],
      rows: [[everyone.length]],
    });
  });

  it('narrows to the user logged on to a host, named by display name', async () => {
    const host = hosts.find((x) => x.products.some((p) => p.name === '1103'))!;
    const account = loggedOn(host);
    const result = await h.run(listUsers, {
      hostName: String(host.attributes['KLHST_WKS_DN']).toLowerCase(),
    });
    expect(result.status).toBe('Successful');
    expect(result.keyFields['UserNames']).toEqual([account.sam]);
    expect(result.keyFields['DisplayNames']).toEqual([account.dn]);
    const item = (result.raw as Raw).pRecords.KLCSP_ITERATOR_ARRAY[0]!;
    expect(item.value['ul_bVisited']).toBe(true);
    expect(item.value['ul_imgSid']).toEqual({
      type: 'binary',
      value: Buffer.from(account.sid).toString('base64'),
    });
  });

  it('narrows to usernames; a name that matches nobody is a 404 item, the rest are returned', async () => {
    const account = loggedOn(hosts[0]!);
    const result = await h.run(listUsers, {
      usernames: [account.sam.toUpperCase(), 'admin', 'no-such-user'],
    });
    expect(result.status).toBe('Partially Successful');
    expect(new Set(result.keyFields['UserNames'] as string[])).toEqual(new Set([account.sam, 'admin']));
    expect(result.errors).toEqual([
      {
        failureIndicator: 'List Users failed.',
        statusCode: 404,
        code: 'NOT_FOUND',
        message: 'No user "no-such-user"',
        item: 'no-such-user',
      },
    ]);
    // By display name too.
    const byDn = await h.run(listUsers, { usernames: [account.dn] });
    expect(byDn.keyFields['UserNames']).toEqual([account.sam]);
    const none = await h.run(listUsers, { usernames: ['no-such-user'] });
    expect(none.status).toBe('Failed');
  });

  it('refuses an unknown or wildcard host instead of an empty success, and keeps to the limit', async () => {
    const unknown = await h.run(listUsers, { hostName: 'no-such-host' });
    expect(unknown.status).toBe('Failed');
    expect(firstError(unknown)).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const wildcard = await h.run(listUsers, { hostName: 'BR01-*' });
    expect(firstError(wildcard)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(firstError(wildcard).message).toMatch(/^The value for parameter \(hostName\) is invalid/);

    const limited = await h.run(listUsers, { limit: 2 });
    expect(limited.keyFields['UserNames']).toEqual(
      everyone.slice(0, 2).map((u) => u['ul_wstrSamAccountName']),
    );
    expect(firstError(await h.run(listUsers, { limit: 0 })).message).toMatch(/parameter \(limit\)/);
  });

  it('needs Access objects regardless of their ACLs/Read: reader (Basic Read only) gets 403', async () => {
    const denied = await h.run(listUsers, {}, 'reader');
    expect(denied.status).toBe('Failed');
    expect(firstError(denied)).toMatchObject({ statusCode: 403, code: 'ACCESS_DENIED' });
    expect((await h.run(listUsers, {}, 'analyst')).status).toBe('Successful');
  });

  it('runs its documented example', async () => {
    const result = await h.run(listUsers, listUsers.example);
    expect(result.status).toBe('Successful');
    expect(result.errors).toEqual([]);
  });
});
