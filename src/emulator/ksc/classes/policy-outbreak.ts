import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { faults } from '../faults.ts';
import { findPolicy } from '../inventory/policies.ts';
import { policyChanges } from '../inventory/policy-store.ts';
import { defineClass } from '../method.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];

/**
 * `Policy.GetOutbreakPolicies` / `SetOutbreakPolicies` (docs/decisions/0068): the policies a server activates
 * on an outbreak, per virtual server. A new server has none. `Set` replaces the whole list; an entry naming a
 * policy the caller's server does not have is a 1186, a mask that is not a non-negative integer a 1187 (the
 * reference does not list the mask's bits here, so they are kept, not checked).
 * A policy deleted later drops out of the list, as KSC keeps no outbreak entry for a policy that is gone.
 * An outbreak declared through the control API (`inventory/outbreaks.ts`, decision 0076) activates them.
 */
export const policyOutbreakClass = defineClass('Policy', {
  GetOutbreakPolicies: {
    rights: READ,
    handler: async (ctx) => {
      const stored = await storedSetting(ctx.world, ctx.vserverId, 'outbreak-policies');
      const entries = Array.isArray(stored?.['KLPOL_POL_OUTBREAK'])
        ? (stored['KLPOL_POL_OUTBREAK'] as KlParams[])
        : [];
      const changes = await policyChanges(ctx.world, ctx.vserverId);
      const live = entries.filter(
        (e) => findPolicy(ctx.world, ctx.vserverId, e['KLPOL_ID'] as number, changes) !== undefined,
      );
      return { PxgRetVal: { KLPOL_POL_OUTBREAK: live } };
    },
  },

  SetOutbreakPolicies: {
    rights: WRITE,
    handler: async (ctx, { pData }) => {
      const list = pData['KLPOL_POL_OUTBREAK'] ?? [];
      if (!Array.isArray(list)) throw faults.badParameter('KLPOL_POL_OUTBREAK');
      const changes = await policyChanges(ctx.world, ctx.vserverId);
      const entries: KlParams[] = [];
      for (const entry of list) {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || entry instanceof Date)
          throw faults.badParameter('KLPOL_POL_OUTBREAK');
        const { KLPOL_ID: id, KLPOL_OUTBREAK_MASK: mask } = entry as KlParams;
        if (typeof id !== 'number' || !Number.isInteger(id)) throw faults.badParameter('KLPOL_ID');
        if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0)
          throw faults.badParameter('KLPOL_OUTBREAK_MASK');
        if (findPolicy(ctx.world, ctx.vserverId, id, changes) === undefined)
          throw faults.notFound(`Policy ${id} not found`);
        entries.push({ KLPOL_ID: id, KLPOL_OUTBREAK_MASK: mask });
      }
      await storeSetting(ctx.world, ctx.vserverId, 'outbreak-policies', { KLPOL_POL_OUTBREAK: entries });
      return {};
    },
  },
});
