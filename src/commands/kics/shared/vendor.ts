import type { z } from 'zod';
import type { KicsClient } from '../../../kics/client/client.ts';
import type { CommandDefinition, PlainJson, VendorContext } from '../../core/types.ts';

/**
 * The application roles of KICS for Networks a connector's user account may have, least first. KICS checks the
 * role on every request (spec §2.8): an Operator reads, an Administrator also changes.
 */
export const KICS_ROLES = ['Operator', 'Administrator'] as const;
export type KicsRole = (typeof KICS_ROLES)[number];

/** What a KICS command asks of the Public API: the roles that may run it and the operations it calls. */
export interface KicsApi {
  /**
   * The roles of the connector's user account that may run it, least first: `Operator` and up for reads
   * ({@link READER_ROLES}), `Administrator` for changes ({@link CHANGER_ROLES}).
   */
  readonly roles: readonly KicsRole[];
  /** Seed 002's titles of the operations it calls, in order (`Querying several devices`). */
  readonly operations: readonly string[];
}

declare module '../../core/vendors.ts' {
  interface VendorTypes {
    kics: { readonly client: KicsClient; readonly api: KicsApi };
  }
}

/** What a KICS command runs with: the context, with the KICS client of the chosen connection. */
export type KicsContext = VendorContext<'kics'>;

/** A KICS for Networks command. */
export type KicsCommand<
  Input extends z.ZodType = z.ZodType,
  KeyFields extends z.ZodType<Record<string, PlainJson>> = z.ZodType<Record<string, PlainJson>>,
> = CommandDefinition<Input, KeyFields, 'kics'>;

/** Whether a command of the registry is a KICS command (and so has KICS's API metadata). */
export function isKicsCommand(command: CommandDefinition): command is KicsCommand {
  return command.vendor === 'kics';
}

/** A read: every role may run it. */
export const READER_ROLES: readonly KicsRole[] = ['Operator', 'Administrator'];
/** A change: only an Administrator. */
export const CHANGER_ROLES: readonly KicsRole[] = ['Administrator'];

/** The least role that may run a command (the first of its roles). */
export function leastRole(api: KicsApi): KicsRole {
  return api.roles[0] ?? 'Administrator';
}

/** The flags of a command that only reads. */
export const READ_ONLY = { readOnly: true, destructive: false, idempotent: true } as const;
