import type { z } from 'zod';
import type { KscClient } from '../../../ksc/client/client.ts';
import type { CommandDefinition, PlainJson, VendorContext } from '../../core/types.ts';

/** A right a command needs, in seed 001's words (product › feature › operations). */
export interface KscRight {
  readonly product: 'Administration Server' | 'Kaspersky Endpoint Security' | 'Kaspersky Endpoint Agent';
  readonly feature:
    | 'Basic functionality'
    | 'Access objects regardless of their ACLs'
    | 'Anti-virus functionality'
    | 'Host Intrusion Prevention';
  readonly operations: readonly ('Read' | 'Write' | 'Execute' | 'Perform operations on device selections')[];
}

/** What a KSC command asks of the Open API: the rights of its account and the methods it calls. */
export interface KscApi {
  readonly rights: readonly KscRight[];
  /** The KSC Open API methods it calls, in order (for the reference and for rights checks). */
  readonly operations: readonly string[];
}

declare module '../../core/vendors.ts' {
  interface VendorTypes {
    ksc: { readonly client: KscClient; readonly api: KscApi };
  }
}

/** What a KSC command runs with: the context, with the KSC client of the chosen connection. */
export type KscContext = VendorContext<'ksc'>;

/** A KSC command. */
export type KscCommand<
  Input extends z.ZodType = z.ZodType,
  KeyFields extends z.ZodType<Record<string, PlainJson>> = z.ZodType<Record<string, PlainJson>>,
> = CommandDefinition<Input, KeyFields, 'ksc'>;

/** Whether a command of the registry is a KSC command (and so has KSC's API metadata). */
export function isKscCommand(command: CommandDefinition): command is KscCommand {
  return command.vendor === 'ksc';
}
