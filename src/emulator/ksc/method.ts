import type { z } from 'zod';
import { lenientArgs, type LenientArgs } from '../../ksc/methods/index.ts';
import type { KlArgument } from '../../ksc/values.ts';
import { EMULATOR_READING } from './args.ts';
import type { RightRequirement } from './auth/rights.ts';
import {
  EMULATED_METHODS,
  isEmulatedMethodName,
  type EmulatedMethodName,
  type KscClassName,
  type MethodNameOf,
} from './catalogue.ts';
import type { MethodContext } from './context.ts';

/** Pre-encoded JSON spliced into a response as it is: large result pages are served without re-encoding. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** What a method answers: `PxgRetVal` and the out-parameters by name, in the order they are written. */
export type MethodResult = { readonly [name: string]: KlArgument | RawJson | undefined };

/** The arguments a handler of `method` receives: the catalogue's, read leniently (every one present). */
export type MethodArgs<Name extends EmulatedMethodName> = LenientArgs<
  z.output<(typeof EMULATED_METHODS)[Name]['args']>
>;

/** What a class file writes for one method: the rights it needs and its handler. */
export interface MethodImplementation<Args> {
  /** Rights the caller needs in the Administration Server scope. */
  readonly rights: readonly RightRequirement[];
  handler(ctx: MethodContext, args: Args): MethodResult | Promise<MethodResult>;
}

/** The methods of class `C` an emulator file implements, typed by the catalogue (a class may span several files). */
export type ClassImplementation<C extends KscClassName> = {
  readonly [M in MethodNameOf<C>]?: MethodImplementation<MethodArgs<`${C}.${M}` & EmulatedMethodName>>;
};

/** A method as the server runs it: the lenient argument schema derived from the catalogue, rights, handler. */
export interface MethodDefinition {
  /** Schema of the named arguments (already decoded by the KLOAPI codec). */
  readonly args: z.ZodType;
  readonly rights: readonly RightRequirement[];
  // Method syntax on purpose: it lets one record hold handlers of different argument types.
  handler(ctx: MethodContext, args: unknown): MethodResult | Promise<MethodResult>;
}

/** One emulated KSC class (`HostGroup`, `ChunkAccessor`, …) and its methods. */
export interface KscClass {
  readonly name: KscClassName;
  readonly methods: Readonly<Record<string, MethodDefinition>>;
  /**
   * `agent`: a Network Agent's class (`NagNetworkListApi`), reached only over a gateway connection; server classes
   * are not reached over one. Default `server`.
   */
  readonly side: 'server' | 'agent';
}

/**
 * Declares an emulated class: each method's arguments come from the catalogue (`src/ksc/methods`), read
 * leniently as KSC reads them, so the emulator and the client share one list of methods and arguments.
 */
export function defineClass<C extends KscClassName>(
  name: C,
  methods: ClassImplementation<C>,
  options: { readonly side?: KscClass['side'] } = {},
): KscClass {
  const definitions: Record<string, MethodDefinition> = {};
  for (const [method, implementation] of Object.entries(methods) as Array<
    [string, MethodImplementation<never> | undefined]
  >) {
    const qualified = `${name}.${method}`;
    if (implementation === undefined) continue;
    if (!isEmulatedMethodName(qualified)) throw new TypeError(`${qualified} is not in the method catalogue`);
    definitions[method] = {
      args: lenientArgs(EMULATED_METHODS[qualified].args as z.ZodType, EMULATOR_READING),
      rights: implementation.rights,
      handler: implementation.handler as MethodDefinition['handler'],
    };
  }
  return { name, methods: definitions, side: options.side ?? 'server' };
}
