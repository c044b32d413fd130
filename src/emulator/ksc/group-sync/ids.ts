import { faults } from '../faults.ts';

/**
 * Group synchronization ids are one number space for the whole emulator (KSC keeps every server's syncs in the
 * main server's database), shared by two kinds (docs/decisions/0079):
 *
 * - a policy's sync is `KLPOL_ID + 12` (decision 0008: XSOAR's sample shows policy 1 with `KLPOL_GSYN_ID` 13, so
 *   ids 1–12 are the main server's own syncs, made before its first policy);
 * - a server's custom-categories sync (`FileCategorizer2.GetSyncId`) is 1 on the main server (one of those own
 *   syncs) and, for virtual server v, `2^31 − v`: counted down from the top of the 32-bit range the reference's
 *   `int` allows, where policy syncs never reach, since policy ids stop below `MAX_POLICY_ID`.
 */

const INT32_MAX = 2_147_483_647;
const POLICY_SYNC_OFFSET = 12;
const MAIN_CATEGORIES_SYNC = 1;

/** The highest virtual server id with a categories sync id of its own. */
export const MAX_VSERVER_ID = 65_535;

const VSERVER_BLOCK_START = INT32_MAX + 1 - MAX_VSERVER_ID;

/** The highest policy id the emulator hands out: its sync id stays below the virtual servers' block. */
export const MAX_POLICY_ID = VSERVER_BLOCK_START - 1 - POLICY_SYNC_OFFSET;

/** What a sync id names: a policy's sync, or a server's categories sync. */
export type SyncRef =
  | { readonly kind: 'policy'; readonly policyId: number }
  | { readonly kind: 'categories'; readonly vserverId: number };

/** `KLPOL_GSYN_ID` of a policy. */
export function policySyncId(policyId: number): number {
  return policyId + POLICY_SYNC_OFFSET;
}

/** `FileCategorizer2.GetSyncId` of a server. */
export function categoriesSyncId(vserverId: number): number {
  if (vserverId === 0) return MAIN_CATEGORIES_SYNC;
  if (!Number.isInteger(vserverId) || vserverId < 0 || vserverId > MAX_VSERVER_ID)
    throw faults.limitViolation(`Virtual server ${vserverId} has no group synchronization id`);
  return INT32_MAX + 1 - vserverId;
}

/** The kind and object a sync id names, or `undefined` for an id no sync can have. */
export function parseSyncId(syncId: number): SyncRef | undefined {
  if (!Number.isInteger(syncId)) return undefined;
  if (syncId === MAIN_CATEGORIES_SYNC) return { kind: 'categories', vserverId: 0 };
  if (syncId >= VSERVER_BLOCK_START && syncId <= INT32_MAX)
    return { kind: 'categories', vserverId: INT32_MAX + 1 - syncId };
  if (syncId > POLICY_SYNC_OFFSET && syncId < VSERVER_BLOCK_START)
    return { kind: 'policy', policyId: syncId - POLICY_SYNC_OFFSET };
  return undefined;
}
