import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import { itemsTable } from '../core/result.ts';
import { directoryInputs } from './shared/inputs.ts';
import { nameOf, plainObject, plainRelation } from './shared/plain.ts';
import { resetNotice } from './shared/reset-notice.ts';
import { READ_ONLY, type DirectoryCommand } from './shared/vendor.ts';

const input = z.object({
  group: directoryInputs.identifier('group'),
  transitive: z
    .boolean()
    .default(false)
    .describe(
      'false: the direct members only; true: every member through nested groups too, each with its depth ' +
        '(1 = direct), followed safely through cycles',
    ),
});

const keyFields = z.object({
  GroupIDs: z.array(z.number().int()),
  MemberIDs: z.array(z.number().int()),
  MemberNames: z.array(z.string()),
  MembersCount: z.number().int(),
  Ambiguous: z.boolean(),
  ResetInProgress: z.boolean(),
  ResetNotice: z.string().nullable(),
});

/** `directory_get_group_members`: `DirectoryQueries.groupMembers` for every group the identifier matches. */
export const directoryGetGroupMembers: DirectoryCommand<typeof input, typeof keyFields> = {
  name: 'directory_get_group_members',
  title: 'Directory Get Group Members',
  description:
    'Lists the members (users and groups) of a security group of the IAM directory KSC publishes (seed 003). ' +
    'The group may be named by any identifier, as for directory_get_user. `transitive: true` follows nested ' +
    'groups and gives each member its depth. Several matching groups are all returned and flagged Ambiguous; ' +
    'none is a NOT_FOUND error. Needs no KSC connection.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'directory',
  api: { operations: ['groupMembers'] },
  example: { group: 'Domain Admins', transitive: true },
  async run(ctx, { group, transitive }) {
    const lookup = await ctx.directory.groupMembers(group, { transitive });
    if (lookup.candidates.length === 0)
      throw new KconnectError('NOT_FOUND', `No directory group matches "${group}"`);
    const reset = await resetNotice(ctx.directory);
    const context = lookup.candidates.map((c) => ({
      ...plainObject(c.group),
      members: c.members.map(plainRelation),
      depthLimited: c.depthLimited,
    }));
    const members = lookup.candidates.flatMap((c) => c.members);
    const ambiguous = lookup.candidates.length > 1;
    return {
      status: 'Successful',
      raw: {
        identifier: lookup.identifier,
        transitive,
        ambiguous,
        candidates: context,
        resetsInProgress: reset.plain,
      },
      context,
      keyFields: {
        GroupIDs: lookup.candidates.map((c) => c.group.id),
        MemberIDs: members.map((m) => m.object.id),
        MemberNames: members.map((m) => nameOf(m.object)),
        MembersCount: members.length,
        Ambiguous: ambiguous,
        ResetInProgress: reset.resets.length > 0,
        ResetNotice: reset.notice,
      },
      result: itemsTable(
        ambiguous
          ? `Directory Get Group Members (ambiguous: ${lookup.candidates.length} groups)`
          : 'Directory Get Group Members',
        lookup.candidates.flatMap((c) => c.members.map((m) => ({ group: c.group, member: m }))),
        'Members Count',
        ['Group', 'Member', 'Kind', 'UPN', 'Depth'],
        ({ group: g, member: m }) => [
          nameOf(g),
          nameOf(m.object),
          m.object.kind,
          m.object.info.upn ?? null,
          m.depth,
        ],
      ),
      errors: [],
    };
  },
};
