import { listInput, listKeyFields, listOptions, listResult } from './shared/list.ts';
import { READ_ONLY, type DirectoryCommand } from './shared/vendor.ts';

/** `directory_list_groups`: a page of the directory's security groups, optionally narrowed by a search. */
export const directoryListGroups: DirectoryCommand<typeof listInput, typeof listKeyFields> = {
  name: 'directory_list_groups',
  title: 'Directory List Groups',
  description:
    'Lists the security groups of the IAM directory KSC publishes (seed 003), a page at a time, optionally ' +
    "narrowed to those whose display name, sAMAccountName or mail contains `search`. Pass the answer's " +
    "NextCursor as `cursor` for the next page. Use directory_get_group_members for a group's members. Needs no " +
    'KSC connection.',
  input: listInput,
  keyFields: listKeyFields,
  ...READ_ONLY,
  vendor: 'directory',
  api: { operations: ['listGroups'] },
  example: { search: 'admins' },
  async run(ctx, query) {
    const page = await ctx.directory.listGroups(listOptions(query));
    return listResult(ctx.directory, 'group', 'Directory List Groups', page);
  },
};
