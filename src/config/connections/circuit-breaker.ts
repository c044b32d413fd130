/**
 * `circuitBreaker` of a connection, whatever its type: `false`, or `{ failureThreshold, coolDownMs }` (each
 * optional; the client's defaults fill the rest, see `src/http/circuit-breaker.ts` and decision 0048).
 */
import { z } from 'zod';
import type { CircuitBreakerOptions } from '../../http/circuit-breaker.ts';
import type { ConnectionSettings } from './settings.ts';

export const circuitBreakerFileSchema = z.union([
  z.literal(false),
  z.strictObject({
    /** Consecutive transport failures that open the circuit. */
    failureThreshold: z.number().int().min(1).max(1000).optional(),
    /** How long the circuit stays open before one probe call, ms. */
    coolDownMs: z.number().int().min(1).max(3_600_000).optional(),
  }),
]);

/** The merged setting (the file flattens it to `circuitBreaker.failureThreshold` …), or undefined when not given. */
export function circuitBreakerSetting(
  settings: ConnectionSettings,
): CircuitBreakerOptions | false | undefined {
  if (settings.value<unknown>('circuitBreaker') === false) return false;
  const failureThreshold = settings.value<number>('circuitBreaker.failureThreshold');
  const coolDownMs = settings.value<number>('circuitBreaker.coolDownMs');
  if (failureThreshold === undefined && coolDownMs === undefined) return undefined;
  return {
    ...(failureThreshold === undefined ? {} : { failureThreshold }),
    ...(coolDownMs === undefined ? {} : { coolDownMs }),
  };
}
