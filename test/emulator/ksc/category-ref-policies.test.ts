/**
 * Issue 21 part M (decision 0080): `FileCategorizer2.GetRefPolicies` answers the policies of the caller's virtual
 * server whose Application Control section references the category; `DeleteCategory` deletes a referenced
 * category as any other (the reference names no "in use" error).
 */
import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator, type KscCaller } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;

const FINANCE = 'KES for Windows - Finance (Application Control: allowlist)';
const QUARANTINE = 'KES for Windows - Quarantine segment (lockdown)';

describe.each(BACKENDS)('KSC emulator policies referencing categories (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 30, events: 20 });

  const create = async (caller: KscCaller, name: string): Promise<number> =>
    (await caller.call('FileCategorizer2.CreateCategory', { pCategory: { name } }))['PxgRetVal'] as number;
  const references = async (caller: KscCaller, nCatId: number): Promise<Params[]> => {
    const { pPolicies } = await caller.call('FileCategorizer2.GetRefPolicies', { nCatId });
    return (pPolicies as { RefPolicies: Params[] }).RefPolicies;
  };
  const policies = async (caller: KscCaller): Promise<Params[]> =>
    (await caller.call('Policy.GetPoliciesForGroup', { nGroupId: -1 }))['PxgRetVal'] as Params[];
  /** A policy as RefPolicies lists it, from its attributes (`GetPoliciesForGroup`). */
  const reference = (policy: Params, vserverId: number, vserverName: string): Params => ({
    PolId: policy['KLPOL_ID'],
    PolName: policy['KLPOL_DN'],
    GroupId: policy['KLPOL_GROUP_ID'],
    GroupName: policy['KLPOL_GROUP_NAME'],
    VServerId: vserverId,
    VServerName: vserverName,
  });

  it('lists the seeded KES policies whose Application Control rules name the category', async () => {
    const ids = [];
    for (const name of ['ref one', 'ref two', 'ref three', 'ref four'])
      ids.push(await create(emu.admin, name));
    expect(ids).toEqual([1, 2, 3, 4]);
    const all = await policies(emu.admin);
    const finance = all.filter((p) => p['KLPOL_DN'] === FINANCE);
    const quarantine = all.filter((p) => p['KLPOL_DN'] === QUARANTINE);
    expect(finance.length).toBeGreaterThan(0);
    expect(quarantine.length).toBeGreaterThan(0);
    const main = emu.ksc.world.vservers.get(0)!.displayName;
    const byId = (a: Params, b: Params) => Number(a['PolId']) - Number(b['PolId']);

    expect(await references(emu.admin, 1)).toEqual([]);
    expect(await references(emu.admin, 2)).toEqual([]);
    expect(await references(emu.admin, 3)).toEqual(
      [...finance, ...quarantine].map((p) => reference(p, 0, main)).sort(byId),
    );
    expect(await references(emu.admin, 4)).toEqual(finance.map((p) => reference(p, 0, main)).sort(byId));
  });

  it('follows policy changes: a renamed policy answers its new name, a deleted one is gone', async () => {
    const all = await policies(emu.admin);
    const finance = all.find((p) => p['KLPOL_DN'] === FINANCE)!;
    const quarantine = all.filter((p) => p['KLPOL_DN'] === QUARANTINE);
    await emu.admin.call('Policy.UpdatePolicyData', {
      nPolicy: finance['KLPOL_ID'] as number,
      pPolicyData: { KLPOL_DN: 'Finance allowlist (renamed)' },
    });
    for (const p of quarantine)
      await emu.admin.call('Policy.DeletePolicy', { nPolicy: p['KLPOL_ID'] as number });
    const three = await references(emu.admin, 3);
    expect(three.map((r) => r['PolId'])).toContain(finance['KLPOL_ID']);
    expect(three.find((r) => r['PolId'] === finance['KLPOL_ID'])!['PolName']).toBe(
      'Finance allowlist (renamed)',
    );
    expect(three.some((r) => quarantine.some((q) => q['KLPOL_ID'] === r['PolId']))).toBe(false);
  });

  it('deletes a referenced category; its id is never given again, so the rules reference nothing', async () => {
    expect((await references(emu.admin, 4)).length).toBeGreaterThan(0);
    await emu.admin.call('FileCategorizer2.DeleteCategory', { nCategoryId: 4 });
    expect((await failure(emu.admin.call('FileCategorizer2.GetRefPolicies', { nCatId: 4 }))).pxgCode).toBe(
      1186,
    );
    expect((await failure(emu.admin.call('FileCategorizer2.GetCategory', { nCategoryId: 4 }))).pxgCode).toBe(
      1186,
    );
    const next = await create(emu.admin, 'ref five');
    expect(next).toBe(5);
    expect(await references(emu.admin, next)).toEqual([]);
    expect(
      (await failure(emu.admin.call('FileCategorizer2.DeleteCategory', { nCategoryId: 4 }))).pxgCode,
    ).toBe(1186);
  });

  it("answers only the caller's virtual server's policies", async () => {
    const branch = await emu.session('admin', 'vs-branch');
    const vserver = emu.ksc.world.vserverByName('vs-branch')!;
    for (const name of ['b1', 'b2', 'b3']) await create(branch, name);
    const own = await policies(branch);
    const expected = own
      .filter((p) => p['KLPOL_DN'] === FINANCE || p['KLPOL_DN'] === QUARANTINE)
      .map((p) => reference(p, vserver.id, vserver.displayName))
      .sort((a, b) => Number(a['PolId']) - Number(b['PolId']));
    expect(expected.length).toBeGreaterThan(0);
    const answered = await references(branch, 3);
    expect(answered).toEqual(expected);
    const mainIds = new Set((await policies(emu.admin)).map((p) => p['KLPOL_ID']));
    expect(answered.some((r) => mainIds.has(r['PolId']))).toBe(false);
  });
});
