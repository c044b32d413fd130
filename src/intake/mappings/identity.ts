/**
 * The directory identity of the user a KSC event names (`GNRL_EA_PARAM_3`, `DOMAIN\name`), for the mappings that
 * add it. A mapping stays pure: it asks a synchronous lookup that the pipeline filled for the page beforehand
 * (`IdentityCache`, decision 0064); without one, or without a match, the user fields stay what the event says.
 */
import type { EnrichedIdentity, UserReference } from '../../directory/enrichment.ts';
import type { IntakeRecord, PlainObject } from '../types.ts';
import { kscAccount } from './ksc-events.ts';

export type IdentityLookup = (reference: UserReference) => EnrichedIdentity | undefined;

/** What a mapping may consult besides the record: lookups prepared per page, answered synchronously. */
export interface MappingLookups {
  readonly identity?: IdentityLookup;
}

/** How a record names its user to the directory, when it names one (KSC detections and blocked launches). */
export function userReferenceOf(record: IntakeRecord): UserReference | undefined {
  if (record.kind !== 'record' || record.source !== 'ksc.events') return undefined;
  const account = kscAccount(record.data);
  return account === undefined || account.trim() === '' ? undefined : { account };
}

/** The directory identity of the user a KSC event names, when the lookup knows it. */
export function kscEventIdentity(data: PlainObject, lookups: MappingLookups): EnrichedIdentity | undefined {
  if (lookups.identity === undefined) return undefined;
  const account = kscAccount(data);
  return account === undefined || account.trim() === '' ? undefined : lookups.identity({ account });
}
