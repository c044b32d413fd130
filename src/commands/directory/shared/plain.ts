/**
 * The directory's answers as plain JSON for `raw` and `context`: the same fields for every command, with the
 * identifiers a SOC looks at first on top.
 */
import type { PlainJson } from '../../core/types.ts';
import type { DirectoryInfo, PublisherInstance } from '../../../directory/types.ts';
import type { DirectoryObject, DirectoryRelation, ResetInProgress } from '../../../directory/model/views.ts';

type PlainObject = { [key: string]: PlainJson };

function defined(entries: Record<string, PlainJson | undefined>): PlainObject {
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out;
}

export function plainInstance(instance: PublisherInstance): PlainObject {
  return defined({
    tenantId: instance.tenantId,
    kscInstanceId: instance.kscInstanceId,
    kscVsUid: instance.kscVsUid,
    kscVsId: instance.kscVsId,
  });
}

export function plainInfo(info: DirectoryInfo): PlainObject {
  return defined({
    ds: info.ds,
    uid: info.uid,
    uidBin: info.uidBin,
    sidBin: info.sidBin,
    sidHash: info.sidHash,
    dn: info.dn,
    dnHash: info.dnHash,
    displayName: info.displayName,
    upn: info.upn,
    samName: info.samName,
    mail: info.mail,
    ...(info.extra === undefined ? {} : { extra: { ...info.extra } }),
  });
}

/** A user or group: its names first, then where it comes from and all it was published with. */
export function plainObject(object: DirectoryObject): PlainObject {
  return defined({
    id: object.id,
    kind: object.kind,
    displayName: object.info.displayName,
    upn: object.info.upn,
    samName: object.info.samName,
    mail: object.info.mail,
    dn: object.info.dn,
    trustee: object.trustee === undefined ? undefined : { id: object.trustee.id, sfx: object.trustee.sfx },
    instance: plainInstance(object.instance),
    generation: object.generation,
    info: plainInfo(object.info),
    infoOriginal: object.infoOriginal === undefined ? undefined : plainInfo(object.infoOriginal),
    updatedAt: object.updatedAt,
  });
}

/** A group or member reached through memberships: its names and the nesting depth (1 = direct). */
export function plainRelation(relation: DirectoryRelation): PlainObject {
  return { ...plainObject(relation.object), depth: relation.depth };
}

/** The name a person reads in a table cell. */
export function nameOf(object: DirectoryObject): string {
  return object.info.displayName ?? object.info.samName ?? object.info.upn ?? `#${object.id}`;
}

export function plainReset(reset: ResetInProgress): PlainObject {
  return {
    tenantId: reset.tenantId,
    kscInstanceId: reset.kscInstanceId,
    answeredFromGeneration: reset.generation,
    pendingGeneration: reset.pendingGeneration,
    since: reset.since,
    ageMs: reset.ageMs,
    eventsReceived: reset.eventsReceived,
  };
}
