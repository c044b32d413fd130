import type { KlParams } from '../../../ksc/values.ts';
import type { PlainJson, ResultTable } from '../../core/types.ts';

/** The columns of a policy table, and how a policy fills them. */
export function policyTable(title: string, policies: readonly KlParams[]): ResultTable {
  const cell = (value: unknown): PlainJson =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
  return {
    title,
    columns: ['Policy ID', 'Name', 'Product', 'Version', 'Group', 'Active', 'Inherited'],
    rows: policies.map((p) => [
      cell(p['KLPOL_ID']),
      cell(p['KLPOL_DN']),
      cell(p['KLPOL_PRODUCT']),
      cell(p['KLPOL_VERSION']),
      cell(p['KLPOL_GROUP_NAME']),
      cell(p['KLPOL_ACTIVE']),
      cell(p['KLPOL_INHERITED']),
    ]),
  };
}
