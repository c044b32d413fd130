import type { PlainJson } from '../../commands/core/types.ts';
import type { DirectoryEvent, DirectoryIds, DirectoryInfo, PublisherInstance } from '../types.ts';
import { ID_ATTRIBUTES, INFO_ATTRIBUTES } from './rules.ts';

/** The structured-mode CloudEvent of a directory event: what a publisher sends and `checkDirectoryEvent` reads. */
export interface DirectoryCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: { readonly [attribute: string]: PlainJson };
}

type Wire = Record<string, PlainJson>;

function renamed(value: object, names: Readonly<Record<string, string>>): Wire {
  const wire: Wire = {};
  for (const [wireName, field] of Object.entries(names)) {
    const item = (value as Record<string, string | undefined>)[field];
    if (item !== undefined) wire[wireName] = item;
  }
  return wire;
}

const infoWire = (info: DirectoryInfo): Wire => ({ ...renamed(info, INFO_ATTRIBUTES), ...info.extra });
const idsWire = (ids: DirectoryIds): Wire => renamed(ids, ID_ATTRIBUTES);

function instanceWire(instance: PublisherInstance): Wire {
  return {
    tenant_id: instance.tenantId,
    ksc_instance_id: instance.kscInstanceId,
    ...(instance.kscVsUid === undefined ? {} : { ksc_vs_uid: instance.kscVsUid }),
    ...(instance.kscVsId === undefined ? {} : { ksc_vs_id: instance.kscVsId }),
  };
}

/**
 * A checked directory event back in seed 003's wire shape (numbers as the decimal strings they were normalised
 * to): the inverse of `checkDirectoryEvent`, for publishers (the KSC emulator) and round-trip tests.
 */
export function directoryEventToCloudEvent(event: DirectoryEvent): DirectoryCloudEvent {
  const data: Wire = instanceWire(event.instance);
  switch (event.type) {
    case 'ds_info_reset':
    case 'ds_info_reset_complete':
      break;
    case 'ds_user_info':
    case 'ds_group_info':
      data['ksc_trustee_id'] = event.trustee.id;
      data['ksc_trustee_sfx'] = event.trustee.sfx;
      data['ds_info'] = infoWire(event.info);
      if (event.infoOriginal !== undefined) data['ds_info_original'] = infoWire(event.infoOriginal);
      break;
    case 'ds_obj_deleted':
      if (event.ds !== undefined) data['ds'] = event.ds;
      data['ds_ids_chunk'] = event.chunk.map(idsWire);
      break;
    default:
      if (event.ds !== undefined) data['ds'] = event.ds;
      data['ds_ids'] = idsWire(event.subject);
      data['ds_ids_chunk'] = event.chunk.map(idsWire);
  }
  return {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    time: event.time,
    datacontenttype: 'application/json',
    data,
  };
}
