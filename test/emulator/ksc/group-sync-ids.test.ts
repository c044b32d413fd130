import { describe, expect, it } from 'vitest';
import {
  categoriesSyncId,
  MAX_POLICY_ID,
  MAX_VSERVER_ID,
  parseSyncId,
  policySyncId,
} from '../../../src/emulator/ksc/group-sync/ids.ts';

describe('group synchronization ids (decision 0079)', () => {
  it('keeps policy syncs and categories syncs apart, each reading back as what it names', () => {
    expect(policySyncId(1)).toBe(13);
    expect(categoriesSyncId(0)).toBe(1);
    // The collision the old scheme (1 + server id) had: virtual server 12 against policy 1.
    expect(categoriesSyncId(12)).not.toBe(policySyncId(1));
    for (const vserverId of [0, 1, 12, 1000, MAX_VSERVER_ID])
      expect(parseSyncId(categoriesSyncId(vserverId))).toEqual({ kind: 'categories', vserverId });
    for (const policyId of [1, 2, 1_000_001, MAX_POLICY_ID]) {
      expect(parseSyncId(policySyncId(policyId))).toEqual({ kind: 'policy', policyId });
      expect(policySyncId(policyId)).toBeLessThan(categoriesSyncId(MAX_VSERVER_ID));
    }
    expect(categoriesSyncId(1)).toBe(2 ** 31 - 1);
    for (const id of [0, 2, 12, -1, 2 ** 31]) expect(parseSyncId(id)).toBeUndefined();
    expect(() => categoriesSyncId(MAX_VSERVER_ID + 1)).toThrow();
  });
});
