import { z } from 'zod';
import { KSC_METHODS } from '../../ksc/methods/index.ts';
import { kscMethod, noArgs, out } from '../../ksc/methods/schema.ts';

/**
 * Methods the emulator answers that kconnect's catalogue leaves out on purpose. `Session.CreateToken` returns a
 * one-time token, a credential nothing in kconnect needs, so the client does not offer it; the emulator serves it
 * for clients that log in with `KSCT` tokens.
 */
export const EMULATOR_ONLY_METHODS = {
  /** Issues a one-time token (`KSCT`) for the caller's session; it logs in once. */
  'Session.CreateToken': kscMethod({ args: noArgs(), reply: z.looseObject({ PxgRetVal: out.string() }) }),
} as const;

/** Every method the emulator knows: kconnect's KSC catalogue plus {@link EMULATOR_ONLY_METHODS}. */
export const EMULATED_METHODS = { ...KSC_METHODS, ...EMULATOR_ONLY_METHODS } as const;

export type EmulatedMethodName = keyof typeof EMULATED_METHODS;

/** `HostGroup`, `Tasks`, …: the classes of the emulated methods. */
export type KscClassName = EmulatedMethodName extends `${infer C}.${string}` ? C : never;

/** The method names of one class (`FindHosts` for `HostGroup`). */
export type MethodNameOf<C extends KscClassName> = EmulatedMethodName extends infer N
  ? N extends `${C}.${infer M}`
    ? M
    : never
  : never;

/** True for a method of the catalogue the emulator serves. */
export function isEmulatedMethodName(name: string): name is EmulatedMethodName {
  return Object.hasOwn(EMULATED_METHODS, name);
}
