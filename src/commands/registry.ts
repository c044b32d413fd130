import { listHosts } from './list-hosts.ts';
import type { CommandDefinition } from './types.ts';

/**
 * Every command, in the order of the reference. The CLI, HTTP and MCP surfaces and `docs/commands.md` are
 * generated from this list: adding a command is its file and one line here.
 */
export const COMMANDS: readonly CommandDefinition[] = [listHosts];

export function commandByName(name: string): CommandDefinition | undefined {
  return COMMANDS.find((c) => c.name === name);
}
