import type { z } from 'zod';
import type { KlArgument } from '../../ksc/values.ts';
import type { RightRequirement } from './auth/rights.ts';
import type { MethodContext } from './context.ts';

/** Pre-encoded JSON spliced into a response as it is: large result pages are served without re-encoding. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** What a method answers: `PxgRetVal` and the out-parameters by name, in the order they are written. */
export type MethodResult = { readonly [name: string]: KlArgument | RawJson | undefined };

export interface MethodDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Schema of the named arguments (already decoded by the KLOAPI codec). */
  readonly args: Schema;
  /** Rights the caller needs in the Administration Server scope. */
  readonly rights: readonly RightRequirement[];
  // Method syntax on purpose: it lets a class hold methods with different argument schemas in one record.
  handler(ctx: MethodContext, args: z.output<Schema>): MethodResult | Promise<MethodResult>;
}

export function method<Schema extends z.ZodType>(
  definition: MethodDefinition<Schema>,
): MethodDefinition<Schema> {
  return definition;
}

/** One emulated KSC class (`HostGroup`, `ChunkAccessor`, …) and its methods. */
export interface KscClass {
  readonly name: string;
  readonly methods: Readonly<Record<string, MethodDefinition>>;
}

export function defineClass(name: string, methods: Readonly<Record<string, MethodDefinition>>): KscClass {
  return { name, methods };
}
