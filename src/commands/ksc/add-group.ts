import type { KscCommand } from './shared/vendor.ts';
import { z } from 'zod';
import { searchText } from '../core/search-text.ts';
import { findGroups } from '../../ksc/client/iterators.ts';
import { filter } from '../../ksc/filter/index.ts';
import { BASIC_READ_WRITE } from './shared/flags.ts';
import { GROUP_LOOKUP_METHODS, groupReference, resolveGroup, type ResolvedGroup } from './shared/groups.ts';
import { summaryTable } from '../core/result.ts';

const input = z.object({
  name: searchText(256).describe('Name of the new administration group (Cortex XSOAR: name)'),
  parent: groupReference()
    .optional()
    .describe(
      'The parent group (Cortex XSOAR: parent_id): its id, name or full path; default "Managed devices"',
    ),
});

const keyFields = z.object({
  GroupID: z.number().int(),
  GroupName: z.string(),
  ParentGroupID: z.number().int(),
  ParentGroupName: z.string(),
  /** False when the parent already had a group of that name: KSC then returns its id and creates nothing. */
  Created: z.boolean(),
});

/** `Add Group` (Cortex XSOAR's ksc-group-add): `HostGroup.AddGroup`, which returns an existing group's id. */
export const addGroup: KscCommand<typeof input, typeof keyFields> = {
  name: 'add_group',
  title: 'Add Group',
  description:
    'Creates an administration group under a parent group (default "Managed devices") and returns its id. ' +
    'If the parent already has a group of that name (compared case-insensitively), KSC creates nothing and ' +
    'returns the existing id; `Created` tells which happened, so running it twice is safe. Use it to prepare ' +
    'a containment group for Move Hosts To Group. Side effect: a new, empty group (it inherits the parent ' +
    'policies).',
  input,
  keyFields,
  readOnly: false,
  destructive: false,
  idempotent: true,
  vendor: 'ksc',
  api: {
    rights: [BASIC_READ_WRITE],
    operations: [
      'HostGroup.GroupIdGroups',
      'HostGroup.GetGroupInfoEx',
      ...GROUP_LOOKUP_METHODS,
      'HostGroup.AddGroup',
    ],
  },
  example: { name: 'Incident 4711 containment', parent: 'Managed devices' },
  async run(ctx, { name, parent }) {
    const parentGroup: ResolvedGroup =
      parent === undefined
        ? await resolveGroup(ctx, (await ctx.ksc.call('HostGroup.GroupIdGroups')).PxgRetVal, 'parent')
        : await resolveGroup(ctx, parent, 'parent');
    // AddGroup answers an existing group's id the same way as a new one's: only a look first tells them apart.
    const existing = await findGroups(ctx.ksc, {
      filter: filter.and(filter.eq('name', name), filter.eq('parentId', parentGroup.id)).text,
      fields: ['id', 'name'],
      pageSize: 2,
      lifetimeSeconds: 60,
    }).toArray({ limit: 1 });
    const added = await ctx.ksc.callWire('HostGroup.AddGroup', {
      pInfo: { name, parentId: parentGroup.id },
    });
    const id = added.reply.PxgRetVal;
    const created = existing.length === 0;
    const existingName = existing[0]?.['name'];
    const groupName = !created && typeof existingName === 'string' ? existingName : name;
    return {
      status: 'Successful',
      raw: added.wire,
      context: {
        id,
        name: groupName,
        parentId: parentGroup.id,
        parentName: parentGroup.name,
        created,
      },
      keyFields: {
        GroupID: id,
        GroupName: groupName,
        ParentGroupID: parentGroup.id,
        ParentGroupName: parentGroup.name,
        Created: created,
      },
      result: summaryTable('Add Group', {
        'Group ID': id,
        'Group Name': groupName,
        'Parent Group': parentGroup.fullName === '' ? parentGroup.name : parentGroup.fullName,
        Created: created,
      }),
      errors: [],
    };
  },
};
