import type { CommandDefinition } from '../core/types.ts';
import { directoryAbandonReset } from './abandon-reset.ts';
import { directoryGetGroupMembers } from './get-group-members.ts';
import { directoryGetUser } from './get-user.ts';
import { directoryListGroups } from './list-groups.ts';
import { directoryListUsers } from './list-users.ts';
import { directoryStatus } from './status.ts';

/** The commands on kconnect's own IAM directory (seed 003): they need a directory store, no connection. */
export const DIRECTORY_COMMANDS: readonly CommandDefinition[] = [
  directoryGetUser,
  directoryListUsers,
  directoryListGroups,
  directoryGetGroupMembers,
  directoryStatus,
  directoryAbandonReset,
];
