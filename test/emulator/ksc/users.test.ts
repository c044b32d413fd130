import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KlParams } from '../../../src/ksc/index.ts';
import { hostAccounts } from '../../../src/emulator/ksc/users/accounts.ts';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';

type User = Record<string, unknown>;

const VIEW = 'GlobalUsersListSrvViewName';

async function users(
  caller: KscCaller,
  filter = '',
  fields: string[] = [],
  params: KlParams = {},
): Promise<User[]> {
  const order = [{ Name: 'ul_wstrDisplayName', Asc: true }];
  return (await caller.viewAll(VIEW, { filter, fields, order, params, page: 1000 })) as User[];
}

async function findUsers(caller: KscCaller, filter: string, fields: string[]): Promise<User[]> {
  const found = await caller.call('HostGroup.FindUsers', {
    strFilter: filter,
    pFieldsToReturn: fields,
    pFieldsToOrder: [],
    lMaxLifeTime: 100,
  });
  const items = await caller.chunkAll(found['strAccessor'] as string);
  expect(items.length).toBe(found['PxgRetVal']);
  return items;
}

const FIELDS = [
  'ul_llTrusteeId',
  'ul_wstrDisplayName',
  'ul_wstrSamAccountName',
  'ul_InternalUser',
  'ul_Local',
  'ul_imgSid',
  'ul_binSidHash',
  'ul_nVServer',
  'ul_wstrPrincipalName',
];

describe.each(BACKENDS)('KSC emulator users (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    admin = await emu.session('admin');
  });
  afterAll(async () => {
    await emu?.stop();
  });

  /** The logged-on accounts of a server's hosts, once each (by SID). */
  function loggedOn(vserverId: number) {
    const accounts = new Map<string, { dn: string; sam: string; sid: Uint8Array }>();
    for (const host of emu.ksc.world.hostsOf(vserverId)) {
      const account = hostAccounts(host).find((a) => a.loggedOn);
      if (account !== undefined) accounts.set(account.key, account);
    }
    return [...accounts.values()];
  }

  /** The host-local accounts of a server's hosts (all but the logged-on one), one each. */
  function hostLocal(vserverId: number) {
    return emu.ksc.world.hostsOf(vserverId).flatMap((host) => hostAccounts(host).filter((a) => !a.loggedOn));
  }

  it('lists the internal users and the accounts logged on to the managed devices', async () => {
    const list = await users(admin, '', FIELDS);
    const internal = list.filter((u) => u['ul_InternalUser'] === true);
    expect(internal.map((u) => u['ul_wstrSamAccountName'])).toEqual(
      expect.arrayContaining(['admin', 'analyst', 'responder']),
    );
    expect(internal.every((u) => !('ul_imgSid' in u))).toBe(true);

    const domain = list.filter((u) => u['ul_InternalUser'] === false);
    // Since docs/decisions/0068 the view also lists the hosts' local accounts, as KSC does (seed 001's List
    // Users sample shows `HOST\Administrator` with ul_Local): the count is the logged-on accounts plus those.
    const expected = [...loggedOn(0), ...hostLocal(0)];
    expect(domain.length).toBe(expected.length);
    expect(new Set(domain.map((u) => u['ul_wstrDisplayName']))).toEqual(new Set(expected.map((a) => a.dn)));
    for (const user of domain) {
      const account = expected.find((a) => a.dn === user['ul_wstrDisplayName']);
      expect(user['ul_imgSid']).toEqual(account?.sid);
      expect(user['ul_binSidHash']).toBeInstanceOf(Uint8Array);
      expect(typeof user['ul_llTrusteeId']).toBe('bigint');
      expect(user['ul_nVServer']).toBe(0);
      const local = user['ul_Local'] === true;
      expect(user['ul_wstrPrincipalName'] === '').toBe(local);
    }
    expect(new Set(list.map((u) => u['ul_llTrusteeId'])).size).toBe(list.length);
  });

  it('marks the account logged on to the host named in pParams as visited', async () => {
    const host = emu.ksc.world.hostsOf(0)[5];
    expect(host).toBeDefined();
    const account = hostAccounts(host!).find((a) => a.loggedOn);
    const list = await users(admin, '', ['ul_wstrDisplayName', 'ul_bVisited'], { strHostId: host!.id });
    const visited = list.filter((u) => u['ul_bVisited'] === true);
    expect(visited.map((u) => u['ul_wstrDisplayName'])).toEqual([account?.dn]);
    expect(list.every((u) => typeof u['ul_bVisited'] === 'boolean')).toBe(true);

    const filtered = await users(admin, '(ul_bVisited = 1)', ['ul_wstrSamAccountName'], {
      strHostId: host!.id,
    });
    expect(filtered).toEqual([{ ul_wstrSamAccountName: account?.sam }]);
    // An unknown host: the call succeeds and nobody visited it.
    expect(await users(admin, '(ul_bVisited = 1)', [], { strHostId: 'no-such-host' })).toHaveLength(0);
    // Without a host the attribute is absent.
    expect((await users(admin, '', ['ul_bVisited'])).every((u) => !('ul_bVisited' in u))).toBe(true);
  });

  it('confines users to the caller’s virtual server', async () => {
    const vserver = emu.ksc.world.vserverByName('vs-branch');
    const branch = await emu.session('admin', 'vs-branch');
    const list = await users(branch, '', FIELDS);
    expect(list.every((u) => u['ul_nVServer'] === vserver?.id)).toBe(true);
    const domain = list.filter((u) => u['ul_InternalUser'] === false);
    // Logged-on and host-local accounts (docs/decisions/0068), of this server's hosts only.
    expect(domain.length).toBe(loggedOn(vserver?.id ?? -1).length + hostLocal(vserver?.id ?? -1).length);
    expect(domain.length).toBeGreaterThan(0);
    // A host of another server marks no one.
    const mainHost = emu.ksc.world.hostsOf(0)[0]?.id ?? '';
    expect(await users(branch, '(ul_bVisited = 1)', [], { strHostId: mainHost })).toHaveLength(0);
  });

  it('finds the same users with HostGroup.FindUsers, filtered', async () => {
    const all = await findUsers(admin, '', ['ul_wstrDisplayName', 'ul_InternalUser']);
    expect(all.length).toBe((await users(admin)).length);
    const account = loggedOn(0)[0];
    const found = await findUsers(admin, `(ul_wstrSamAccountName = "${account?.sam ?? ''}")`, [
      'ul_wstrDisplayName',
      'ul_InternalUser',
    ]);
    expect(found.some((u) => u['ul_wstrDisplayName'] === account?.dn && u['ul_InternalUser'] === false)).toBe(
      true,
    );
  });

  it('needs Access objects regardless of their ACLs/Read, and the Managed-devices scope for device accounts', async () => {
    const reader = await emu.session('reader');
    const denied = await failure(users(reader));
    expect(denied.pxgCode).toBe(1184);
    expect(denied.pxgMessage).toBe('Access denied');
    expect((await failure(findUsers(reader, '', []))).pxgCode).toBe(1184);
    expect(await users(await emu.session('analyst'), '', ['ul_wstrDisplayName'])).not.toHaveLength(0);

    const serverOnly = await users(await emu.session('server-only'), '', ['ul_InternalUser']);
    expect(serverOnly.length).toBeGreaterThan(0);
    expect(serverOnly.every((u) => u['ul_InternalUser'] === true)).toBe(true);
  });
});
