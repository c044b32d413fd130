/**
 * The `table` of a `postgres` sink. Apart from the sink so that checking the configuration loads neither pg nor
 * Kysely (decision 0073).
 */

/** A table, optionally in a schema: validated identifiers, quoted when used. */
export interface TableName {
  readonly schema?: string;
  readonly name: string;
  /** As written: `siem.ksc_events`. */
  readonly text: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** `table` or `schema.table` with plain identifiers; undefined otherwise. */
export function parseTableName(text: string): TableName | undefined {
  const parts = text.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) return undefined;
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]!, text } : { name: parts[0]!, text };
}
