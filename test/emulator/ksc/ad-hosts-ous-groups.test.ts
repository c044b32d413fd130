import { describe, expect, it } from 'vitest';
import { DOMAIN_GROUPS } from '../../../src/emulator/ksc/directory/seeded.ts';
import type { KlArgument } from '../../../src/ksc/values.ts';
import { BACKENDS, failure, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, KlArgument>;

async function childOUs(caller: KscCaller, idOU: number): Promise<Params[]> {
  const { PxgRetVal } = await caller.call('AdHosts.GetChildOUs', {
    idOU,
    pFields: ['adhst_id', 'adhst_idComputer', 'adhst_binOu', 'adhst_hostsNum'],
    lMaxLifeTime: 60,
  });
  return caller.chunkAllAtOnce(PxgRetVal as string);
}

function hex(value: KlArgument | undefined): string {
  return Buffer.from(value as Uint8Array).toString('hex');
}

describe.each(BACKENDS)('KSC emulator AdHosts: AD groups, added and removed OUs (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 60, events: 20 });

  it('FindAdGroups lists the directory publisher’s groups, ordered, with their count', async () => {
    const reply = await emu.admin.call('AdHosts.FindAdGroups', {
      vecFieldsToReturn: [
        'adhst_adgroup_id',
        'adhst_adgroup_name',
        'adhst_adgroup_distinguished_name',
        'adhst_adgroup_sam_name',
      ],
      vecFieldsToOrder: [{ Name: 'adhst_adgroup_name', Asc: true }],
      pOptions: {},
      lMaxLifeTime: 60,
    });
    expect(reply['PxgRetVal']).toBe(DOMAIN_GROUPS.length);
    const groups = await emu.admin.chunkAllAtOnce(reply['wstrIterator'] as string);
    expect(groups.map((g) => g['adhst_adgroup_name'])).toEqual(
      [...DOMAIN_GROUPS].sort((a, b) => (a < b ? -1 : 1)),
    );
    const vpn = groups.find((g) => g['adhst_adgroup_name'] === 'VPN Users')!;
    expect(vpn['adhst_adgroup_distinguished_name']).toBe('cn=VPN Users,ou=groups,dc=corp,dc=example,dc=com');
    expect(vpn['adhst_adgroup_sam_name']).toBe('VPN_Users');

    // A computer belongs to no group in the world; an unknown AD host is 1186.
    const computers = await emu.admin.chunkAllAtOnce(
      (
        await emu.admin.call('AdHosts.GetChildComputers', {
          idOU: 4,
          vecFieldsToReturn: ['adhst_id'],
          lMaxLifeTime: 60,
        })
      )['PxgRetVal'] as string,
    );
    if (computers.length > 0) {
      const forHost = await emu.admin.call('AdHosts.FindAdGroups', {
        vecFieldsToReturn: ['adhst_adgroup_id'],
        vecFieldsToOrder: [],
        pOptions: { adhst_id: computers[0]!['adhst_id']! },
        lMaxLifeTime: 60,
      });
      expect(forHost['PxgRetVal']).toBe(0);
    }
    const unknown = await failure(
      emu.admin.call('AdHosts.FindAdGroups', {
        vecFieldsToReturn: [],
        vecFieldsToOrder: [],
        pOptions: { adhst_id: 999 },
        lMaxLifeTime: 60,
      }),
    );
    expect(unknown.pxgCode).toBe(1186);
  });

  it('AddOU places an OU under its parent by GUID; RemoveOU drops it and its subunits', async () => {
    const [root] = await childOUs(emu.admin, 0);
    const servers = (await childOUs(emu.admin, root!['adhst_id'] as number)).find(
      (u) => u['adhst_idComputer'] === 'Servers',
    )!;
    const serversGuid = hex(servers['adhst_binOu']);
    const guid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    await emu.admin.call('AdHosts.AddOU', {
      strObjectGUID: `{${guid.toUpperCase()}}`,
      strParentGUID: serversGuid,
    });
    const child = '11112222333344445555666677778888';
    await emu.admin.call('AdHosts.AddOU', { strObjectGUID: child, strParentGUID: guid });

    const under = await childOUs(emu.admin, servers['adhst_id'] as number);
    expect(under).toHaveLength(1);
    const added = under[0]!;
    expect(added['adhst_idComputer']).toBe(guid);
    expect(hex(added['adhst_binOu'])).toBe(guid.replaceAll('-', ''));
    const info = (
      await emu.admin.call('AdHosts.GetOU', {
        idOU: added['adhst_id'] as number,
        pFields: ['adhst_idParent', 'adhst_childSubunitsNum', 'adhst_hostsNum'],
      })
    )['PxgRetVal'] as Params;
    expect(info).toEqual({
      adhst_idParent: servers['adhst_id'],
      adhst_childSubunitsNum: 1,
      adhst_hostsNum: 0,
    });

    expect(
      (await failure(emu.admin.call('AdHosts.AddOU', { strObjectGUID: guid, strParentGUID: '' }))).pxgCode,
    ).toBe(1193);
    expect(
      (await failure(emu.admin.call('AdHosts.AddOU', { strObjectGUID: 'not a guid', strParentGUID: '' })))
        .pxgCode,
    ).toBe(1187);
    expect(
      (
        await failure(
          emu.admin.call('AdHosts.AddOU', { strObjectGUID: 'aa'.repeat(16), strParentGUID: 'bb'.repeat(16) }),
        )
      ).pxgCode,
    ).toBe(1186);

    // An OU added without a parent is a root of the hierarchy.
    await emu.admin.call('AdHosts.AddOU', { strObjectGUID: 'cc'.repeat(16), strParentGUID: '' });
    expect((await childOUs(emu.admin, 0)).map((u) => hex(u['adhst_binOu']))).toContain('cc'.repeat(16));

    await emu.admin.call('AdHosts.RemoveOU', { strObjectGUID: guid });
    expect(await childOUs(emu.admin, servers['adhst_id'] as number)).toEqual([]);
    expect((await failure(emu.admin.call('AdHosts.RemoveOU', { strObjectGUID: child }))).pxgCode).toBe(1186);
    await emu.admin.call('AdHosts.RemoveOU', { strObjectGUID: 'cc'.repeat(16) });
  });

  it('RemoveOU of a scanned OU drops its computers from the tree', async () => {
    const [root] = await childOUs(emu.admin, 0);
    const rootId = root!['adhst_id'] as number;
    const units = await childOUs(emu.admin, rootId);
    const workstations = units.find((u) => u['adhst_idComputer'] === 'Workstations')!;
    const before = (await childOUs(emu.admin, 0))[0]!['adhst_hostsNum'] as number;
    await emu.admin.call('AdHosts.RemoveOU', { strObjectGUID: hex(workstations['adhst_binOu']) });
    expect((await childOUs(emu.admin, rootId)).map((u) => u['adhst_idComputer'])).not.toContain(
      'Workstations',
    );
    const after = (await childOUs(emu.admin, 0))[0]!['adhst_hostsNum'] as number;
    expect(after).toBe(before - (workstations['adhst_hostsNum'] as number));
    expect(
      (
        await failure(
          emu.admin.call('AdHosts.GetOU', { idOU: workstations['adhst_id'] as number, pFields: [] }),
        )
      ).pxgCode,
    ).toBe(1186);
  });
});
