/**
 * Seed 003's examples (made valid JSON, as the checker produces them) applied in order: the user, the group named
 * only by membership, identity reconciliation by trustee, uid and sid_hash, and lookups by every identifier.
 */
import { describe, expect, it } from 'vitest';
import type { DirectoryEvent } from '../../../src/directory/types.ts';
import { BACKENDS, INSTANCE, useStore } from './support.ts';

const VS = { ...INSTANCE, kscVsUid: 'VSRV42a6e07b-891f-4b88-bdbf-7438434346a4', kscVsId: '42' };

const SEED: DirectoryEvent[] = [
  {
    source: 'osmp-ds-info-provider',
    id: '21c7518462e853ff078d955e27c2f680101961a9',
    type: 'ds_info_reset',
    time: '2024-09-13T09:44:22Z',
    instance: INSTANCE,
  },
  {
    source: 'osmp-ds-info-provider',
    id: 'bc90166c358682cf038b6ee0c8d7117660bd4c5b ',
    type: 'ds_user_info',
    time: '2024-09-13T09:45:28Z',
    instance: VS,
    trustee: { id: '42', sfx: '65536' },
    info: {
      ds: 'AD',
      uid: '81e8d217-de5c-4fe9-875a-569522f005b7',
      uidBin: 'gejSF95cT+mHWlaVIvAFtw==',
      sidBin: 'AQUAAAAAAAUVAAAAGw5oPb8WR561pZ7BWAQAAA==',
      sidHash: 'G8KbNvYjuoKq9nJP07FnGA==',
      dn: 'cn=John Smith,ou=people,dc=example,dc=com',
      dnHash: 'Lxq33Udh1dH0yGlXdRRaFA==',
      displayName: 'John Smith',
      upn: 'john.smith@example.com',
      samName: 'JSMITH',
      mail: 'john.smith@example.com',
    },
  },
  {
    source: 'osmp-ds-info-provider',
    id: 'bc90166c358682cf038b6ee0c8d7117660bd4c5b',
    type: 'ds_group_members',
    time: '2024-09-13T09:48:33Z',
    instance: VS,
    subject: {
      ds: 'AD',
      uid: '2e37a8a6-ca4d-4810-bed5-287d6f4b1efc',
      uidBin: 'LjeopspNSBC+1Sh9b0se/A==',
      sidHash: 'rjnJpMrxs1pB8GxyqEQeTg==',
      kscTrusteeId: '14',
      kscTrusteeSfx: '33554432',
    },
    chunk: [
      { kscTrusteeId: '42', kscTrusteeSfx: '65536' },
      { uid: '5fec2a06-b668-41af-9322-dc0cf962dd7e' },
      { uid: '7f628ba4-71b1-4867-9ffc-adde9a8e7c67' },
      { sidHash: 'G8KbNvYjuoKq9nJP07FnGA==' },
    ],
  },
  {
    source: 'osmp-ds-info-provider',
    id: '31c7518462e853ff078d955e27c2f680101961a0',
    type: 'ds_info_reset_complete',
    time: '2024-09-13T09:47:44Z',
    instance: INSTANCE,
  },
];

describe.each(BACKENDS)('seed 003 examples on %s', (backend) => {
  const opened = useStore(backend, 'directory_seed', { per: 'block' });

  it('applies each once; the membership of the group named by its ids lands before the group is described', async () => {
    const { store } = opened;
    // The complete comes (by time) before the membership: the membership lands in the new generation after it.
    expect(await store.apply(SEED)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(await store.apply(SEED)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const status = await store.status();
    expect(status.instances).toHaveLength(1);
    expect(status.instances[0]).toMatchObject({
      generation: 2,
      users: 1,
      groups: 0,
      resetInProgress: undefined,
      lastEventTime: '2024-09-13T09:48:33.000000000Z',
      events: { applied: 4, duplicate: 4, stale: 0 },
    });
  });

  it('finds John Smith by every identifier and attribute, one object', async () => {
    const { store } = opened;
    for (const identifier of [
      '42',
      '42:65536',
      '81E8D217-DE5C-4FE9-875A-569522F005B7',
      'gejSF95cT+mHWlaVIvAFtw==',
      'G8KbNvYjuoKq9nJP07FnGA==',
      'Lxq33Udh1dH0yGlXdRRaFA==',
      'John.Smith@Example.com',
      'jsmith',
      'EXAMPLE\\JSmith',
      'CN=John Smith,OU=people,DC=example,DC=com',
      'john smith',
      'S-1-5-21-1030229531-2655459007-3248399797-1112',
    ]) {
      const found = await store.getUser(identifier);
      expect(
        found.candidates.map((c) => c.user.info.upn),
        identifier,
      ).toEqual(['john.smith@example.com']);
    }
    const identity = await store.identityFor({ sid: 'S-1-5-21-1030229531-2655459007-3248399797-1112' });
    expect(identity).toHaveLength(1);
    expect(identity[0]).toMatchObject({ displayName: 'John Smith', trustee: { id: '42', sfx: '65536' } });
    expect(identity[0]!.instance).toMatchObject({ kscVsId: '42' });
  });

  it('keeps the group as a placeholder until described, then shows its members', async () => {
    const { store } = opened;
    // The chunk named John by trustee and by sid_hash: both reconcile to the one user.
    expect((await store.getUser('jsmith')).candidates[0]!.groups).toEqual([]);
    await store.apply([
      {
        source: 'osmp-ds-info-provider',
        id: 'group-14',
        type: 'ds_group_info',
        time: '2024-09-13T09:49:00Z',
        instance: { ...INSTANCE, kscVsUid: 'VSRV42a6e07b-891f-4b88-bdbf-7438434346a4', kscVsId: '42' },
        trustee: { id: '14', sfx: '33554432' },
        info: {
          ds: 'AD',
          uid: '2e37a8a6-ca4d-4810-bed5-287d6f4b1efc',
          samName: 'Admins',
          displayName: 'Admins',
        },
      },
    ]);
    const john = (await store.getUser('jsmith')).candidates[0]!;
    expect(john.directGroups.map((g) => g.info.samName)).toEqual(['Admins']);
    const admins = await store.groupMembers('admins');
    // The two uids never described stay placeholders: not members a query shows.
    expect(admins.candidates[0]!.members.map((m) => m.object.info.samName)).toEqual(['JSMITH']);
  });
});
