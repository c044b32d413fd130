import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CommandDefinition } from '../../commands/index.ts';

/** The tools one server offers, and the destructive commands it holds back. */
export interface ToolCatalog {
  /** What `tools/list` answers, in registry order. */
  readonly tools: readonly Tool[];
  /** The commands a call may run, by tool name. */
  readonly enabled: ReadonlyMap<string, CommandDefinition>;
  /** Destructive commands switched off by configuration: not listed, refused when called. */
  readonly disabled: ReadonlyMap<string, CommandDefinition>;
}

// A command's schema never changes, and converting 34 schemas per HTTP request would cost more than the call.
const definitions = new WeakMap<CommandDefinition, Tool>();

/**
 * The MCP tool of a command: its name, title and description, the JSON Schema of what it accepts (defaults
 * make fields optional: the input side of the zod schema), and the hints from its flags. Every command talks
 * to a KSC server, an open world.
 *
 * @throws {Error} when the command's input is not an object schema (MCP requires `type: "object"`): a bug in
 *   the command, caught by the tests that list every tool.
 */
export function toolDefinition(command: CommandDefinition): Tool {
  const known = definitions.get(command);
  if (known !== undefined) return known;
  // The dialect is MCP's default (2020-12); the marker only costs every client's context window.
  const { $schema: _dialect, ...schema } = z.toJSONSchema(command.input, { io: 'input' });
  if (schema.type !== 'object') {
    throw new Error(`command ${command.name}: its input must be an object schema to be an MCP tool`);
  }
  // JSON Schema allows `true` as a property schema; zod never writes one, so the SDK's narrower type holds.
  const inputSchema = schema as Tool['inputSchema'];
  const tool: Tool = {
    name: command.name,
    title: command.title,
    description: command.description,
    inputSchema,
    annotations: {
      // Clients of the 2025-03-26 revision read the title from the annotations only.
      title: command.title,
      readOnlyHint: command.readOnly,
      destructiveHint: command.destructive,
      idempotentHint: command.idempotent,
      openWorldHint: true,
    },
  };
  definitions.set(command, tool);
  return tool;
}

/**
 * Splits the commands into the tools a server offers and the destructive ones it holds back.
 *
 * @throws {Error} when two commands share a name (one would shadow the other).
 */
export function toolCatalog(commands: readonly CommandDefinition[], allowDestructive: boolean): ToolCatalog {
  const enabled = new Map<string, CommandDefinition>();
  const disabled = new Map<string, CommandDefinition>();
  for (const command of commands) {
    if (enabled.has(command.name) || disabled.has(command.name)) {
      throw new Error(`command ${command.name} is registered twice`);
    }
    (command.destructive && !allowDestructive ? disabled : enabled).set(command.name, command);
  }
  return { tools: [...enabled.values()].map(toolDefinition), enabled, disabled };
}
