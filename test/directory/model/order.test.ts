/**
 * Out of order delivery (fast-check): any permutation of a sequence of events about one user and its groups ends
 * in the same directory as the sequence applied in time order (ties broken by id). Each run uses its own tenant,
 * so one store per backend serves every run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../../src/directory/model/index.ts';
import type { DirectoryEvent, PublisherInstance } from '../../../src/directory/types.ts';
import {
  BACKENDS,
  deleted,
  group,
  groupInfo,
  memberOf,
  members,
  user,
  userInfo,
  useStore,
} from './support.ts';

type Step =
  | { kind: 'info'; name: number }
  | { kind: 'delete' }
  | { kind: 'add1' }
  | { kind: 'remove1' }
  | { kind: 'add2' }
  | { kind: 'remove2' }
  | { kind: 'deleteGroup1' };

const step = fc.oneof(
  fc.record({ kind: fc.constant('info' as const), name: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ kind: 'delete' as const }),
  fc.constant({ kind: 'add1' as const }),
  fc.constant({ kind: 'remove1' as const }),
  fc.constant({ kind: 'add2' as const }),
  fc.constant({ kind: 'remove2' as const }),
  fc.constant({ kind: 'deleteGroup1' as const }),
);

function eventOf(s: Step, second: number): DirectoryEvent {
  switch (s.kind) {
    case 'info':
      return userInfo(1, second, { displayName: `Name ${s.name}` });
    case 'delete':
      return deleted([user(1)], second);
    case 'add1':
      return members('ds_group_members', group(1), [user(1)], second);
    case 'remove1':
      return members('ds_group_members_deleted', group(1), [user(1)], second);
    case 'add2':
      return memberOf('ds_obj_memberof', user(1), [group(2)], second);
    case 'remove2':
      return memberOf('ds_obj_memberof_deleted', user(1), [group(2)], second);
    case 'deleteGroup1':
      return deleted([group(1)], second);
  }
}

async function stateOf(store: DirectoryStore, instance: PublisherInstance): Promise<unknown> {
  const filter = { instance: { tenantId: instance.tenantId, kscInstanceId: instance.kscInstanceId } };
  const users = (await store.listUsers(filter)).items;
  const groups = (await store.listGroups(filter)).items;
  const out: Record<string, unknown> = {
    groups: groups.map((g) => g.info.samName).sort(),
  };
  for (const u of users) {
    const found = (await store.getUser(u.info.upn!)).candidates.find((c) => c.user.id === u.id)!;
    out[u.info.upn!] = {
      name: u.info.displayName,
      groups: found.groups.map((g) => g.object.info.samName).sort(),
    };
  }
  return out;
}

describe.each(BACKENDS)('events out of order on %s', (backend) => {
  const opened = useStore(backend, 'directory_order', { per: 'block' });

  it('any permutation ends in the state of the time-ordered sequence', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(step, fc.integer({ min: 2, max: 12 })), { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        async (steps, randoms) => {
          run++;
          const make = (tenant: string) => {
            const instance = { tenantId: tenant, kscInstanceId: 'order' };
            // The same events for both tenants: ids get the tenant appended (redelivery is recognised by source and id
            // alone), which keeps their order, so ties break the same way.
            return { instance, events: base.map((e) => ({ ...e, id: `${e.id}-${tenant}`, instance })) };
          };
          const base: DirectoryEvent[] = [
            groupInfo(1, 1),
            groupInfo(2, 1),
            ...steps.map(([s, t]) => eventOf(s, t)),
          ];
          const ordered = make(`ordered-${run}`);
          const shuffled = make(`shuffled-${run}`);
          const inOrder = [...ordered.events].sort((a, b) =>
            a.time === b.time ? (a.id < b.id ? -1 : 1) : a.time < b.time ? -1 : 1,
          );
          const it = randoms[Symbol.iterator]();
          const permuted = [...shuffled.events];
          for (let i = permuted.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [permuted[i], permuted[j]] = [permuted[j]!, permuted[i]!];
          }
          await opened.store.apply(inOrder);
          await opened.store.apply(permuted);
          expect(await stateOf(opened.store, shuffled.instance)).toEqual(
            await stateOf(opened.store, ordered.instance),
          );
        },
      ),
      { numRuns: backend === 'postgres' ? 15 : 40 },
    );
  });
});
