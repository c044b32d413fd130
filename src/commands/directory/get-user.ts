import { z } from 'zod';
import { KconnectError } from '../../errors.ts';
import { itemsTable } from '../core/result.ts';

import { directoryInputs } from './shared/inputs.ts';
import { nameOf, plainObject, plainRelation } from './shared/plain.ts';
import { resetNotice } from './shared/reset-notice.ts';
import { READ_ONLY, type DirectoryCommand } from './shared/vendor.ts';

const input = z.object({ user: directoryInputs.identifier('user') });

const keyFields = z.object({
  UserIDs: z.array(z.number().int()),
  UPNs: z.array(z.string()),
  DisplayNames: z.array(z.string()),
  GroupNames: z.array(z.string()),
  Ambiguous: z.boolean(),
  ResetInProgress: z.boolean(),
  ResetNotice: z.string().nullable(),
});

/** `directory_get_user`: `DirectoryQueries.getUser`, every match with its direct and transitive groups. */
export const directoryGetUser: DirectoryCommand<typeof input, typeof keyFields> = {
  name: 'directory_get_user',
  title: 'Directory Get User',
  description:
    'Looks a user up in the IAM directory KSC publishes (seed 003) by any identifier — KSC trustee id, uid, ' +
    'SID, UPN, sAMAccountName or DOMAIN\\name, mail, DN, display name — and returns the user with its directory ' +
    'attributes, its direct groups and every group it is in through nesting (with the depth). Several matches ' +
    'are all returned and flagged Ambiguous; none is a NOT_FOUND error. While a directory reset is in ' +
    'progress the answer comes from the last complete generation and says so. Needs no KSC connection.',
  input,
  keyFields,
  ...READ_ONLY,
  vendor: 'directory',
  api: { operations: ['getUser'] },
  example: { user: 'john.smith@example.com' },
  async run(ctx, { user }) {
    const lookup = await ctx.directory.getUser(user);
    if (lookup.candidates.length === 0)
      throw new KconnectError('NOT_FOUND', `No directory user matches "${user}"`);
    const reset = await resetNotice(ctx.directory);
    const context = lookup.candidates.map((c) => ({
      ...plainObject(c.user),
      matchedBy: [...c.matchedBy],
      directGroups: c.directGroups.map(plainObject),
      groups: c.groups.map(plainRelation),
      depthLimited: c.depthLimited,
    }));
    const ambiguous = lookup.candidates.length > 1;
    return {
      status: 'Successful',
      raw: {
        identifier: lookup.identifier,
        ambiguous,
        candidates: context,
        resetsInProgress: reset.plain,
      },
      context,
      keyFields: {
        UserIDs: lookup.candidates.map((c) => c.user.id),
        UPNs: lookup.candidates.flatMap((c) => (c.user.info.upn === undefined ? [] : [c.user.info.upn])),
        DisplayNames: lookup.candidates.map((c) => nameOf(c.user)),
        GroupNames: [...new Set(lookup.candidates.flatMap((c) => c.groups.map((g) => nameOf(g.object))))],
        Ambiguous: ambiguous,
        ResetInProgress: reset.resets.length > 0,
        ResetNotice: reset.notice,
      },
      result: itemsTable(
        ambiguous
          ? `Directory Get User (ambiguous: ${lookup.candidates.length} users)`
          : 'Directory Get User',
        lookup.candidates,
        'Users Count',
        ['Display Name', 'UPN', 'sAMAccountName', 'Mail', 'Direct Groups', 'All Groups'],
        (c) => [
          nameOf(c.user),
          c.user.info.upn ?? null,
          c.user.info.samName ?? null,
          c.user.info.mail ?? null,
          c.directGroups.map(nameOf).join(', '),
          c.groups.map((g) => nameOf(g.object)).join(', '),
        ],
      ),
      errors: [],
    };
  },
};
