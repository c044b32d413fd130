import { z } from 'zod';
import { KlDate, KlDouble, KlFloat, type KlParams } from '../../ksc/values.ts';

/**
 * Schemas for method arguments, applied to values the shared codec has already decoded. A missing array
 * argument is `[]` and a missing params argument `{}`: real clients omit them (spec §2.1, XSOAR and the KSC KB).
 */
export const arg = {
  string: () => z.string(),
  int: () => z.number().int(),
  /** A long: a plain number or, beyond 2^53, a bigint. */
  long: () => z.union([z.number().int(), z.bigint()]),
  bool: () => z.boolean(),
  date: () => z.instanceof(Date),
  strings: () => z.array(z.string()).default([]),
  params: () =>
    z
      .custom<KlParams>((value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        return !(
          value instanceof Date ||
          value instanceof Uint8Array ||
          value instanceof KlDate ||
          value instanceof KlFloat ||
          value instanceof KlDouble
        );
      }, 'expected a params container')
      .default({}),
  /** `vecFieldsToOrder`: an array of `{Name, Asc}` containers. */
  order: () => z.array(z.object({ Name: z.string(), Asc: z.boolean().default(true) })).default([]),
  /** `lMaxLifeTime` and friends: seconds, capped by the registry. */
  lifetime: () => z.number().int().default(600),
} as const;

export type OrderSpec = Array<{ Name: string; Asc: boolean }>;
