import type { Kysely } from 'kysely';
import { decodeParams, stringifyParams } from '../../../ksc/codec.ts';
import type { KlParams } from '../../../ksc/values.ts';
import { parseWireJson } from '../../../wire/json.ts';
import { faults } from '../faults.ts';
import { MAX_POLICY_ID } from '../group-sync/ids.ts';
import type { PolicyTables } from '../store/tables/policies.ts';
import type { KscWorld } from '../world.ts';
import type { PolicyRecord } from './policies.ts';

/** A stored change: the policy as it now is, or `null` for a deleted one. */
export type PolicyChanges = ReadonlyMap<number, PolicyRecord | null>;

/**
 * Ids of policies added through the API start here: above any seeded id (`groupId * 8 + slot + 1` stays far
 * below for the group counts the emulator generates), so a new policy never takes a seeded one's id.
 */
const FIRST_ADDED_ID = 1_000_001;

function db(world: KscWorld): Kysely<PolicyTables> {
  return world.db.withTables<PolicyTables>();
}

/** The policy changes of one server, by policy id. */
export async function policyChanges(world: KscWorld, vserverId: number): Promise<PolicyChanges> {
  const rows = await db(world)
    .selectFrom('policy_changes')
    .selectAll()
    .where('vserver_id', '=', vserverId)
    .execute();
  const out = new Map<number, PolicyRecord | null>();
  for (const row of rows) {
    out.set(
      row.policy_id,
      row.deleted !== 0 || row.data === null
        ? null
        : {
            id: row.policy_id,
            groupId: row.group_id,
            product: row.product,
            attributes: decodeParams(parseWireJson(row.data)),
          },
    );
  }
  return out;
}

/** The id the next added policy gets. */
export async function nextPolicyId(world: KscWorld): Promise<number> {
  const row = await db(world)
    .selectFrom('policy_changes')
    .select((eb) => eb.fn.max('policy_id').as('max'))
    .executeTakeFirst();
  const id = Math.max(FIRST_ADDED_ID, Number(row?.max ?? 0) + 1);
  // Beyond it a policy's sync id would enter the virtual servers' categories syncs (group-sync/ids.ts).
  if (id > MAX_POLICY_ID) throw faults.limitViolation('Too many policies');
  return id;
}

/** Stores a policy as it now is. */
export async function storePolicy(world: KscWorld, vserverId: number, policy: PolicyRecord): Promise<void> {
  const data = stringifyParams(policy.attributes);
  await db(world)
    .insertInto('policy_changes')
    .values({
      policy_id: policy.id,
      vserver_id: vserverId,
      group_id: policy.groupId,
      product: policy.product,
      data,
      deleted: 0,
    })
    .onConflict((oc) =>
      oc
        .column('policy_id')
        .doUpdateSet({ group_id: policy.groupId, product: policy.product, data, deleted: 0 }),
    )
    .execute();
}

/** Marks a policy deleted (a seeded one keeps its row so it does not come back from the group tree). */
export async function storeDeletedPolicy(
  world: KscWorld,
  vserverId: number,
  policy: Pick<PolicyRecord, 'id' | 'groupId' | 'product'>,
): Promise<void> {
  await db(world)
    .insertInto('policy_changes')
    .values({
      policy_id: policy.id,
      vserver_id: vserverId,
      group_id: policy.groupId,
      product: policy.product,
      data: null,
      deleted: 1,
    })
    .onConflict((oc) => oc.column('policy_id').doUpdateSet({ data: null, deleted: 1 }))
    .execute();
}

/** The policy with some attributes replaced. */
export function withAttributes(policy: PolicyRecord, changes: KlParams): PolicyRecord {
  return { ...policy, attributes: { ...policy.attributes, ...changes } };
}
