import { z } from 'zod';
import { searchText } from '../core/search-text.ts';
import { kicsQuery } from '../../kics/client/query-builder.ts';
import type { KicsFilterItem } from '../../kics/client/types.ts';
import { itemsTable } from '../core/result.ts';
import { wireOf } from './shared/json.ts';
import {
  APPLICATION_MESSAGE_COLUMNS,
  applicationMessageRecord,
  applicationMessageRow,
  logWindowInputs,
} from './shared/logs.ts';
import { offsetPagingInputs, readOffsetWindow } from './shared/offset-pages.ts';
import { READ_ONLY, READER_ROLES, type KicsCommand } from './shared/vendor.ts';

const TITLE = 'KICS List App Messages';

const text = searchText(1024);

const input = z.object({
  status: z
    .array(text)
    .min(1)
    .optional()
    .describe('Only messages of one of these statuses, as KICS names them (e.g. Info, Warning, Error)'),
  node: text.optional().describe('Only messages of the KICS node (server or sensor) with exactly this name'),
  systemProcess: text
    .optional()
    .describe('Only messages of the KICS process with exactly this name (e.g. kics4net-server)'),
  ...logWindowInputs('messages'),
  ...offsetPagingInputs('messages', 'id'),
});

type Input = z.output<typeof input>;

const keyFields = z.object({
  MessageIds: z.array(z.number().int()),
  Statuses: z.array(z.string()),
  MessagesCount: z.number().int(),
  /** True when the limit cut the list short: ask again from offset + limit. */
  MoreAvailable: z.boolean(),
});

function messageFilter(given: Input): KicsFilterItem[] {
  const query = kicsQuery('application-messages');
  if (given.status !== undefined) query.where('status', 'IsOneOf', given.status);
  if (given.node !== undefined) query.where('node', '=', given.node);
  if (given.systemProcess !== undefined) query.where('systemProcess', '=', given.systemProcess);
  if (given.since !== undefined) query.where('date', '>=', new Date(given.since));
  if (given.until !== undefined) query.where('date', '<', new Date(given.until));
  return [...(query.build().filter ?? [])];
}

/** `kics_list_app_messages`: the messages KICS for Networks logs about its own work. */
export const kicsListAppMessages: KicsCommand<typeof input, typeof keyFields> = {
  name: 'kics_list_app_messages',
  title: TITLE,
  description:
    'Lists the application messages of KICS for Networks — what the product logs about its own work: ' +
    'services started and stopped, sensors and monitoring points connected or lost, updates and license ' +
    'checks, errors — with the time, status (Info, Warning, Error), node and process. Filters combine with ' +
    'AND: status (several), node, systemProcess, since and until. Sorted by id, the oldest first, or the ' +
    'newest first with `newestFirst`. Use it when KICS itself may be the problem (no events, a sensor gone ' +
    'quiet). Returns at most `limit` messages from `offset`; `MoreAvailable` says whether to ask for the ' +
    'next page. A bad value fails before any request. Reads only.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'kics',
  api: { roles: READER_ROLES, operations: ['Querying several application messages'] },
  example: { status: ['Warning', 'Error'], newestFirst: true, limit: 20 },
  async run(ctx, given) {
    const { items, more } = await readOffsetWindow(
      'application-messages',
      (query) => ctx.kics.queryApplicationMessages(query),
      messageFilter(given),
      given,
    );
    return {
      status: 'Successful',
      raw: wireOf(items),
      context: items.map(applicationMessageRecord),
      keyFields: {
        MessageIds: items.map((m) => m.id),
        Statuses: [...new Set(items.map((m) => m.status))],
        MessagesCount: items.length,
        MoreAvailable: more,
      },
      result: itemsTable(TITLE, items, 'Messages Count', APPLICATION_MESSAGE_COLUMNS, applicationMessageRow),
      errors: [],
    };
  },
};
