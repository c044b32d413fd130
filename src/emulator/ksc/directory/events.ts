import { createHash } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import { hashString } from '../../core/random.ts';
import type { Clock } from '../../core/clock.ts';
import { DIRECTORY_SOURCE, type DirectoryEventType } from '../../../directory/types.ts';
import type { DirectoryObject } from './identity.ts';

/** The publishing KSC instance, as every event's `data` names it. */
export interface PublisherIdentity {
  readonly tenantId: string;
  readonly kscInstanceId: string;
}

export type DirectoryCloudEvent = CloudEvent<Record<string, unknown>>;

/** A chunk item (`ds_ids_chunk`): one identifier of the object, chosen per object (decision 0055). */
export type ChunkItem = Readonly<Record<string, string | number>>;

/** The tenant and instance ids of a seed: stable, so two runs publish under the same instance. */
export function identityOfSeed(seed: number): PublisherIdentity {
  const uuid = (label: string): string => {
    const hex = createHash('sha256').update(`${label}\u0000${seed}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  return { tenantId: uuid('tenant'), kscInstanceId: uuid('ksc-instance') };
}

/**
 * How a chunk names an object. Seed 003's sample mixes trustee id + suffix (the suffix as a JSON number), `uid`
 * and `sid_hash`; the emulator uses those and `uid_bin` and `dn_hash` too, one per object, so a receiver must
 * reconcile every kind of identifier.
 */
export function chunkItemOf(object: DirectoryObject): ChunkItem {
  switch (hashString(object.key) % 5) {
    case 0:
      return { ksc_trustee_id: object.trusteeId, ksc_trustee_sfx: Number(object.trusteeSfx) };
    case 1:
      return { uid: object.uid };
    case 2:
      return { sid_hash: object.sidHash };
    case 3:
      return { uid_bin: object.uidBin };
    default:
      return { dn_hash: object.dnHash };
  }
}

/** `ds_ids` of the subject of a membership event: the identifiers of seed 003's sample. */
export function subjectIdsOf(object: DirectoryObject): Record<string, string> {
  return {
    ds: 'AD',
    uid: object.uid,
    uid_bin: object.uidBin,
    sid_hash: object.sidHash,
    ksc_trustee_id: object.trusteeId,
    ksc_trustee_sfx: object.trusteeSfx,
  };
}

/** `ds_info` of a user or group: every attribute of seed 003's `ds_user_info` sample that the object has. */
export function dsInfoOf(object: DirectoryObject): Record<string, string> {
  return {
    ds: 'AD',
    uid: object.uid,
    uid_bin: object.uidBin,
    sid_bin: object.sidBin,
    sid_hash: object.sidHash,
    dn: object.dn,
    dn_hash: object.dnHash,
    display_name: object.displayName,
    ...(object.upn === undefined ? {} : { upn: object.upn }),
    sam_name: object.samName,
    ...(object.mail === undefined ? {} : { mail: object.mail }),
  };
}

/** Splits into chunks of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Makes the events of one publisher: ids from a sequence number, the type and the data (deterministic, and a
 * different event never reuses an id), times from the emulator's clock, strictly increasing by at least 1 ms so
 * that no two events tie on `time` and the order of publication is the order of `time`.
 */
export class DirectoryEventFactory {
  #sequence = 0;
  #lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly identity: PublisherIdentity,
    private readonly clock: Clock,
  ) {}

  /** How many events were made. */
  get sequence(): number {
    return this.#sequence;
  }

  make(type: DirectoryEventType, data: Record<string, unknown> = {}): DirectoryCloudEvent {
    const full = {
      tenant_id: this.identity.tenantId,
      ksc_instance_id: this.identity.kscInstanceId,
      ...data,
    };
    this.#sequence += 1;
    const id = createHash('sha1')
      .update(
        `${this.identity.kscInstanceId}\u0000${this.#sequence}\u0000${type}\u0000${JSON.stringify(full)}`,
      )
      .digest('hex');
    this.#lastTime = Math.max(this.clock.now(), this.#lastTime + 1);
    return new CloudEvent<Record<string, unknown>>({
      specversion: '1.0',
      source: DIRECTORY_SOURCE,
      id,
      type,
      time: new Date(this.#lastTime).toISOString(),
      datacontenttype: 'application/json',
      data: full,
    });
  }

  objectInfo(object: DirectoryObject): DirectoryCloudEvent {
    return this.make(object.kind === 'user' ? 'ds_user_info' : 'ds_group_info', {
      ksc_trustee_id: object.trusteeId,
      ksc_trustee_sfx: object.trusteeSfx,
      ds_info: dsInfoOf(object),
    });
  }

  objectsDeleted(objects: readonly DirectoryObject[], chunkSize: number): DirectoryCloudEvent[] {
    return chunked(objects.map(chunkItemOf), chunkSize).map((chunk) =>
      this.make('ds_obj_deleted', { ds: 'AD', ds_ids_chunk: chunk }),
    );
  }

  /**
   * A membership event per chunk: `ds_group_members[_deleted]` with the group as subject and members in the chunk,
   * `ds_obj_memberof[_deleted]` with the member as subject and groups in the chunk.
   */
  memberships(
    type: 'ds_group_members' | 'ds_group_members_deleted' | 'ds_obj_memberof' | 'ds_obj_memberof_deleted',
    subject: DirectoryObject,
    items: readonly DirectoryObject[],
    chunkSize: number,
  ): DirectoryCloudEvent[] {
    return chunked(items.map(chunkItemOf), chunkSize).map((chunk) =>
      this.make(type, { ds_ids: subjectIdsOf(subject), ds_ids_chunk: chunk }),
    );
  }
}
