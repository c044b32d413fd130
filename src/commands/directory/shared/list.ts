import { z } from 'zod';
import { itemsTable } from '../../core/result.ts';
import type { CommandResult } from '../../core/types.ts';
import type { DirectoryObjectKind, ListPage } from '../../../directory/model/views.ts';
import type { DirectoryQueries } from '../../../directory/queries.ts';
import { directoryInputs } from './inputs.ts';
import { nameOf, plainObject } from './plain.ts';
import { resetNotice } from './reset-notice.ts';

export const listInput = z.object({
  search: directoryInputs.search(),
  limit: directoryInputs.limit(),
  cursor: directoryInputs.cursor(),
});

export const listKeyFields = z.object({
  IDs: z.array(z.number().int()),
  Names: z.array(z.string()),
  Count: z.number().int(),
  NextCursor: z.string().nullable(),
  ResetInProgress: z.boolean(),
  ResetNotice: z.string().nullable(),
});

/** One page of users or groups as a result: the same shape for both lists. */
export async function listResult(
  directory: DirectoryQueries,
  kind: DirectoryObjectKind,
  title: string,
  page: ListPage,
): Promise<CommandResult<z.output<typeof listKeyFields>>> {
  const reset = await resetNotice(directory);
  const context = page.items.map(plainObject);
  return {
    status: 'Successful',
    raw: { items: context, nextCursor: page.nextCursor ?? null, resetsInProgress: reset.plain },
    context,
    keyFields: {
      IDs: page.items.map((o) => o.id),
      Names: page.items.map(nameOf),
      Count: page.items.length,
      NextCursor: page.nextCursor ?? null,
      ResetInProgress: reset.resets.length > 0,
      ResetNotice: reset.notice,
    },
    result: itemsTable(
      title,
      page.items,
      kind === 'user' ? 'Users Count' : 'Groups Count',
      ['Display Name', 'UPN', 'sAMAccountName', 'Mail', 'DN'],
      (o) => [nameOf(o), o.info.upn ?? null, o.info.samName ?? null, o.info.mail ?? null, o.info.dn ?? null],
    ),
    errors: [],
  };
}

export function listOptions({ search, limit, cursor }: z.output<typeof listInput>) {
  return {
    limit,
    ...(search === undefined ? {} : { search }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}
