import type { DirectoryInfo, PublisherInstance, RejectionChannel } from '../types.ts';

export type DirectoryObjectKind = 'user' | 'group';

/** A user or group as queries return it: one object of a publisher's complete generation. */
export interface DirectoryObject {
  /** The model's id: stable while the generation lasts (a completed reset gives new ones). */
  readonly id: number;
  readonly kind: DirectoryObjectKind;
  readonly instance: PublisherInstance;
  readonly generation: number;
  readonly trustee: { readonly id: string; readonly sfx: string } | undefined;
  readonly info: DirectoryInfo;
  readonly infoOriginal: DirectoryInfo | undefined;
  /** `time` of the event that described it last. */
  readonly updatedAt: string;
}

/** A group reached from a user (or a member reached from a group), with the nesting depth: 1 = direct. */
export interface DirectoryRelation {
  readonly object: DirectoryObject;
  readonly depth: number;
}

/** Which attribute an identifier matched. */
export type MatchedBy =
  | 'trustee'
  | 'uid'
  | 'uid_bin'
  | 'sid_hash'
  | 'dn_hash'
  | 'sid'
  | 'upn'
  | 'sam_name'
  | 'mail'
  | 'dn'
  | 'display_name';

export interface DirectoryUserDetail {
  readonly user: DirectoryObject;
  readonly matchedBy: readonly MatchedBy[];
  readonly directGroups: readonly DirectoryObject[];
  /** Every group the user is in, directly or through nesting, each once at its smallest depth. */
  readonly groups: readonly DirectoryRelation[];
  /** True when nesting went deeper than the depth limit (the groups below it are not listed). */
  readonly depthLimited: boolean;
}

/** `getUser`: every user the identifier matches — never one picked when several do. */
export interface UserLookup {
  readonly identifier: string;
  readonly candidates: readonly DirectoryUserDetail[];
}

export interface GroupMembers {
  readonly group: DirectoryObject;
  readonly members: readonly DirectoryRelation[];
  readonly depthLimited: boolean;
}

export interface GroupMembersLookup {
  readonly identifier: string;
  /** One entry per group the identifier matches. */
  readonly candidates: readonly GroupMembers[];
}

export interface ListOptions {
  /** Case-insensitive substring of display name, UPN, sAMAccountName or mail. */
  readonly search?: string;
  /** 1..1000, default 100. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
  readonly instance?: Pick<PublisherInstance, 'tenantId' | 'kscInstanceId'>;
}

export interface ListPage {
  readonly items: readonly DirectoryObject[];
  /** Present when more items follow. */
  readonly nextCursor?: string;
}

/** The directory identity added to events and hosts by enrichment. */
export interface DirectoryIdentity {
  readonly instance: PublisherInstance;
  readonly trustee: { readonly id: string; readonly sfx: string } | undefined;
  readonly displayName: string | undefined;
  readonly upn: string | undefined;
  readonly samName: string | undefined;
  readonly mail: string | undefined;
  /** Display names (else sAMAccountName) of every group, direct or nested. */
  readonly groups: readonly string[];
  /** The same names, of the groups the user is a direct member of only. */
  readonly directGroups: readonly string[];
}

export interface IdentityQuery {
  readonly trusteeId?: string;
  readonly trusteeSfx?: string;
  /** A SID as text (`S-1-5-21-…`) or the base64 of its binary form. */
  readonly sid?: string;
  readonly sidHash?: string;
  readonly uid?: string;
  readonly upn?: string;
  readonly instance?: Pick<PublisherInstance, 'tenantId' | 'kscInstanceId'>;
}

export interface ResetStatus {
  /** `time` of the `ds_info_reset`. */
  readonly since: string;
  readonly ageMs: number;
  readonly eventsReceived: number;
  readonly pendingGeneration: number;
}

/** A reset open on an instance: queries answer from its complete generation `generation` meanwhile. */
export interface ResetInProgress extends ResetStatus {
  readonly tenantId: string;
  readonly kscInstanceId: string;
  /** The complete generation queries answer from. */
  readonly generation: number;
}

export interface InstanceStatus {
  readonly tenantId: string;
  readonly kscInstanceId: string;
  readonly generation: number;
  readonly users: number;
  readonly groups: number;
  readonly memberships: number;
  readonly resetInProgress: ResetStatus | undefined;
  readonly lastEventTime: string | undefined;
  readonly events: { readonly applied: number; readonly duplicate: number; readonly stale: number };
}

/** Refused events of one reason, by where they came in. */
export interface RejectionCount {
  readonly via: RejectionChannel;
  /** The attribute at fault and why, e.g. `time: required` (`rejectionReason`). */
  readonly reason: string;
  /** Since the directory store was first used (kept across restarts). */
  readonly total: number;
  /** Since this process opened the store. */
  readonly sinceStart: number;
}

/** Events the receiver and the NATS consumer refused: they never reached an instance, so they are counted apart. */
export interface RejectedEvents {
  readonly total: number;
  readonly sinceStart: number;
  readonly reasons: readonly RejectionCount[];
}

export interface DirectoryStatus {
  readonly instances: readonly InstanceStatus[];
  readonly rejected: RejectedEvents;
}
