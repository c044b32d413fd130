import {
  isKicsCommand,
  isKscCommand,
  type CommandDefinition,
  type KicsRole,
  type KscRight,
  type SurfaceHints,
  type Subject,
} from '../../commands/index.ts';
import { requiredScope, type Scope } from './auth.ts';
import { inputJsonSchema, type JsonObject } from './openapi.ts';

/** One command of `GET /v1/commands`: what a client needs to offer it, validate a call and present the answer. */
export interface CatalogueEntry {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The product the command talks to. */
  /** The product it talks to, or `directory` (kconnect's own IAM directory). */
  readonly vendor: Subject;
  readonly path: string;
  readonly readOnly: boolean;
  readonly destructive: boolean;
  readonly idempotent: boolean;
  readonly scope: Scope;
  /** The vendor API operations it calls, in order. */
  readonly operations: readonly string[];
  /** KSC commands: the same list, under its earlier name. */
  readonly kscMethods?: readonly string[];
  /** KSC commands: the rights its account needs, in seed 001's words. */
  readonly rights?: readonly KscRight[];
  /** KICS commands: the roles of the connector's user account that may run it, least first. */
  readonly roles?: readonly KicsRole[];
  readonly example: unknown;
  /** The JSON Schema (draft 2020-12) of the input, self-contained: the same zod schema validates calls. */
  readonly input: JsonObject;
  /** The definition's hints for surfaces (CLI aliases, target fields, wait bound), when it has any. */
  readonly hints?: SurfaceHints;
}

/** The catalogue of a registry, in registry order. */
export function commandCatalogue(commands: readonly CommandDefinition[]): CatalogueEntry[] {
  return commands.map((command) => {
    return {
      name: command.name,
      title: command.title,
      description: command.description,
      vendor: command.vendor,
      path: `/v1/commands/${command.name}`,
      readOnly: command.readOnly,
      destructive: command.destructive,
      idempotent: command.idempotent,
      scope: requiredScope(command),
      operations: command.api.operations,
      ...(isKscCommand(command) ? { kscMethods: command.api.operations, rights: command.api.rights } : {}),
      ...(isKicsCommand(command) ? { roles: command.api.roles } : {}),
      example: command.example as unknown,
      input: inputJsonSchema(command.input),
      ...(command.hints === undefined ? {} : { hints: command.hints }),
    };
  });
}
