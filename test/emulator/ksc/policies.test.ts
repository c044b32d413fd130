import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  startTestEmulator,
  type KscCaller,
  type TestEmulator,
  failure,
} from '../../support/ksc-emulator.ts';

type Policy = Record<string, unknown>;

const POLICY_KEYS = [
  'KLPOL_ACCEPT_PARENT',
  'KLPOL_ACTIVE',
  'KLPOL_CREATED',
  'KLPOL_DN',
  'KLPOL_FORCED',
  'KLPOL_FORCE_DISTRIB2CHILDREN',
  'KLPOL_GROUP_ID',
  'KLPOL_GROUP_NAME',
  'KLPOL_GSYN_ID',
  'KLPOL_HIDE_ON_SLAVES',
  'KLPOL_ID',
  'KLPOL_INHERITED',
  'KLPOL_MODIFIED',
  'KLPOL_PRODUCT',
  'KLPOL_PROFILES_NUM',
  'KLPOL_ROAMING',
  'KLPOL_VERSION',
];

describe.each(BACKENDS)('KSC emulator policies (%s)', (backend) => {
  let emu: TestEmulator;
  let admin: KscCaller;
  const list = async (caller: KscCaller, nGroupId: number): Promise<Policy[]> =>
    (await caller.call('Policy.GetPoliciesForGroup', { nGroupId }))['PxgRetVal'] as Policy[];
  const groupId = (name: string, vserverId = 0): number =>
    emu.ksc.world.groupsOf(vserverId).find((g) => g.name === name)!.id;

  beforeAll(async () => {
    emu = await startTestEmulator(backend);
    admin = await emu.session();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('lists every policy of the server for group -1, as XSOAR asks', async () => {
    const all = await list(admin, -1);
    for (const policy of all) {
      expect(Object.keys(policy).sort()).toEqual([...POLICY_KEYS].sort());
      expect(policy['KLPOL_CREATED']).toBeInstanceOf(Date);
      expect(policy['KLPOL_MODIFIED']).toBeInstanceOf(Date);
      expect(policy['KLPOL_INHERITED']).toBe(false);
    }
    const [kes, agent] = all;
    expect(kes).toMatchObject({
      KLPOL_ID: 1,
      KLPOL_PRODUCT: 'KES',
      KLPOL_VERSION: '11.0.0.0',
      KLPOL_GROUP_ID: 0,
    });
    expect(kes?.['KLPOL_GROUP_NAME']).toBe('Managed devices');
    expect(agent).toMatchObject({ KLPOL_ID: 2, KLPOL_PRODUCT: '1103', KLPOL_VERSION: '1.0.0.0' });
    expect(all.some((p) => p['KLPOL_PRODUCT'] === 'KESL')).toBe(true);
    expect(all.some((p) => p['KLPOL_GROUP_NAME'] === 'Quarantine segment')).toBe(true);
    const ids = all.map((p) => p['KLPOL_ID'] as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("gives a subgroup its own policies and its ancestors' for the other products, marked inherited", async () => {
    const quarantine = await list(admin, groupId('Quarantine segment'));
    const own = quarantine.filter((p) => p['KLPOL_INHERITED'] === false);
    expect(own.map((p) => p['KLPOL_PRODUCT'])).toEqual(['KES']);
    expect(own[0]?.['KLPOL_GROUP_ID']).toBe(groupId('Quarantine segment'));
    const inherited = quarantine.filter((p) => p['KLPOL_INHERITED'] === true);
    expect(inherited.map((p) => p['KLPOL_PRODUCT']).sort()).toEqual(['1103', 'EDRAgent', 'KESL']);
    expect(inherited.every((p) => p['KLPOL_GROUP_ID'] === 0)).toBe(true);

    const workstations = await list(admin, groupId('Workstations'));
    expect(workstations.length).toBe(4);
    expect(workstations.every((p) => p['KLPOL_INHERITED'] === true)).toBe(true);
    expect(await list(admin, emu.ksc.world.unassignedGroup(0)!.id)).toEqual([]);
  });

  it('returns a policy by id, and not-found errors for unknown policies and groups', async () => {
    const [first] = await list(admin, -1);
    const data = (await admin.call('Policy.GetPolicyData', { nPolicy: 1 }))['PxgRetVal'];
    expect(data).toEqual(first);
    const missing = await failure(admin.call('Policy.GetPolicyData', { nPolicy: 999_999 }));
    expect(missing.pxgCode).toBe(1186);
    expect(missing.pxgMessage).toBe('Policy 999999 not found');
    const noGroup = await failure(admin.call('Policy.GetPoliciesForGroup', { nGroupId: 123_456 }));
    expect(noGroup.pxgCode).toBe(1186);
    const bad = await failure(admin.call('Policy.GetPolicyData', { nPolicy: 'one' }));
    expect(bad.pxgMessage).toBe('Bad parameter "nPolicy"');
  });

  it('keeps each virtual server to its own policies', async () => {
    const branch = await emu.session('admin', 'vs-branch');
    const theirs = await list(branch, -1);
    const ours = new Set((await list(admin, -1)).map((p) => p['KLPOL_ID']));
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((p) => !ours.has(p['KLPOL_ID']))).toBe(true);
    const root = emu.ksc.world.rootGroup(emu.ksc.world.vserverByName('vs-branch')!.id)!;
    expect(theirs[0]?.['KLPOL_GROUP_ID']).toBe(root.id);
    const foreign = await failure(branch.call('Policy.GetPolicyData', { nPolicy: 1 }));
    expect(foreign.pxgCode).toBe(1186);
  });

  it('needs Basic functionality: Read', async () => {
    const reader = await emu.session('reader');
    expect((await list(reader, -1)).length).toBeGreaterThan(0);
    const none = await emu.session('no-rights');
    const denied = await failure(none.call('Policy.GetPolicyData', { nPolicy: 1 }));
    expect(denied.pxgCode).toBe(1184);
    expect((await failure(none.call('Policy.GetPoliciesForGroup', { nGroupId: -1 }))).pxgCode).toBe(1184);
  });
});
