import { createHash } from 'node:crypto';
import type { KlParams } from '../../ksc/values.ts';
import type { UserRecord } from './world.ts';
import { USER_VIEW_ATTRIBUTES } from '../../ksc/view-attributes.ts';

/**
 * Users as KSC's user lists show them (`HostGroup.FindUsers`, the `GlobalUsersListSrvViewName` view): the `ul_*`
 * attributes of seed 001's List Users sample. This module covers the server's internal users; the accounts of
 * the managed devices are in `users/domain-users.ts`, and `users/list.ts` joins both.
 */
export const USER_ATTRIBUTES: ReadonlySet<string> = new Set(USER_VIEW_ATTRIBUTES);

/** Stable per-user bytes, so ids do not change between starts of the same world. */
function digest(user: UserRecord, purpose: string): Buffer {
  return createHash('sha256').update(`${purpose}\u0000${user.vserverId}\u0000${user.name}`).digest();
}

function guid(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The `ul_*` view of an internal KSC user (internal users have no Windows SID, so `ul_imgSid` is absent). */
export function internalUserView(user: UserRecord): KlParams {
  return {
    ul_Builtin: false,
    ul_InternalUser: true,
    ul_Local: false,
    ul_bTotpException: false,
    ul_bTotpReigstered: false,
    ul_bUIS: false,
    ul_bUser: true,
    ul_binId: new Uint8Array(digest(user, 'id').subarray(0, 16)),
    ul_llTrusteeId: BigInt(100_000 + user.id),
    ul_nVServer: user.vserverId,
    ul_strObjectGUID: guid(digest(user, 'guid')),
    ul_wstrCompany: '',
    ul_wstrDepartment: '',
    ul_wstrDisplayName: user.displayName,
    ul_wstrMail: '',
    ul_wstrMobile: '',
    ul_wstrPrincipalName: '',
    ul_wstrSamAccountName: user.name,
    ul_wstrTelephoneNumber: '',
  };
}
