import { describe, expect, it } from 'vitest';
import { BACKENDS, useKscEmulator } from '../../support/ksc-emulator.ts';

type Item = Record<string, unknown>;

/** Issue 21 part J: outbreaks declared through the control API activate the outbreak policies (decision 0076). */
describe.each(BACKENDS)('KSC emulator outbreaks (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 20, events: 20 });

  const active = async (id: number): Promise<unknown> =>
    ((await emu.admin.call('Policy.GetPolicyData', { nPolicy: id }))['PxgRetVal'] as Item)['KLPOL_ACTIVE'];

  it('activates the outbreak policies of the declared type, and puts them back when asked at its end', async () => {
    const root = emu.ksc.world.rootGroup(0)!.id;
    const seeded = (await emu.admin.call('Policy.GetPoliciesForGroup', { nGroupId: root }))[
      'PxgRetVal'
    ] as Item[];
    const kes = seeded.find((p) => p['KLPOL_PRODUCT'] === 'KES')!;
    const kesId = kes['KLPOL_ID'] as number;
    expect(kes['KLPOL_ACTIVE']).toBe(true);
    const add = async (name: string): Promise<number> =>
      (
        await emu.admin.call('Policy.AddPolicy', {
          pPolicyData: {
            KLPOL_DN: name,
            KLPOL_PRODUCT: 'KES',
            KLPOL_VERSION: '11.0.0.0',
            KLPOL_GROUP_ID: root,
          },
        })
      )['PxgRetVal'] as number;
    const onVirus = await add('KES - virus outbreak');
    const onMail = await add('KES - mail outbreak');
    await emu.admin.call('Policy.SetOutbreakPolicies', {
      pData: {
        KLPOL_POL_OUTBREAK: [
          { KLPOL_ID: onVirus, KLPOL_OUTBREAK_MASK: 1 | 4 },
          { KLPOL_ID: onMail, KLPOL_OUTBREAK_MASK: 2 },
        ],
      },
    });
    expect(await active(onVirus)).toBe(false);
    expect((await emu.control('GET', '/__emulator/outbreaks')).body).toEqual({ inProgress: [] });

    const declared = await emu.control('POST', '/__emulator/outbreaks', { type: 'virus' });
    expect(declared).toEqual({
      status: 200,
      body: { activated: [onVirus], deactivated: [kesId], inProgress: ['virus'] },
    });
    expect(await active(onVirus)).toBe(true);
    expect(await active(kesId)).toBe(false);
    expect(await active(onMail)).toBe(false);
    const listed = (await emu.admin.call('Policy.GetPoliciesForGroup', { nGroupId: root }))[
      'PxgRetVal'
    ] as Item[];
    expect(listed.filter((p) => p['KLPOL_PRODUCT'] === 'KES' && p['KLPOL_ACTIVE'] === true)).toEqual([
      expect.objectContaining({ KLPOL_ID: onVirus }),
    ]);
    // A network attack names the same policy, already active: nothing more changes.
    expect((await emu.control('POST', '/__emulator/outbreaks', { type: 'network-attack' })).body).toEqual({
      activated: [],
      deactivated: [],
      inProgress: ['virus', 'network-attack'],
    });

    // KSC leaves the activated policies in place when an outbreak ends; reverting waits for the last one.
    expect(
      (await emu.control('POST', '/__emulator/outbreaks/end', { type: 'virus', revert: true })).body,
    ).toEqual({
      reverted: [],
      inProgress: ['network-attack'],
    });
    expect(await active(onVirus)).toBe(true);
    expect(
      (await emu.control('POST', '/__emulator/outbreaks/end', { type: 'network-attack', revert: true })).body,
    ).toEqual({ reverted: [kesId, onVirus].sort((a, b) => a - b), inProgress: [] });
    expect(await active(onVirus)).toBe(false);
    expect(await active(kesId)).toBe(true);

    // Without `revert`, as on a real server, the outbreak policy stays active after the outbreak.
    const mail = await emu.control('POST', '/__emulator/outbreaks', { type: 'mail' });
    expect(mail.body).toEqual({ activated: [onMail], deactivated: [kesId], inProgress: ['mail'] });
    expect((await emu.control('POST', '/__emulator/outbreaks/end', { type: 'mail' })).body).toEqual({
      reverted: [],
      inProgress: [],
    });
    expect(await active(onMail)).toBe(true);
    expect(await active(kesId)).toBe(false);
  });

  it('refuses unknown types and ending an outbreak that is not in progress', async () => {
    const bad = await emu.control('POST', '/__emulator/outbreaks', { type: 'flood' });
    expect(bad.status).toBe(400);
    const notOn = await emu.control('POST', '/__emulator/outbreaks/end', { type: 'virus' });
    expect(notOn.status).toBe(409);
    const noServer = await emu.control('POST', '/__emulator/outbreaks', { type: 'virus', vserver: 'nope' });
    expect(noServer.status).toBe(400);
    expect((await emu.control('GET', '/__emulator/outbreaks')).body).toEqual({ inProgress: [] });
  });
});
