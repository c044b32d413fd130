import type { KlParams } from '../../../ksc/values.ts';
import { faults } from '../faults.ts';
import type { GroupRecord } from '../world/model.ts';
import { policySyncId } from '../group-sync/ids.ts';

/**
 * The policy attributes `AddPolicy` and `UpdatePolicyData` take (reference, `Policy::AddPolicy`): the name and
 * the switches, with `AddPolicy`'s defaults. Anything else (ids, times, counters) is the server's; naming it, or
 * giving a switch that is not a boolean, is `Bad parameter "pPolicyData"`.
 */
const SWITCH_DEFAULTS: Readonly<Record<string, boolean>> = {
  KLPOL_ACTIVE: false,
  KLPOL_ROAMING: false,
  KLPOL_ACCEPT_PARENT: true,
  KLPOL_FORCE_DISTRIB2CHILDREN: false,
  KLPOL_HIDE_ON_SLAVES: false,
};
const REQUIRED_TEXT = ['KLPOL_DN', 'KLPOL_PRODUCT', 'KLPOL_VERSION'] as const;

const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

function bad(): never {
  throw faults.badParameter('pPolicyData');
}

/** A new policy's full attributes; `data` must name the product, version, display name and group. */
export function newPolicyAttributes(id: number, group: GroupRecord, data: KlParams, now: number): KlParams {
  const out: Record<string, KlParams[string]> = {};
  for (const name of REQUIRED_TEXT) {
    const value = data[name];
    if (typeof value !== 'string' || value === '') bad();
    out[name] = value;
  }
  for (const [name, fallback] of Object.entries(SWITCH_DEFAULTS)) {
    const value = data[name] ?? fallback;
    if (typeof value !== 'boolean') bad();
    out[name] = value;
  }
  return {
    ...out,
    KLPOL_ID: id,
    KLPOL_GROUP_ID: group.id,
    KLPOL_GROUP_NAME: group.name,
    KLPOL_GSYN_ID: policySyncId(id),
    KLPOL_CREATED: wholeSeconds(now),
    KLPOL_MODIFIED: wholeSeconds(now),
    KLPOL_FORCED: false,
    KLPOL_INHERITED: false,
    KLPOL_PROFILES_NUM: 0,
  };
}

/** The attributes `UpdatePolicyData` changes: the display name and the switches, and the modification time. */
export function changedPolicyAttributes(data: KlParams, now: number): KlParams {
  const out: Record<string, KlParams[string]> = {};
  for (const [name, value] of Object.entries(data)) {
    if (name === 'KLPOL_DN') {
      if (typeof value !== 'string' || value === '') bad();
    } else if (!(name in SWITCH_DEFAULTS) || typeof value !== 'boolean') bad();
    out[name] = value;
  }
  return { ...out, KLPOL_MODIFIED: wholeSeconds(now) };
}
