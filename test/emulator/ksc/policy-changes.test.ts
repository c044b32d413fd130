import { describe, expect, it } from 'vitest';
import { BACKENDS, failure, useKscEmulator } from '../../support/ksc-emulator.ts';

type Policy = Record<string, unknown>;

describe.each(BACKENDS)('KSC emulator: changing policies (%s)', (backend) => {
  const emu = useKscEmulator(backend, { events: 300 });
  const list = async (nGroupId: number): Promise<Policy[]> =>
    (await emu.admin.call('Policy.GetPoliciesForGroup', { nGroupId }))['PxgRetVal'] as Policy[];
  const data = async (nPolicy: number): Promise<Policy> =>
    (await emu.admin.call('Policy.GetPolicyData', { nPolicy }))['PxgRetVal'] as Policy;
  const groupId = (name: string): number => emu.ksc.world.groupsOf(0).find((g) => g.name === name)!.id;

  it('AddPolicy creates a policy with the reference defaults, listed in its group and inherited below', async () => {
    const finance = groupId('Finance');
    const reply = await emu.admin.call('Policy.AddPolicy', {
      pPolicyData: {
        KLPOL_DN: 'KESL - Finance',
        KLPOL_PRODUCT: 'KESL',
        KLPOL_VERSION: '12.0.0.0',
        KLPOL_GROUP_ID: finance,
      },
    });
    const id = reply['PxgRetVal'] as number;
    expect(Number.isInteger(id)).toBe(true);
    const policy = await data(id);
    expect(policy).toMatchObject({
      KLPOL_ID: id,
      KLPOL_DN: 'KESL - Finance',
      KLPOL_GROUP_ID: finance,
      KLPOL_GROUP_NAME: 'Finance',
      KLPOL_ACTIVE: false,
      KLPOL_ROAMING: false,
      KLPOL_ACCEPT_PARENT: true,
      KLPOL_FORCE_DISTRIB2CHILDREN: false,
      KLPOL_HIDE_ON_SLAVES: false,
      KLPOL_INHERITED: false,
    });
    expect(policy['KLPOL_CREATED']).toBeInstanceOf(Date);
    // The group's own KESL policy now replaces the one it inherited from "Managed devices".
    const kesl = (await list(finance)).filter((p) => p['KLPOL_PRODUCT'] === 'KESL');
    expect(kesl).toEqual([expect.objectContaining({ KLPOL_ID: id, KLPOL_INHERITED: false })]);
    expect((await list(-1)).map((p) => p['KLPOL_ID'])).toContain(id);

    for (const pPolicyData of [
      { KLPOL_DN: 'x', KLPOL_PRODUCT: 'KES', KLPOL_VERSION: '11.0.0.0' },
      { KLPOL_DN: '', KLPOL_PRODUCT: 'KES', KLPOL_VERSION: '11.0.0.0', KLPOL_GROUP_ID: finance },
      {
        KLPOL_DN: 'x',
        KLPOL_PRODUCT: 'KES',
        KLPOL_VERSION: '11.0.0.0',
        KLPOL_GROUP_ID: finance,
        KLPOL_ACTIVE: 1,
      },
    ]) {
      expect((await failure(emu.admin.call('Policy.AddPolicy', { pPolicyData }))).pxgMessage).toContain(
        'pPolicyData',
      );
    }
    const noGroup = await failure(
      emu.admin.call('Policy.AddPolicy', {
        pPolicyData: {
          KLPOL_DN: 'x',
          KLPOL_PRODUCT: 'KES',
          KLPOL_VERSION: '11.0.0.0',
          KLPOL_GROUP_ID: 987654,
        },
      }),
    );
    expect(noGroup.pxgMessage).toContain('987654');
  });

  it('UpdatePolicyData changes a seeded policy and lists the change everywhere', async () => {
    const before = await data(1);
    await emu.admin.call('Policy.UpdatePolicyData', {
      nPolicy: 1,
      pPolicyData: { KLPOL_DN: 'KES - renamed', KLPOL_ROAMING: true },
    });
    const after = await data(1);
    expect(after).toMatchObject({
      ...before,
      KLPOL_DN: 'KES - renamed',
      KLPOL_ROAMING: true,
      KLPOL_MODIFIED: after['KLPOL_MODIFIED'],
    });
    expect((await list(-1)).find((p) => p['KLPOL_ID'] === 1)?.['KLPOL_DN']).toBe('KES - renamed');
    const readOnly = await failure(
      emu.admin.call('Policy.UpdatePolicyData', { nPolicy: 1, pPolicyData: { KLPOL_GROUP_ID: 5 } }),
    );
    expect(readOnly.pxgMessage).toContain('pPolicyData');
    const missing = await failure(
      emu.admin.call('Policy.UpdatePolicyData', { nPolicy: 987654, pPolicyData: { KLPOL_DN: 'x' } }),
    );
    expect(missing.pxgMessage).toContain('987654');
  });

  it('CopyOrMovePolicy copies (inactive) or moves a policy; DeletePolicy removes it for good', async () => {
    const servers = groupId('Windows Servers');
    const seeded = (await list(servers)).find((p) => p['KLPOL_INHERITED'] === false)!;
    const seededId = seeded['KLPOL_ID'] as number;
    const target = groupId('Quarantine segment');

    const copied = (
      await emu.admin.call('Policy.CopyOrMovePolicy', {
        nPolicy: seededId,
        nNewGroupId: target,
        bDeleteOrigin: false,
        pExtraData: null,
      })
    )['PxgRetVal'] as number;
    expect(copied).not.toBe(seededId);
    expect(await data(copied)).toMatchObject({
      KLPOL_DN: seeded['KLPOL_DN'],
      KLPOL_GROUP_ID: target,
      KLPOL_ACTIVE: false,
    });
    expect((await data(seededId))['KLPOL_GROUP_ID']).toBe(servers);

    const moved = (
      await emu.admin.call('Policy.CopyOrMovePolicy', {
        nPolicy: seededId,
        nNewGroupId: target,
        bDeleteOrigin: true,
      })
    )['PxgRetVal'] as number;
    expect(await data(moved)).toMatchObject({ KLPOL_GROUP_ID: target, KLPOL_ACTIVE: seeded['KLPOL_ACTIVE'] });
    expect(
      (await failure(emu.admin.call('Policy.GetPolicyData', { nPolicy: seededId }))).pxgMessage,
    ).toContain(String(seededId));
    expect((await list(servers)).some((p) => p['KLPOL_ID'] === seededId)).toBe(false);

    await emu.admin.call('Policy.DeletePolicy', { nPolicy: copied });
    await emu.admin.call('Policy.DeletePolicy', { nPolicy: 2 });
    expect((await list(-1)).map((p) => p['KLPOL_ID'])).not.toEqual(expect.arrayContaining([copied]));
    expect((await list(-1)).some((p) => p['KLPOL_ID'] === 2)).toBe(false);
    expect((await failure(emu.admin.call('Policy.DeletePolicy', { nPolicy: 2 }))).pxgMessage).toContain('2');
  });
});
