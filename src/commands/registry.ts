import type { CommandDefinition } from './core/types.ts';
import { DIRECTORY_COMMANDS } from './directory/index.ts';
import { KICS_COMMANDS } from './kics/index.ts';
import { KSC_COMMANDS } from './ksc/index.ts';

/**
 * Every command of every vendor: the CLI, HTTP and MCP surfaces and `docs/commands.md` are generated from this
 * list, so a command is its file and one line in its vendor's list.
 */
export const COMMANDS: readonly CommandDefinition[] = [
  ...KSC_COMMANDS,
  ...KICS_COMMANDS,
  ...DIRECTORY_COMMANDS,
];

export function commandByName(name: string): CommandDefinition | undefined {
  return COMMANDS.find((c) => c.name === name);
}
