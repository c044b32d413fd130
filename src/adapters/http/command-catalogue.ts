import type { CommandDefinition } from '../../commands/index.ts';
import { requiredScope, type Scope } from './auth.ts';
import { inputJsonSchema, type JsonObject } from './openapi.ts';

/**
 * What a definition may carry besides today's fields: the vendor of the command and hints for the surfaces
 * (how a CLI, the console or an MCP client should present it). Read when present, so the catalogue serves them
 * the day definitions have them without a change here.
 */
interface OptionalMetadata {
  readonly vendor?: string;
  readonly surface?: unknown;
}

/** One command of `GET /v1/commands`: what a client needs to offer it, validate a call and present the answer. */
export interface CatalogueEntry {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The product the command talks to; every command is a KSC one today. */
  readonly vendor: string;
  readonly path: string;
  readonly readOnly: boolean;
  readonly destructive: boolean;
  readonly idempotent: boolean;
  readonly scope: Scope;
  readonly kscMethods: readonly string[];
  readonly example: unknown;
  /** The JSON Schema (draft 2020-12) of the input, self-contained: the same zod schema validates calls. */
  readonly input: JsonObject;
  /** The definition's hints for surfaces, when it has any. */
  readonly surface?: unknown;
}

/** The catalogue of a registry, in registry order. */
export function commandCatalogue(commands: readonly CommandDefinition[]): CatalogueEntry[] {
  return commands.map((definition) => {
    const command: CommandDefinition & OptionalMetadata = definition;
    return {
      name: command.name,
      title: command.title,
      description: command.description,
      vendor: command.vendor ?? 'ksc',
      path: `/v1/commands/${command.name}`,
      readOnly: command.readOnly,
      destructive: command.destructive,
      idempotent: command.idempotent,
      scope: requiredScope(command),
      kscMethods: command.kscMethods,
      example: command.example as unknown,
      input: inputJsonSchema(command.input),
      ...(command.surface === undefined ? {} : { surface: command.surface }),
    };
  });
}
