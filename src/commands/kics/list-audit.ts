import { z } from 'zod';
import { searchText } from '../core/search-text.ts';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import type { KicsFilterItem } from '../../kics/client/types.ts';
import { itemsTable } from '../core/result.ts';
import { wireOf } from './shared/json.ts';
import { AUDIT_COLUMNS, auditRecord, auditRow, logWindowInputs } from './shared/logs.ts';
import { offsetPagingInputs, readOffsetWindow } from './shared/offset-pages.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS List Audit';

const text = searchText(1024);

const input = z.object({
  userName: text.optional().describe('Only entries of the KICS for Networks user with exactly this name'),
  action: z
    .array(text)
    .min(1)
    .optional()
    .describe('Only entries of one of these actions, as KICS names them (e.g. SignIn, DeviceEdited)'),
  result: text.optional().describe('Only entries with this result, as KICS names it (e.g. Success, Failure)'),
  node: text.optional().describe('Only entries of the KICS node (server or sensor) with exactly this name'),
  ...logWindowInputs('entries'),
  ...offsetPagingInputs('entries', 'id'),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  AuditEntryIds: z.array(z.number().int()),
  Users: z.array(z.string()),
  EntriesCount: z.number().int(),
  /** True when the limit cut the list short: ask again from offset + limit. */
  MoreAvailable: z.boolean(),
});

function auditFilter(given: Input): KicsFilterItem[] {
  const query = kicsQuery('audit-messages');
  if (given.userName !== undefined) query.where('user', '=', given.userName);
  if (given.action !== undefined) query.where('action', 'IsOneOf', given.action);
  if (given.result !== undefined) query.where('result', '=', given.result);
  if (given.node !== undefined) query.where('node', '=', given.node);
  if (given.since !== undefined) query.where('date', '>=', new Date(given.since));
  if (given.until !== undefined) query.where('date', '<', new Date(given.until));
  return [...(query.build().filter ?? [])];
}

/** `kics_list_audit`: the audit log of KICS for Networks — who did what, with what result. */
export const kicsListAudit: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_audit',
  title: TITLE,
  description:
    'Lists the audit log of KICS for Networks: who did what and with what result — sign-ins (and failed ' +
    'ones), tokens issued to connectors, edits of devices, events and allowing rules, connectors added — ' +
    'with the time, the node and a description. Filters combine with AND: userName, action (several), result, ' +
    'node, since and until. Sorted by id, the oldest first, or the newest first with `newestFirst`. Use it ' +
    'to review changes around an incident or failed sign-ins. Returns at most `limit` entries from `offset`; ' +
    '`MoreAvailable` says whether to ask for the next page. A bad value fails before any request. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying several audit entries'] },
  example: { newestFirst: true, limit: 20 },
  async run(ctx, given) {
    const { items, more } = await readOffsetWindow(
      'audit-messages',
      (query) => ctx.kics.queryAuditMessages(query),
      auditFilter(given),
      given,
    );
    return {
      status: 'Successful',
      raw: wireOf(items),
      context: items.map(auditRecord),
      keyFields: {
        AuditEntryIds: items.map((e) => e.id),
        Users: [...new Set(items.map((e) => e.user))],
        EntriesCount: items.length,
        MoreAvailable: more,
      },
      result: itemsTable(TITLE, items, 'Entries Count', AUDIT_COLUMNS, auditRow),
      errors: [],
    };
  },
};
