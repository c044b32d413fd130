import type { z } from 'zod';
import type { CommandDefinition, PlainJson, VendorContext } from '../../core/types.ts';

/** What a directory command runs with: the context, with the directory's queries (no vendor connection). */
export type DirectoryContext = VendorContext<'directory'>;

/** A command on kconnect's own IAM directory (seed 003): it needs a directory store, not a connection. */
export type DirectoryCommand<
  Input extends z.ZodType = z.ZodType,
  KeyFields extends z.ZodType<Record<string, PlainJson>> = z.ZodType<Record<string, PlainJson>>,
> = CommandDefinition<Input, KeyFields, 'directory'>;

export function isDirectoryCommand(command: CommandDefinition): command is DirectoryCommand {
  return command.vendor === 'directory';
}

/** A directory command that only reads: running it again is always safe. */
export const READ_ONLY = { readOnly: true, destructive: false, idempotent: true } as const;
