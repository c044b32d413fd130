/**
 * The IAM directory as KSC publishes it (seed 003): CloudEvents 1.0 from `osmp-ds-info-provider` about directory
 * users, security groups, their direct memberships and deletions, and the reset protocol after a restore. These are
 * the events once checked (`./events/`), what the model (`./model/`) applies and what the KSC emulator publishes.
 * Attribute names inside `data` are the seed's; the event envelope is the CloudEvents one.
 */
import type { PlainJson } from '../commands/core/types.ts';

/** The CloudEvents `source` of every directory event (seed 003: "Predefined value of the source parameter"). */
export const DIRECTORY_SOURCE = 'osmp-ds-info-provider';

/** The nine event types of seed 003, in its order. */
export const DIRECTORY_EVENT_TYPES = [
  'ds_info_reset',
  'ds_info_reset_complete',
  'ds_user_info',
  'ds_group_info',
  'ds_obj_deleted',
  'ds_group_members',
  'ds_group_members_deleted',
  'ds_obj_memberof',
  'ds_obj_memberof_deleted',
] as const;
export type DirectoryEventType = (typeof DIRECTORY_EVENT_TYPES)[number];

/**
 * Who published: a KSC instance of a tenant, and the virtual server when the object belongs to one. Every directory
 * fact is kept per instance (two KSC servers may publish the same domain; their trustee ids differ).
 */
export interface PublisherInstance {
  readonly tenantId: string;
  readonly kscInstanceId: string;
  readonly kscVsUid?: string;
  readonly kscVsId?: string;
}

/**
 * The identifiers an event may name an object by (seed 003's `ds_ids` and the items of `ds_ids_chunk`): any subset.
 * Numbers in the seed's samples (`"ksc_trustee_sfx": 65536`) are kept as decimal strings, so one object has one
 * spelling.
 */
export interface DirectoryIds {
  readonly ds?: string;
  readonly uid?: string;
  readonly uidBin?: string;
  readonly sidHash?: string;
  readonly dnHash?: string;
  readonly kscTrusteeId?: string;
  readonly kscTrusteeSfx?: string;
}

/**
 * `ds_info` of a user or group as published. The attributes the seed shows are named; the publisher may send more
 * (kept in `extra`, as received).
 */
export interface DirectoryInfo {
  readonly ds?: string;
  readonly uid?: string;
  readonly uidBin?: string;
  readonly sidBin?: string;
  readonly sidHash?: string;
  readonly dn?: string;
  readonly dnHash?: string;
  readonly displayName?: string;
  readonly upn?: string;
  readonly samName?: string;
  readonly mail?: string;
  readonly extra?: { readonly [name: string]: PlainJson };
}

interface EventEnvelope<Type extends DirectoryEventType> {
  /** CloudEvents `id`: with `source`, what makes a redelivery recognisable. */
  readonly id: string;
  readonly source: string;
  readonly type: Type;
  /** CloudEvents `time`, ISO 8601 as sent (required here: ordering depends on it). */
  readonly time: string;
  readonly instance: PublisherInstance;
}

export type ResetEvent = EventEnvelope<'ds_info_reset' | 'ds_info_reset_complete'>;

/** `ds_user_info` / `ds_group_info`: an object's main information, whole (not a patch). */
export interface ObjectInfoEvent extends EventEnvelope<'ds_user_info' | 'ds_group_info'> {
  readonly trustee: { readonly id: string; readonly sfx: string };
  readonly info: DirectoryInfo;
  readonly infoOriginal?: DirectoryInfo;
}

/** `ds_obj_deleted`: the objects of the chunk are gone. */
export interface ObjectsDeletedEvent extends EventEnvelope<'ds_obj_deleted'> {
  readonly ds?: string;
  readonly chunk: readonly DirectoryIds[];
}

/**
 * The membership events: `ds_group_members[_deleted]` name a group (`subject`) and members (`chunk`);
 * `ds_obj_memberof[_deleted]` name a member (`subject`) and groups (`chunk`). Always direct memberships.
 */
export interface MembershipEvent extends EventEnvelope<
  'ds_group_members' | 'ds_group_members_deleted' | 'ds_obj_memberof' | 'ds_obj_memberof_deleted'
> {
  readonly ds?: string;
  readonly subject: DirectoryIds;
  readonly chunk: readonly DirectoryIds[];
}

export type DirectoryEvent = ResetEvent | ObjectInfoEvent | ObjectsDeletedEvent | MembershipEvent;

/** What applying one event did. */
export type ApplyOutcome =
  /** Changed the directory (or the reset state). */
  | 'applied'
  /** Seen before, by (`source`, `id`): nothing changed. */
  | 'duplicate'
  /** Older than what the directory already knows of its object(s) (by `time`, ties by `id`): nothing changed. */
  | 'stale';

/** The receiver's view of the model: apply checked events, each whole or not at all. */
export interface DirectoryApplier {
  /**
   * Applies the events in the given order, each in its own transaction (an event is applied whole or not at all);
   * resolves with one outcome per event. A store failure rejects, and the events from the failing one on are not
   * applied.
   */
  apply(events: readonly DirectoryEvent[]): Promise<readonly ApplyOutcome[]>;
  /**
   * Counts events refused by the checks before they reached `apply` (by reason, see `rejectionReason`), so the
   * directory's status can report them across restarts. Optional: an applier that keeps no counts leaves it out.
   */
  countRejected?(via: RejectionChannel, reasons: readonly string[]): Promise<void>;
}

/** Where a refused event came in: the HTTP receiver or the NATS consumer. */
export type RejectionChannel = 'http' | 'nats';
