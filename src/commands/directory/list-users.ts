import { listInput, listKeyFields, listOptions, listResult } from './shared/list.ts';
import { READ_ONLY, type DirectoryCommand } from './shared/vendor.ts';

/** `directory_list_users`: a page of the directory's users, optionally narrowed by a search. */
export const directoryListUsers: DirectoryCommand<typeof listInput, typeof listKeyFields> = {
  name: 'directory_list_users',
  title: 'Directory List Users',
  description:
    'Lists the users of the IAM directory KSC publishes (seed 003), a page at a time, optionally narrowed to ' +
    "those whose display name, UPN, sAMAccountName or mail contains `search`. Pass the answer's NextCursor as " +
    "`cursor` for the next page; no NextCursor means the last page. Use directory_get_user for one user's " +
    'groups. Needs no KSC connection.',
  input: listInput,
  keyFields: listKeyFields,
  ...READ_ONLY,
  vendor: 'directory',
  api: { operations: ['listUsers'] },
  example: { search: 'smith', limit: 20 },
  async run(ctx, query) {
    const page = await ctx.directory.listUsers(listOptions(query));
    return listResult(ctx.directory, 'user', 'Directory List Users', page);
  },
};
