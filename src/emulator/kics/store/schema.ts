/**
 * Tables of the emulated KICS for Networks. Every resource is a table of JSON documents served as stored (no
 * re-encoding on the hot read path), keyed by the resource's id; the few columns beside a document are what the
 * server looks up without reading it. Names carry a `kics_` prefix so that both emulators can share one
 * PostgreSQL database.
 */
export interface DocumentRow {
  id: number;
  doc: string;
}

export interface KicsSchema {
  kics_meta: { key: string; value: string };
  /** Dictionaries and single documents (about, license, event types, …), by name. */
  kics_dictionaries: { name: string; doc: string };
  kics_devices: DocumentRow & { name_key: string; protocols: string };
  /** `traffic` is the capture's recipe (JSON), null for an event without traffic. */
  kics_events: DocumentRow & { traffic: string | null };
  /** `asset_id`: the device the document belongs to, so removing a device removes its tags and entries. */
  kics_tags: DocumentRow & { asset_id: number };
  kics_vulnerabilities: DocumentRow & { asset_id: number };
  kics_allow_rules: DocumentRow;
  kics_app_messages: DocumentRow;
  kics_audit_entries: DocumentRow;
}

/** The tables that hold one resource's documents each. */
export const DOCUMENT_TABLES = [
  'kics_devices',
  'kics_events',
  'kics_tags',
  'kics_vulnerabilities',
  'kics_allow_rules',
  'kics_app_messages',
  'kics_audit_entries',
] as const;
export type DocumentTableName = (typeof DOCUMENT_TABLES)[number];
