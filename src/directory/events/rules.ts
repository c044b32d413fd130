import type { DirectoryEventType } from '../types.ts';

/** The shape of one `data` attribute of seed 003. */
export type AttributeKind =
  /** A non-empty string. */
  | 'text'
  /** A KSC number (trustee id and suffix, virtual server id): a decimal string or a non-negative integer. */
  | 'number'
  /** `ds_info` / `ds_info_original`: an object's directory attributes. */
  | 'info'
  /** `ds_ids`: the identifiers of one object. */
  | 'ids'
  /** `ds_ids_chunk`: an array of identifier objects. */
  | 'chunk';

export interface TypeRule {
  /** Seed 003's required attributes of `data`, in its order: the first missing one is the one reported. */
  readonly required: readonly string[];
  /** Seed 003's optional attributes, and those read wherever they come (see decision 0053). */
  readonly optional: readonly string[];
}

/** What each `data` attribute must look like, whatever the type it comes in. */
export const ATTRIBUTE_KINDS: Readonly<Record<string, AttributeKind>> = {
  tenant_id: 'text',
  ksc_instance_id: 'text',
  ksc_vs_uid: 'text',
  ksc_vs_id: 'number',
  ksc_trustee_id: 'number',
  ksc_trustee_sfx: 'number',
  ds: 'text',
  ds_info: 'info',
  ds_info_original: 'info',
  ds_ids: 'ids',
  ds_ids_chunk: 'chunk',
};

const INSTANCE = ['tenant_id', 'ksc_instance_id'] as const;
const VIRTUAL_SERVER = ['ksc_vs_uid', 'ksc_vs_id'] as const;

/** Seed 003, type by type: required and optional attributes of `data`. */
export const TYPE_RULES: Readonly<Record<DirectoryEventType, TypeRule>> = {
  ds_info_reset: { required: INSTANCE, optional: VIRTUAL_SERVER },
  ds_info_reset_complete: { required: INSTANCE, optional: VIRTUAL_SERVER },
  ds_user_info: {
    required: [...INSTANCE, 'ksc_trustee_id', 'ksc_trustee_sfx', 'ds_info'],
    optional: [...VIRTUAL_SERVER, 'ds_info_original'],
  },
  ds_group_info: {
    required: [...INSTANCE, 'ksc_trustee_id', 'ksc_trustee_sfx', 'ds_info'],
    optional: [...VIRTUAL_SERVER, 'ds_info_original'],
  },
  ds_obj_deleted: { required: [...INSTANCE, 'ds_ids_chunk'], optional: ['ds', ...VIRTUAL_SERVER] },
  ds_group_members: {
    required: [...INSTANCE, 'ds_ids', 'ds_ids_chunk'],
    optional: ['ds', ...VIRTUAL_SERVER],
  },
  ds_group_members_deleted: {
    required: [...INSTANCE, 'ds_ids', 'ds_ids_chunk'],
    optional: ['ds', ...VIRTUAL_SERVER],
  },
  ds_obj_memberof: { required: [...INSTANCE, 'ds_ids', 'ds_ids_chunk'], optional: ['ds', ...VIRTUAL_SERVER] },
  ds_obj_memberof_deleted: {
    required: [...INSTANCE, 'ds_ids', 'ds_ids_chunk'],
    optional: ['ds', ...VIRTUAL_SERVER],
  },
};

/** `ds_info` attributes the seed shows, by wire name → `DirectoryInfo` field. Values are strings. */
export const INFO_ATTRIBUTES = {
  ds: 'ds',
  uid: 'uid',
  uid_bin: 'uidBin',
  sid_bin: 'sidBin',
  sid_hash: 'sidHash',
  dn: 'dn',
  dn_hash: 'dnHash',
  display_name: 'displayName',
  upn: 'upn',
  sam_name: 'samName',
  mail: 'mail',
} as const;

/** `ds_ids` / chunk item attributes, by wire name → `DirectoryIds` field. */
export const ID_ATTRIBUTES = {
  ds: 'ds',
  uid: 'uid',
  uid_bin: 'uidBin',
  sid_hash: 'sidHash',
  dn_hash: 'dnHash',
  ksc_trustee_id: 'kscTrusteeId',
  ksc_trustee_sfx: 'kscTrusteeSfx',
} as const;

/** Attributes carried as base64 (binary GUIDs, SIDs and hashes). */
export const BASE64_ATTRIBUTES: ReadonlySet<string> = new Set(['uid_bin', 'sid_bin', 'sid_hash', 'dn_hash']);

/** Identifiers that name an object on their own; the trustee id counts only with its suffix. */
export const NAMING_IDENTIFIERS = ['uid', 'uid_bin', 'sid_hash', 'dn_hash'] as const;
